"""One baseline everywhere, through the real pre-commit: after ``metstandards baseline`` a
legacy repository commits changes that add no finding, a commit that adds one fails on that one
alone, and CI's ``metstandards check`` reports the same findings as the commit hooks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._pre_commit import commit_all, git, new_repository, run, snapshot_checkout

pytestmark = pytest.mark.slow

#: Legacy code with a finding for each commit hook: MS202 (lint), B006 (ruff, added by the
#: profile's extend-select) and a rank-D function (complexity).
LEGACY = (
    "import torch\n\n\ndef restore(path, cache={}):\n    return torch.load(path)\n\n\n"
    "def grade(x):\n"
    + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(25))
    + "    return -1\n"
)
#: The org's hooks a repository adopts, from the repository under test at ``rev``.
CONFIG = """\
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: metstandards-lint
      - id: metstandards-ruff
      - id: metstandards-complexity
"""
#: The parts of check the commit hooks do not run: the slow tools, and the repository checks
#: (the scratch repository has no README, CI or tests, which is not what this test is about).
SKIP = ("--skip", "mypy", "--skip", "pip-audit", "--skip", "bandit", "--skip", "repository")
_FINDING = re.compile(r"^(?P<path>\S+\.py):(?P<line>\d+):\d+: (?P<code>\S+) ", re.MULTILINE)


def metstandards(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The metstandards of this environment, as CI runs it."""
    return subprocess.run(
        [sys.executable, "-m", "metstandards", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A legacy repository with the hooks installed and a baseline committed; the pre-commit
    home whose hook environments are built once for the module."""
    base = tmp_path_factory.mktemp("one-baseline")
    hooks = base / "metstandards"
    rev = snapshot_checkout(hooks)
    root = new_repository(base / "legacy")
    (root / "pyproject.toml").write_text('[project]\nname = "legacy"\nversion = "0.1.0"\n')
    (root / "legacy").mkdir()
    (root / "legacy" / "__init__.py").write_text("")
    (root / "legacy" / "model.py").write_text(LEGACY)
    (root / ".pre-commit-config.yaml").write_text(CONFIG.format(repo=hooks, rev=rev))
    (root / ".gitignore").write_text(".metstandards_cache/\n")
    recorded = metstandards("baseline", "--no-progress", *SKIP, cwd=root)
    assert recorded.returncode == 0, recorded.stderr
    commit_all(root)
    home = base / "pre-commit-home"
    installed = run(sys.executable, "-m", "pre_commit", "install", cwd=root, home=home)
    assert installed.returncode == 0, installed.stdout
    return root, home


@pytest.fixture(autouse=True)
def _clean_work_tree(legacy: tuple[Path, Path]) -> Iterator[None]:
    """Each test starts from the last commit: a commit its hooks refused leaves its files
    staged, which the next test (in any order) would commit too."""
    yield
    root, _ = legacy
    git("reset", "--hard", "--quiet", cwd=root)
    git("clean", "-d", "--force", "--quiet", cwd=root)


def commit(root: Path, home: Path) -> subprocess.CompletedProcess[str]:
    git("add", "-A", cwd=root)
    return run("git", "commit", "-m", "change", cwd=root, home=home)


def test_a_commit_that_adds_no_finding_passes_every_hook(legacy: tuple[Path, Path]) -> None:
    root, home = legacy
    model = root / "legacy" / "model.py"
    model.write_text(model.read_text() + "\n\ndef double(x: int) -> int:\n    return 2 * x\n")
    done = commit(root, home)
    assert done.returncode == 0, done.stdout
    for hook in ("metstandards lint", "metstandards ruff", "metstandards complexity gate"):
        assert re.search(rf"^{re.escape(hook)}.*\.+Passed$", done.stdout, re.MULTILINE), done.stdout


def test_a_new_finding_fails_its_hook_and_ci_reports_the_same(legacy: tuple[Path, Path]) -> None:
    root, home = legacy
    (root / "legacy" / "io.py").write_text(
        "import pickle\n\n\ndef load(blob, seen=[]):\n    return pickle.loads(blob)\n"
    )
    done = commit(root, home)
    assert done.returncode == 1, done.stdout
    hooks = {(m["path"], int(m["line"]), m["code"]) for m in _FINDING.finditer(done.stdout)}
    assert hooks == {("legacy/io.py", 5, "MS202"), ("legacy/io.py", 4, "ruff:B006")}
    ci = metstandards("check", "--no-progress", *SKIP, "-f", "json", cwd=root)
    assert ci.returncode == 1, ci.stderr
    report = json.loads(ci.stdout)
    assert {(f["path"], f["line"], f["code"]) for f in report["findings"]} == hooks

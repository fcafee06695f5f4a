"""The ``metstandards-lint`` hook through the real ``pre-commit try-repo``, as a repository that
adds the hook would first try it: pre-commit builds the hook's environment from this checkout
(installing its dependencies from the package index) and runs it on a scratch repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ._pre_commit import commit_all, new_repository, pre_commit, snapshot_checkout

pytestmark = pytest.mark.slow

UNSAFE = "import torch\n\n\ndef restore(path):\n    return torch.load(path)\n"


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's working tree, committed: try-repo then uses its HEAD as it is."""
    path = tmp_path_factory.mktemp("hooks-repo") / "metstandards"
    snapshot_checkout(path)
    return path


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    root = new_repository(tmp_path / "scratch")
    (root / "pyproject.toml").write_text('[project]\nname = "scratch"\nversion = "0.1.0"\n')
    (root / "scratch").mkdir()
    (root / "scratch" / "__init__.py").write_text("")
    (root / "scratch" / "model.py").write_text(UNSAFE)
    (root / "scratch" / "clean.py").write_text("def double(x):\n    return 2 * x\n")
    commit_all(root)
    return root


def test_the_lint_hook_fails_on_a_violation_and_passes_a_clean_file(
    hooks_repo: Path, scratch: Path, tmp_path: Path
) -> None:
    # try-repo keeps its hook environments in a temporary store of its own, whatever
    # PRE_COMMIT_HOME says; the home given here only keeps the user's cache out of it.
    home = tmp_path / "pre-commit-home"
    dirty = pre_commit(
        "try-repo", hooks_repo, "metstandards-lint", "--files", "scratch/model.py",
        cwd=scratch, home=home,
    )  # fmt: skip
    assert dirty.returncode == 1, dirty.stdout
    assert re.search(r"metstandards lint\.+Failed", dirty.stdout), dirty.stdout
    assert "scratch/model.py:5:12: MS202 `torch.load` without" in dirty.stdout

    clean = pre_commit(
        "try-repo", hooks_repo, "metstandards-lint", "--files", "scratch/clean.py",
        cwd=scratch, home=home,
    )  # fmt: skip
    assert clean.returncode == 0, clean.stdout
    assert re.search(r"metstandards lint\.+Passed", clean.stdout), clean.stdout

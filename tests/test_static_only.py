"""Static analysis only: no route through metstandards runs code of the repository it checks.

Each test plants code that leaves a marker file when it is imported, where a careless checker
would import it, and runs the real command: the marker must never appear. The last assertion of
each shows the planted code works, by running it where importing it is the user's explicit wish.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _plant(directory: Path, marker: Path) -> None:
    """A module that leaves ``marker`` when imported, and a dist-info that registers it as the
    rule EV101, as an installed plugin (or a stray directory in a repository) would."""
    (directory / "evil_rules.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('imported')\n"
        "from metstandards.rule import Rule\n\n\nclass Evil(Rule):\n"
        "    code = 'EV101'\n    name = 'evil'\n"
    )
    dist = directory / "evil_rules-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: evil-rules\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[metstandards.rules]\nEV101 = evil_rules:Evil\n")


def metstandards(
    *args: str, cwd: Path, pythonpath: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, "-m", "metstandards", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_python_m_never_imports_from_the_checked_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text('[project]\nname = "repo"\n')
    (repo / "model.py").write_text("x = 1\n")
    marker = tmp_path / "imported"
    _plant(repo, marker)
    for args in (["lint"], ["rules"], ["check", "--only", "lint"]):
        done = metstandards(*args, cwd=repo)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        assert "EV101" not in done.stdout
        assert not marker.exists(), args
    # Put where the user installs packages, the same directory is a plugin: `rules` lists it.
    assert "EV101" in metstandards("rules", cwd=tmp_path, pythonpath=repo).stdout
    assert marker.exists()


def test_an_installed_plugin_runs_only_once_its_prefix_is_selected(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    marker = tmp_path / "imported"
    _plant(site, marker)
    project = tmp_path / "project"
    project.mkdir()
    (project / "model.py").write_text("x = 1\n")
    (project / "pyproject.toml").write_text('[project]\nname = "p"\n')
    done = metstandards("lint", "--no-cache", cwd=project, pythonpath=site)
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    (project / "pyproject.toml").write_text('[tool.metstandards]\nselect = ["MS", "EV"]\n')
    done = metstandards("lint", "--no-cache", cwd=project, pythonpath=site)
    assert done.returncode == 0, done.stderr
    assert marker.exists()


@pytest.mark.slow
def test_no_git_command_starts_the_repositorys_fsmonitor(tmp_path: Path) -> None:
    """A repository's ``core.fsmonitor`` names a program that git starts whenever it reads the
    index (``git ls-files`` does). Every git command ``check`` runs on the checked repository
    (is the project's ``.venv`` tracked, where is the top of the work tree, which tag is on
    HEAD) runs without it."""
    from metstandards.gates.version_tag import current_tag
    from metstandards.repository.part import _top_level
    from metstandards.tools.environment import project_interpreter

    root = tmp_path / "repo"
    venv_python = root / ".venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    venv_python.write_text("#!/bin/sh\n")
    venv_python.chmod(0o755)
    marker = tmp_path / "fsmonitor-ran"
    hook = tmp_path / "fsmonitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "one"], ["tag", "v1.0"]):
        subprocess.run([*git, *command], cwd=root, check=True)
    subprocess.run(["git", "config", "core.fsmonitor", str(hook)], cwd=root, check=True)
    subprocess.run(["git", "ls-files"], cwd=root, check=True, capture_output=True)
    assert marker.exists(), "git itself starts the program: the test would prove nothing"
    marker.unlink()

    interpreter = project_interpreter(root, "", untrusted=False)
    assert interpreter.origin == "the environment metstandards runs in"  # .venv is tracked
    assert _top_level(root) == root.resolve()
    assert current_tag(root) == "v1.0"
    assert not marker.exists()

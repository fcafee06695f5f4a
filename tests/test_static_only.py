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

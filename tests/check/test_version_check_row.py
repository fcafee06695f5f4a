"""``metstandards version-check`` runs one check and shows one row: the other checks were not
asked for, so they are neither listed as "disabled: skipped with --skip" nor judged."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from metstandards.cli import main

#: Nothing of the machine's own CI or push may leak into a test.
CLEAN = {"PRE_COMMIT_LOCAL_BRANCH": None, "GITHUB_REF": None, "CI_COMMIT_TAG": None}


def _version_check(tmp_path: Path, *args: str) -> Result:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "1.2.0"\n')
    (tmp_path / "demo.py").write_text("import torch\nstate = torch.load(path)\n")
    return CliRunner().invoke(main, ["version-check", str(tmp_path), *args], env=CLEAN)


@pytest.mark.slow
def test_without_a_tag_one_skipped_row_and_status_0(tmp_path: Path) -> None:
    result = _version_check(tmp_path)
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()[1:] if line.strip()]
    assert rows[0][:5] == ["Release", "tag", "matches", "version", "version-tag"]
    assert len(rows) == 2  # the row, then the verdict
    assert "disabled" not in result.stdout
    assert "MS202" not in result.stdout  # lint did not run


def test_on_a_wrong_tag_one_row_with_the_finding(tmp_path: Path) -> None:
    result = _version_check(tmp_path, "--tag", "v1.3.0")
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines[0].startswith("pyproject.toml:3:1: MS502 tag v1.3.0 is version 1.3.0")
    assert lines[1].split() == ["Standard", "Check", "Result"]
    assert lines[2].split()[:6] == ["Release", "tag", "matches", "version", "version-tag", "1"]
    assert lines[3:] == ["Failed: 1 error, 0 warnings."]

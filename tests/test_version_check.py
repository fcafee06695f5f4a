"""``metstandards version-check``, the pre-push hook's command: the tag comes from ``--tag``,
from the ref pre-commit says is being pushed, or from CI; without a tag there is nothing to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from metstandards.cli import main

#: Nothing of the machine's own CI or push may leak into a test.
CLEAN = {"PRE_COMMIT_LOCAL_BRANCH": None, "GITHUB_REF": None, "CI_COMMIT_TAG": None}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "1.2.0"\n')
    return tmp_path


def version_check(project: Path, *args: str, **env: str) -> Result:
    result = CliRunner().invoke(main, ["version-check", str(project), *args], env={**CLEAN, **env})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_a_pushed_tag_must_name_the_declared_version(project: Path) -> None:
    wrong = version_check(project, PRE_COMMIT_LOCAL_BRANCH="refs/tags/v1.3.0")
    assert wrong.exit_code == 1
    assert "MS502 tag v1.3.0 is version 1.3.0, but pyproject.toml [project].version is 1.2.0" in (
        wrong.output
    )
    right = version_check(project, PRE_COMMIT_LOCAL_BRANCH="refs/tags/v1.2.0")
    assert right.exit_code == 0, right.output


@pytest.mark.slow
def test_a_pushed_branch_is_no_release(project: Path) -> None:
    result = version_check(project, PRE_COMMIT_LOCAL_BRANCH="refs/heads/main")
    assert result.exit_code == 0, result.output
    assert "skipped: not on a tag" in result.output


def test_the_tag_option_wins_and_ci_is_read_outside_a_push(project: Path) -> None:
    explicit = version_check(project, "--tag", "v2.0.0", PRE_COMMIT_LOCAL_BRANCH="refs/tags/v1.2.0")
    assert explicit.exit_code == 1
    assert "tag v2.0.0 is version 2.0.0" in explicit.output
    github = version_check(project, GITHUB_REF="refs/tags/v1.2.1")
    assert github.exit_code == 1
    assert "tag v1.2.1 is version 1.2.1" in github.output

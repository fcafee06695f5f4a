"""Check settings: the profile's tables, overridden key by key, with file:line in every error."""

from __future__ import annotations

from pathlib import Path

import pytest

from metstandards.check.settings import check_settings_for
from metstandards.config import ConfigError

HEAD = '[project]\nname = "demo"\nversion = "0.1.0"\n\n'


def _project(tmp_path: Path, toml: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(HEAD + toml, encoding="utf-8")
    return tmp_path


def test_without_overrides_every_table_comes_from_the_profile(tmp_path: Path) -> None:
    profile, settings = check_settings_for(_project(tmp_path, ""))
    assert profile == "wg3"
    assert settings.checks == (
        "lint", "complexity", "version-tag", "ruff", "mypy", "bandit", "pip-audit", "repository",
    )  # fmt: skip
    assert settings.table("complexity")["max-absolute"] == "C"
    assert settings.tables["mypy"]["strict"].origin == "profile wg3"


def test_an_override_replaces_one_key_and_records_its_line(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        '[tool.metstandards.complexity]\nmax-absolute = "D"\n\n'
        '[tool.metstandards.check]\nchecks = ["lint", "ruff"]\n',
    )
    _, settings = check_settings_for(root)
    assert settings.table("complexity")["max-absolute"] == "D"
    assert settings.table("complexity")["max-modules"] == "B"  # untouched key keeps the profile's
    assert settings.tables["complexity"]["max-absolute"].origin == "pyproject.toml:6"
    assert settings.checks == ("lint", "ruff")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[tool.metstandards.complexity]\nmax-absolut = "D"\n',
            "pyproject.toml:6: [tool.metstandards.complexity] max-absolut: unknown setting "
            "(did you mean 'max-absolute'?)",
        ),
        (
            '[tool.metstandards.complexity]\nmax-absolute = "G"\n',
            "pyproject.toml:6: [tool.metstandards.complexity] max-absolute: must be one of "
            "A, B, C, D, E, F, got 'G'",
        ),
        (
            "[tool.metstandards.mypy]\nstrict = 1\n",
            "pyproject.toml:6: [tool.metstandards.mypy] strict: must be true or false, got 1",
        ),
        (
            '[tool.metstandards.check]\nchecks = ["lint", "ruf"]\n',
            "pyproject.toml:6: [tool.metstandards.check] checks: unknown check 'ruf' "
            "(did you mean 'ruff'?)",
        ),
        (
            "[tool.metstandards.check]\ntimeout-s = 0\n",
            "pyproject.toml:6: [tool.metstandards.check] timeout-s: must be a positive number",
        ),
        (
            '[tool.metstandards]\nruff = "strict"\n',
            "pyproject.toml:6: [tool.metstandards] ruff: must be a table of settings",
        ),
    ],
)
def test_bad_overrides_name_file_line_and_key(tmp_path: Path, toml: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        check_settings_for(_project(tmp_path, toml))
    assert str(raised.value).startswith(f"{tmp_path / 'pyproject.toml'}:{message.split(':', 1)[1]}")

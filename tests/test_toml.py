"""pyproject.toml is parsed once per process, whichever part of ``check`` reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from metstandards import _toml
from metstandards.config import read_pyproject
from metstandards.gates.declared_version import read_declared_version
from metstandards.tools import bandit, mypy_config, ruff
from metstandards.tools.declared import read_toml

PYPROJECT = """\
[project]
name = "demo"
version = "1.2.0"
dependencies = ["numpy>=1.26"]

[tool.ruff.lint]
select = ["F"]

[tool.mypy]
strict = true

[tool.bandit]
skips = ["B101"]

[tool.metstandards]
select = ["MS"]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    _toml._parse.cache_clear()
    return tmp_path


def test_every_reader_of_check_shares_one_parse(project: Path) -> None:
    _, section = read_pyproject(project / "pyproject.toml")
    assert section == {"select": ["MS"]}
    assert read_declared_version(project).version == "1.2.0"
    assert read_toml(project, "pyproject.toml")["project"]["dependencies"] == ["numpy>=1.26"]
    assert ruff.own_config(project) == project / "pyproject.toml"
    assert mypy_config.find(project) is not None
    assert bandit._has_bandit_table(project / "pyproject.toml")
    info = _toml._parse.cache_info()
    assert (info.misses, info.hits) == (1, 5)


def test_a_changed_file_is_parsed_again(project: Path) -> None:
    read_toml(project, "pyproject.toml")
    (project / "pyproject.toml").write_text(PYPROJECT.replace("1.2.0", "1.3.0"), "utf-8")
    assert read_declared_version(project).version == "1.3.0"
    assert _toml._parse.cache_info().misses == 2


def test_a_caller_that_changes_its_table_changes_no_one_elses() -> None:
    first = _toml.parsed(PYPROJECT)
    first["project"]["name"] = "changed"
    assert _toml.parsed(PYPROJECT)["project"]["name"] == "demo"

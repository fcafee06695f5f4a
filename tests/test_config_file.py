"""Settings from a file other than the project's pyproject.toml (``--config``): a
``pyproject.toml`` by its ``[tool.metstandards]`` table, any other TOML file by its top level."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_project

from metstandards.check.settings import check_settings_for
from metstandards.config import ConfigError, load_config, project_settings, read_settings_file
from metstandards.registry import Registry

STANDALONE = """\
select = ["MS1", "MS2"]
ignore = ["MS203"]
test-paths = ["checks/"]

[per-file-ignores]
"scripts/*.py" = ["MS1"]

[options]
extend-secret-words = ["eumetsat_consumer_key"]

[complexity]
max-absolute = "B"
"""


def test_a_standalone_file_holds_the_settings_at_its_top_level(
    tmp_path: Path, registry: Registry
) -> None:
    root = write_project(tmp_path / "project", {}, '[tool.metstandards]\nselect = ["MS4"]\n')
    team = tmp_path / "team.toml"
    team.write_text(STANDALONE)
    config = load_config(root, registry, team)
    assert (config.select, config.ignore, config.test_paths) == (
        ("MS1", "MS2"),
        ("MS203",),
        ("checks/",),
    )
    assert config.per_file_ignores == (("scripts/*.py", ("MS1",)),)
    assert "eumetsat_consumer_key" in dict(config.options)["secret-words"]
    assert config.source == team
    assert config.origins["select"] == "team.toml:1"
    assert config.root == root  # patterns still apply from the project root
    profile, settings = check_settings_for(root, team)
    assert profile == "wg3"
    assert settings.tables["complexity"]["max-absolute"].value == "B"
    assert settings.tables["complexity"]["max-absolute"].origin == "team.toml:12"
    # Without the file, the project's own settings.
    assert load_config(root, registry).select == ("MS4",)


def test_a_pyproject_toml_is_read_by_its_table(tmp_path: Path) -> None:
    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "x"\n[tool.metstandards]\nignore = ["MS1"]\n')
    found = read_settings_file(other)
    assert (found.section, found.values) == ("tool.metstandards", {"ignore": ["MS1"]})
    other.write_text('[project]\nname = "x"\n[tool.metstandards.per-file-ignores]\n"a.py" = []\n')
    assert read_settings_file(other).values == {"per-file-ignores": {"a.py": []}}


def test_without_a_file_there_are_no_settings(tmp_path: Path) -> None:
    assert project_settings(tmp_path) is None


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "team.toml",
            "[per-file-ignores]\n'x.py' = 'MS1'\n",
            "team.toml:2: [per-file-ignores] 'x.py'",
        ),
        ("team.toml", "[complexity]\nmax-absolute = 3\n", "team.toml:2: [complexity] max-absolute"),
        ("team.toml", "ignore = 3\n", "team.toml:1: ignore: must be a list of strings"),
        ("pyproject.toml", "[tool.metstandards]\nignore = 3\n", "[tool.metstandards] ignore"),
        ("pyproject.toml", '[project]\nname = "x"\n', "has no [tool.metstandards] table"),
    ],
)
def test_errors_name_the_file_the_line_and_the_key(
    tmp_path: Path, registry: Registry, name: str, text: str, message: str
) -> None:
    root = write_project(tmp_path / "project", {})
    settings = tmp_path / name
    settings.write_text(text)

    def load() -> None:
        load_config(root, registry, settings)
        check_settings_for(root, settings)

    with pytest.raises(ConfigError) as raised:
        load()
    assert message in str(raised.value)
    assert str(settings) in str(raised.value)

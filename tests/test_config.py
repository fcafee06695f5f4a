"""``[tool.metstandards]`` over the WG3 profile: every setting read, every mistake named with
its file, line and key, and every mistake an exit status 2 without a traceback."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from metstandards.cli import main
from metstandards.config import ConfigError, find_root, load_config, load_profile
from metstandards.registry import Registry
from metstandards.rule import Role, Rule

HEAD = '[project]\nname = "demo"\nversion = "0.1.0"\n\n'


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "model.py").write_text("x = 1\n")
    return tmp_path


def _write(root: Path, toml: str) -> Path:
    path = root / "pyproject.toml"
    path.write_text(HEAD + toml, encoding="utf-8")
    return path


def test_without_settings_the_wg3_profile_applies(root: Path, registry: Registry) -> None:
    _write(root, "")
    config = load_config(root, registry)
    profile = load_profile("wg3")
    assert config.profile == "wg3"
    assert config.select == tuple(profile["select"]) == ("MS",)
    assert config.ignore == ()
    assert config.include == ("*.py", "*.ipynb")
    assert (config.notebook_select, config.notebook_ignore) == ((), ())
    assert ".venv/" in config.exclude
    assert "tests/" in config.test_paths
    assert "/setup.py" in config.non_package_paths
    assert config.max_file_size_kb == profile["max-file-size-kb"]
    assert config.cache_dir == ".metstandards_cache"
    assert config.origins["select"] == "profile wg3"


def test_without_pyproject_the_profile_applies(tmp_path: Path, registry: Registry) -> None:
    config = load_config(tmp_path, registry)
    assert config.source is None
    assert config.select == ("MS",)


def test_every_setting_is_read(root: Path, registry: Registry) -> None:
    path = _write(
        root,
        "[tool.metstandards]\n"
        'profile = "wg3"\n'
        'select = ["MS1", "MS202"]\n'
        'ignore = ["MS103"]\n'
        'include = ["*.py", "*.pyw"]\n'
        'exclude = ["vendor/"]\n'
        'extend-exclude = ["generated/"]\n'
        'test-paths = ["checks/"]\n'
        'non-package-paths = ["/tools/"]\n'
        "max-file-size-kb = 64\n"
        'cache-dir = ".cache/metstandards"\n'
        "\n[tool.metstandards.per-file-ignores]\n"
        '"pkg/legacy/*.py" = ["MS2", "MS101"]\n',
    )
    config = load_config(root, registry)
    assert config.source == path
    assert config.select == ("MS1", "MS202")
    assert config.ignore == ("MS103",)
    assert config.include == ("*.py", "*.pyw")
    assert config.exclude == ("vendor/", "generated/")
    assert config.test_paths == ("checks/",)
    assert config.non_package_paths == ("/tools/",)
    assert config.per_file_ignores == (("pkg/legacy/*.py", ("MS2", "MS101")),)
    assert config.max_file_size_kb == 64
    assert config.cache_dir == ".cache/metstandards"
    # HEAD is four lines, so [tool.metstandards] is line 5 and `select` line 7.
    assert config.origins["select"] == "pyproject.toml:7"
    assert config.origins["test-paths"] == "pyproject.toml:12"
    assert config.origins["per-file-ignores"] == "pyproject.toml:17"


def test_the_rules_of_notebooks_are_read_with_their_origin(root: Path, registry: Registry) -> None:
    _write(root, '[tool.metstandards]\nnotebook-select = ["MS401"]\nnotebook-ignore = ["MS3"]\n')
    config = load_config(root, registry)
    assert (config.notebook_select, config.notebook_ignore) == (("MS401",), ("MS3",))
    assert config.origins["notebook-select"] == "pyproject.toml:6"
    assert config.origins["notebook-ignore"] == "pyproject.toml:7"
    # What runs in a notebook is part of what a file's result depends on.
    assert config.fingerprint() != replace(config, notebook_ignore=()).fingerprint()


def test_root_is_the_nearest_directory_with_a_pyproject(root: Path) -> None:
    _write(root, "")
    deep = root / "pkg" / "sub"
    deep.mkdir()
    assert find_root(deep) == root
    assert find_root(root / "pkg" / "model.py") == root


# Each mistake, the line it is on and words the message must contain.
MISTAKES = [
    pytest.param('[tool.metstandards]\nselect = ["MS202"\n', 6, ["invalid TOML"], id="toml-eof"),
    pytest.param("[tool.metstandards]\nselect = = 1\n", 6, ["invalid TOML"], id="toml-value"),
    pytest.param(
        "[tool]\nmetstandards = 3\n", 6, ["metstandards", "must be a table"], id="section"
    ),
    pytest.param(
        '[tool.metstandards]\nselct = ["MS202"]\n',
        6,
        ["selct", "unknown setting", "did you mean 'select'"],
        id="unknown-key",
    ),
    pytest.param(
        '[tool.metstandards]\nprofile = "wg3"\n\nextend_exclude = []\n',
        8,
        ["extend_exclude", "did you mean 'extend-exclude'"],
        id="underscore-key",
    ),
    pytest.param(
        '[tool.metstandards]\nselect = "MS202"\n',
        6,
        ["select", "must be a list of strings"],
        id="select-type",
    ),
    pytest.param(
        "[tool.metstandards]\nexclude = [1]\n", 6, ["exclude", "list of strings"], id="exclude"
    ),
    pytest.param(
        '[tool.metstandards]\nmax-file-size-kb = "big"\n',
        6,
        ["max-file-size-kb", "positive integer"],
        id="size-type",
    ),
    pytest.param(
        "[tool.metstandards]\nmax-file-size-kb = true\n",
        6,
        ["max-file-size-kb", "positive integer"],
        id="size-bool",
    ),
    pytest.param(
        "[tool.metstandards]\nmax-file-size-kb = 0\n", 6, ["max-file-size-kb"], id="size-zero"
    ),
    pytest.param(
        "[tool.metstandards]\ncache-dir = 3\n", 6, ["cache-dir", "must be a string"], id="cache"
    ),
    pytest.param(
        '[tool.metstandards]\ncache-dir = "."\n',
        6,
        ["cache-dir", "project root"],
        id="cache-is-root",
    ),
    pytest.param(
        '[tool.metstandards]\ncache-dir = ".."\n',
        6,
        ["cache-dir", "project root"],
        id="cache-above-root",
    ),
    pytest.param("[tool.metstandards]\nprofile = 3\n", 6, ["profile", "string"], id="profile"),
    pytest.param(
        '[tool.metstandards]\nprofile = "wg4"\n',
        6,
        ["profile", "unknown profile 'wg4'", "wg3"],
        id="unknown-profile",
    ),
    pytest.param(
        '[tool.metstandards]\nselect = ["MS2O2"]\n',
        6,
        ["select", "unknown rule code", "'MS2O2'", "did you mean MS202"],
        id="select-code",
    ),
    pytest.param(
        '[tool.metstandards]\nselect = ["MS"]\nignore = ["ms202"]\n',
        7,
        ["ignore", "'ms202'", "did you mean MS202"],
        id="ignore-lowercase",
    ),
    pytest.param(
        '[tool.metstandards]\nignore = [""]\n', 6, ["ignore", "unknown rule code"], id="empty"
    ),
    pytest.param(
        '[tool.metstandards]\nignore = ["MS9"]\n', 6, ["ignore", "'MS9'"], id="unknown-prefix"
    ),
    pytest.param(
        "[tool.metstandards]\nper-file-ignores = 3\n",
        6,
        ["per-file-ignores", "table"],
        id="per-file-type",
    ),
    pytest.param(
        '[tool.metstandards.per-file-ignores]\n"a.py" = ["MS202"]\n"pkg/*.py" = ["MS2O2"]\n',
        7,
        ["per-file-ignores", "'pkg/*.py'", "'MS2O2'", "did you mean MS202"],
        id="per-file-code",
    ),
    pytest.param(
        '[tool.metstandards]\nselect = ["MS"]\nper-file-ignores = { "x.py" = ["MS999"] }\n',
        7,
        ["per-file-ignores", "'x.py'", "'MS999'"],
        id="per-file-inline",
    ),
    pytest.param(
        '[tool.metstandards.per-file-ignores]\n"x.py" = "MS202"\n',
        6,
        ["per-file-ignores", "'x.py'", "list of strings"],
        id="per-file-value",
    ),
    pytest.param(
        '[tool.metstandards]\nnotebook-select = ["MS4O1"]\n',
        6,
        ["[tool.metstandards] notebook-select", "'MS4O1'", "did you mean MS401"],
        id="notebook-select-code",
    ),
    pytest.param(
        '[tool.metstandards]\nselect = ["MS"]\nnotebook-ignore = "MS202"\n',
        7,
        ["[tool.metstandards] notebook-ignore", "list of strings"],
        id="notebook-ignore-type",
    ),
    pytest.param(
        '[tool.metstandards]\nnotebook-select = ["MS1", "MS102"]\n',
        6,
        ["notebook-select", "MS102 is a project-level rule", "never runs in notebooks"],
        id="notebook-select-project-rule",
    ),
]


@pytest.mark.parametrize(("toml", "line", "words"), MISTAKES)
def test_mistake_names_file_line_and_key(
    root: Path, registry: Registry, toml: str, line: int, words: list[str]
) -> None:
    path = _write(root, toml)
    with pytest.raises(ConfigError) as raised:
        load_config(root, registry)
    message = str(raised.value)
    assert re.match(rf"{re.escape(str(path))}:{line}(:\d+)?: ", message), message
    for word in words:
        assert word in message


@pytest.mark.parametrize(("toml", "line", "words"), MISTAKES)
def test_mistake_exits_2_without_traceback(
    root: Path, toml: str, line: int, words: list[str]
) -> None:
    path = _write(root, toml)
    for command in (["lint", str(root)], ["lint", str(root / "pkg" / "model.py")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, result.output
        assert isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        assert f"metstandards: error: {path}:{line}" in result.output


def test_tool_that_is_not_a_table_is_a_config_error(root: Path, registry: Registry) -> None:
    (root / "pyproject.toml").write_text('tool = 1\n[project]\nname = "demo"\n')
    with pytest.raises(ConfigError, match=r"pyproject\.toml:1: tool: must be a table"):
        load_config(root, registry)
    result = CliRunner().invoke(main, ["lint", str(root)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_toml_error_gives_line_and_column(root: Path, registry: Registry) -> None:
    path = _write(root, "[tool.metstandards]\nselect = = 1\n")
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(path))}:6:10: invalid TOML: "):
        load_config(root, registry)


def test_unreadable_pyproject_is_a_config_error(root: Path, registry: Registry) -> None:
    (root / "pyproject.toml").write_bytes(b"[project]\nname = '\xff'\n")
    with pytest.raises(ConfigError, match=r"pyproject\.toml: cannot read"):
        load_config(root, registry)


def test_other_tools_sections_are_not_checked(root: Path, registry: Registry) -> None:
    _write(root, '[tool.ruff]\nselct = 1\n[tool.metstandards]\nselect = ["MS2"]\n')
    assert load_config(root, registry).select == ("MS2",)


def test_an_absolute_cache_dir_outside_the_project_is_allowed(
    root: Path, tmp_path_factory: pytest.TempPathFactory, registry: Registry
) -> None:
    elsewhere = tmp_path_factory.mktemp("cache")
    _write(root, f'[tool.metstandards]\ncache-dir = "{elsewhere.as_posix()}"\n')
    assert load_config(root, registry).cache_dir == elsewhere.as_posix()


class _WordsRule(Rule):
    """Flags nothing; declares a word-list option like the secret and hyperparameter rules."""

    code = "TO101"
    name = "words-rule"
    OPTIONS: ClassVar[dict[str, tuple[str, ...]]] = {"site-words": ("scratch", "lustre")}


@pytest.fixture
def words_registry(registry: Registry) -> Registry:
    return Registry({**registry.rules, "TO101": _WordsRule}, {**registry.origins, "TO101": "tests"})


def test_rule_options_default_when_not_set(root: Path, words_registry: Registry) -> None:
    _write(root, "")
    assert dict(load_config(root, words_registry).options).get("site-words") is None


def test_rule_option_replaces_and_extend_adds(root: Path, words_registry: Registry) -> None:
    _write(root, '[tool.metstandards.options]\nsite-words = ["work"]\n')
    assert dict(load_config(root, words_registry).options)["site-words"] == ("work",)
    _write(root, '[tool.metstandards.options]\nextend-site-words = ["gpfs"]\n')
    extended = dict(load_config(root, words_registry).options)["site-words"]
    assert extended == ("scratch", "lustre", "gpfs")


def test_rule_option_reaches_the_rule(tmp_path: Path, words_registry: Registry) -> None:
    from metstandards.engine.analyze import analyze

    seen: list[tuple[str, ...]] = []

    class Probe(_WordsRule):
        def visit_Module(self, node: object) -> None:
            seen.append(self.option("site-words"))

    analyze(
        "pkg/a.py", Role.PACKAGE, "pkg", b"x = 1\n", [Probe], frozenset(), {"site-words": ("p",)}
    )
    analyze("pkg/a.py", Role.PACKAGE, "pkg", b"x = 1\n", [Probe], frozenset())
    assert seen == [("p",), ("scratch", "lustre")]


def test_unknown_rule_option_names_file_line_and_key(root: Path, words_registry: Registry) -> None:
    path = _write(root, '[tool.metstandards.options]\nsite-word = ["work"]\n')
    with pytest.raises(ConfigError) as raised:
        load_config(root, words_registry)
    message = str(raised.value)
    assert message.startswith(f"{path}:6: [tool.metstandards.options] 'site-word'")
    assert "did you mean 'site-words'" in message


def test_rule_option_must_be_a_list_of_strings(root: Path, words_registry: Registry) -> None:
    path = _write(root, "[tool.metstandards.options]\nextend-site-words = 3\n")
    with pytest.raises(ConfigError, match=re.escape(f"{path}:6:")) as raised:
        load_config(root, words_registry)
    assert "must be a list of strings" in str(raised.value)

"""The repository's own mypy configuration: found as mypy finds it, read without running it.

``check`` runs mypy with this configuration as the base, so a repository keeps its own
strictness. Three things are read from it:

- the file itself, passed to mypy with ``--config-file`` so that neither a parent directory's nor
  the user's ``~/.config/mypy/config`` changes the result;
- the ``plugins`` it names: a plugin is Python code that mypy imports, so running it would run
  code of the repository being checked. Unless the settings allow plugins, mypy gets a copy of the
  configuration without them (in a temporary directory, never in the repository);
- the settings that relax what the profile requires (``strict = false``, a per-module
  ``disallow_untyped_defs = false``, ``ignore_errors = true``), named once in the report.
"""

from __future__ import annotations

import configparser
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metstandards._toml import parsed, tomllib
from metstandards.config import key_line, table_line
from metstandards.tools.process import NotRun

#: The files mypy reads its configuration from, in its order; the last two only when they hold
#: a mypy section.
FILES = ("mypy.ini", ".mypy.ini", "pyproject.toml", "setup.cfg")
#: The options ``--strict`` turns on (mypy 1.x and 2.x), and the value each takes under it.
STRICT_OPTIONS: Mapping[str, bool] = {
    "warn_unused_configs": True,
    "disallow_any_generics": True,
    "disallow_subclassing_any": True,
    "disallow_untyped_calls": True,
    "disallow_untyped_defs": True,
    "disallow_incomplete_defs": True,
    "check_untyped_defs": True,
    "disallow_untyped_decorators": True,
    "warn_redundant_casts": True,
    "warn_unused_ignores": True,
    "warn_return_any": True,
    "implicit_reexport": False,
    "strict_equality": True,
    "extra_checks": True,
}
_CONFIG_DIR = "$MYPY_CONFIG_FILE_DIR"


@dataclass(frozen=True)
class Section:
    """The options of one part of the configuration: the global one (``modules`` empty) or a
    per-module one, with the line its header (or first option) is on."""

    modules: str
    options: Mapping[str, Any]
    line: int


@dataclass(frozen=True)
class MypyConfig:
    """A repository's mypy configuration file, read."""

    root: Path
    name: str
    text: str
    sections: tuple[Section, ...]

    @property
    def plugins(self) -> tuple[str, ...]:
        value = self.sections[0].options.get("plugins", ())
        items = value.split(",") if isinstance(value, str) else value
        return tuple(str(item).strip() for item in items if str(item).strip())

    def where(self, section: Section, option: str) -> str:
        """``file:line`` of ``option`` in ``section``."""
        return f"{self.name}:{_option_line(self.text, section, option)}"


def find(root: Path) -> MypyConfig | None:
    """The configuration mypy would read in ``root``; NotRun when that file is broken (mypy
    would stop on it too)."""
    for name in FILES:
        path = root / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise NotRun(f"{name} could not be read for mypy's configuration: {error}") from None
        sections = (
            _toml_sections(name, text) if name.endswith(".toml") else _ini_sections(name, text)
        )
        if sections is not None:
            return MypyConfig(root, name, text, tuple(sections))
    return None


def _toml_sections(name: str, text: str) -> list[Section] | None:
    try:
        data = parsed(text)
    except tomllib.TOMLDecodeError as error:
        raise NotRun(f"{name} is not valid TOML ({error}); mypy cannot read it") from None
    table = data.get("tool", {}).get("mypy")
    if not isinstance(table, dict):
        return None
    header = table_line(text, "tool.mypy") or 1
    sections = [Section("", {k: v for k, v in table.items() if k != "overrides"}, header)]
    overrides = table.get("overrides", [])
    lines = _override_lines(text)
    for index, override in enumerate(overrides if isinstance(overrides, list) else []):
        if not isinstance(override, dict):
            continue
        module = override.get("module", "")
        modules = ", ".join(module) if isinstance(module, list) else str(module)
        line = lines[index] if index < len(lines) else header
        options = {k: v for k, v in override.items() if k != "module"}
        sections.append(Section(modules, options, line))
    return sections


def _override_lines(text: str) -> list[int]:
    """The lines of the ``[[tool.mypy.overrides]]`` headers, in order."""
    pattern = re.compile(r"^\s*\[\[\s*tool\s*\.\s*mypy\s*\.\s*overrides\s*\]\]")
    return [number for number, line in enumerate(text.splitlines(), 1) if pattern.match(line)]


def _ini_sections(name: str, text: str) -> list[Section] | None:
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, source=name)
    except configparser.Error as error:
        raise NotRun(f"{name} cannot be read as mypy reads it: {error}") from None
    if not parser.has_section("mypy"):
        if name == "setup.cfg":
            return None
        raise NotRun(f"{name} has no [mypy] section; mypy cannot use it")
    sections = []
    for section in parser.sections():
        if section != "mypy" and not section.startswith("mypy-"):
            continue
        modules = section[len("mypy-") :] if section != "mypy" else ""
        options = {key: _ini_value(value) for key, value in parser.items(section)}
        sections.append(Section(modules, options, _ini_header_line(text, section)))
    sections.sort(key=lambda s: s.modules != "")
    return sections


def _ini_value(value: str) -> Any:
    lowered = value.strip().lower()
    if lowered in ("true", "yes", "on", "1"):
        return True
    if lowered in ("false", "no", "off", "0"):
        return False
    return value


def _ini_header_line(text: str, section: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() == f"[{section}]":
            return number
    return 1


def _option_line(text: str, section: Section, option: str) -> int:
    """The line ``option`` is set on within ``section`` (its header line when not found)."""
    pattern = re.compile(rf"^\s*{re.escape(option)}\s*[=:]")
    lines = text.splitlines()
    for number in range(section.line, len(lines) + 1):
        line = lines[number - 1]
        if number > section.line and line.lstrip().startswith("["):
            break
        if pattern.match(line):
            return number
    if section.modules == "":
        found = key_line(text, "tool.mypy", option)
        if found is not None:
            return found
    return section.line


def required_options(flags: Sequence[str]) -> dict[str, bool]:
    """The config options that mypy ``flags`` set, with the value they set them to:
    ``--strict`` stands for the options it turns on; ``--no-X`` sets ``X`` to false."""
    options: dict[str, bool] = {}
    for flag in flags:
        name = flag.split("=", 1)[0]
        if name == "--strict":
            options.update(STRICT_OPTIONS)
        elif name.startswith("--no-"):
            options[name[len("--no-") :].replace("-", "_")] = False
        elif name.startswith("--"):
            options[name[2:].replace("-", "_")] = True
    return options


def relaxations(config: MypyConfig, flags: Sequence[str]) -> list[str]:
    """Where the configuration relaxes what ``flags`` require, one phrase each.

    A global setting is overridden by the flag on the command line, and is named so the
    repository knows its own setting does not count. A per-module section wins over the command
    line in mypy, so it relaxes the requirement for its modules.
    """
    required = required_options(flags)
    found: list[str] = []
    globals_, *modules = config.sections
    if "--strict" in flags and globals_.options.get("strict") is False:
        found.append(f"{config.where(globals_, 'strict')} sets strict = false (overridden)")
    for option, value in _relaxed(globals_, required):
        found.append(f"{config.where(globals_, option)} sets {option} = {value} (overridden)")
    for section in modules:
        if section.options.get("ignore_errors") is True:
            where = config.where(section, "ignore_errors")
            found.append(f"{where} ignores every error in {section.modules}")
            continue
        for option, value in _relaxed(section, required):
            where = config.where(section, option)
            found.append(f"{where} sets {option} = {value} for {section.modules}")
    return found


def _relaxed(section: Section, required: Mapping[str, bool]) -> Iterator[tuple[str, str]]:
    for option, wanted in required.items():
        value = section.options.get(option)
        if isinstance(value, bool) and value is not wanted:
            yield option, "true" if value else "false"


def without_plugins(config: MypyConfig, directory: Path) -> Path:
    """A copy of ``config`` without ``plugins``, written into ``directory``.

    Relative paths in the configuration stay relative to the project root, where mypy runs;
    ``$MYPY_CONFIG_FILE_DIR`` is replaced by that root, since the copy lives elsewhere.
    """
    root = str(config.root)
    if config.name.endswith(".toml"):
        table = dict(config.sections[0].options)
        table.pop("plugins", None)
        data = tomllib.loads(config.text)["tool"]["mypy"]
        overrides = data.get("overrides")
        lines = ["[tool.mypy]", *_toml_pairs(table, root)]
        for override in overrides if isinstance(overrides, list) else []:
            lines += ["", "[[tool.mypy.overrides]]", *_toml_pairs(override, root)]
        copy = directory / "pyproject.toml"
        copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return copy
    parser = configparser.RawConfigParser()
    parser.read_string(config.text, source=config.name)
    copy_parser = configparser.RawConfigParser()
    for section in parser.sections():
        if section == "mypy" or section.startswith("mypy-"):
            copy_parser.add_section(section)
            for key, value in parser.items(section):
                if not (section == "mypy" and key == "plugins"):
                    copy_parser.set(section, key, value.replace(_CONFIG_DIR, root))
    copy = directory / "mypy.ini"
    with copy.open("w", encoding="utf-8") as handle:
        copy_parser.write(handle)
    return copy


def _toml_pairs(table: Mapping[str, Any], root: str) -> list[str]:
    return [f"{json.dumps(key)} = {_toml_value(value, root)}" for key, value in table.items()]


def _toml_value(value: Any, root: str) -> str:
    """A TOML value for what mypy's configuration holds: booleans, numbers, strings, lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item, root) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(_toml_pairs(value, root)) + "}"
    # A JSON string is a valid TOML basic string.
    return json.dumps(str(value).replace(_CONFIG_DIR, root))

"""The settings of ``metstandards check``: each profile table, overridden key by key by the
repository's ``[tool.metstandards.<table>]``, with where every value came from.

The profile is the schema: a key the profile does not have is unknown, and an override must have
the type of the profile's value. Errors name the file, the line and the key.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metstandards._toml import tomllib
from metstandards.check import CHECKS
from metstandards.config import (
    CHECK_SECTIONS,
    SECTION,
    Reader,
    dotted,
    profile_path,
    project_settings,
)

#: The parts of ``check`` an audit can run on each repository's code (not the release check,
#: which is about one tag, nor the repository checks, which the audit runs itself).
AUDIT_PARTS = ("lint", "complexity", "ruff", "mypy", "bandit", "pip-audit")
_RANKS = ("A", "B", "C", "D", "E", "F")
_LEVELS = ("low", "medium", "high")
_SEVERITIES = ("error", "warning")
_CHOICES: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("complexity", "max-absolute"): _RANKS,
    ("complexity", "max-modules"): _RANKS,
    ("complexity", "max-average"): _RANKS,
    ("complexity", "min-maintainability"): ("A", "B", "C"),
    ("ruff", "severity"): _SEVERITIES,
    ("mypy", "severity"): _SEVERITIES,
    ("bandit", "severity-level"): _LEVELS,
    ("bandit", "confidence-level"): _LEVELS,
}


@dataclass(frozen=True)
class Setting:
    value: Any
    #: ``profile wg3`` or ``pyproject.toml:12``.
    origin: str


@dataclass(frozen=True)
class CheckSettings:
    """Every check table's effective settings."""

    tables: Mapping[str, Mapping[str, Setting]]

    def table(self, name: str) -> dict[str, Any]:
        """The values of one table (``complexity``, ``ruff``, ...)."""
        return {key: setting.value for key, setting in self.tables[name].items()}

    @property
    def checks(self) -> tuple[str, ...]:
        return tuple(self.tables["check"]["checks"].value)


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, list):
        return "a list of strings"
    return "a string"


def _valid(default: object, value: object) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, list):
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if isinstance(default, float):  # a number: 7 is as good as 7.0
        return isinstance(value, (int, float))
    return type(value) is type(default)


def _check_value(reader: Reader, table: str, key: str, value: Any) -> None:
    choices = _CHOICES.get((table, key))
    if choices is not None and value not in choices:
        raise reader.error(key, f"must be one of {', '.join(choices)}, got {value!r}")
    if (table, key) == ("check", "checks"):
        for name in value:
            if name not in CHECKS:
                close = difflib.get_close_matches(name, CHECKS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise reader.error(key, f"unknown check {name!r}{hint}; known: {', '.join(CHECKS)}")
    if key == "timeout-s" and value <= 0:
        raise reader.error(key, f"must be a positive number of seconds, got {value!r}")
    if (table, key) == ("audit", "parts"):
        for name in value:
            if name not in AUDIT_PARTS:
                raise reader.error(
                    key, f"unknown part {name!r}; an audit runs {', '.join(AUDIT_PARTS)}"
                )
    if (table, key) == ("audit", "pass-score") and not 0 <= value <= 10:
        raise reader.error(key, f"must be a score from 0 to 10, got {value!r}")
    if (table, key) in (("audit", "zero-at-per-kloc"), ("audit", "tools-zero-at-per-kloc")) and (
        value <= 0
    ):
        raise reader.error(key, f"must be a positive number, got {value!r}")
    if table == "audit-weights" and value < 0:
        raise reader.error(key, f"must be a weight of 0 or more, got {value!r}")


_RULE_CODE = re.compile(r"[A-Z]+[0-9]+")
_TOOL_CODE = re.compile(r"(ruff|mypy|bandit|pip-audit):[\w-]+")


def _check_duplicate(reader: Reader, key: str, value: Any) -> None:
    """A ``[duplicates]`` entry the profile does not have: a rule code and the tools' codes."""
    if not _RULE_CODE.fullmatch(key):
        raise reader.error(key, "must be a rule code such as MS202")
    if not _valid([], value) or not all(_TOOL_CODE.fullmatch(code) for code in value):
        raise reader.error(
            key, f"must be a list of wrapped tools' codes such as \"bandit:B301\", got {value!r}"
        )


def load_check_settings(
    profile: str, pyproject: Path, text: str, user: Mapping[str, Any], section: str = SECTION
) -> CheckSettings:
    """``user`` is the repository's ``[tool.metstandards]`` table, read from ``pyproject``
    (``section`` is where it is in that file: "" for the top level of a ``--config`` file)."""
    with profile_path(profile).open("rb") as handle:
        shipped = tomllib.load(handle)
    tables: dict[str, dict[str, Setting]] = {}
    for table in CHECK_SECTIONS:
        defaults: dict[str, Any] = shipped.get(table, {})
        reader = Reader(pyproject, text, dotted(section, table))
        overrides = user.get(table, {})
        if not isinstance(overrides, dict):
            raise Reader(pyproject, text, section).error(
                table, f"must be a table of settings, got {overrides!r}"
            )
        effective = {key: Setting(value, f"profile {profile}") for key, value in defaults.items()}
        for key, value in overrides.items():
            if table == "duplicates" and key not in defaults:
                _check_duplicate(reader, key, value)
                effective[key] = Setting(value, reader.where(key))
                continue
            if key not in defaults:
                close = difflib.get_close_matches(key, sorted(defaults), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                known = ", ".join(sorted(defaults))
                raise reader.error(key, f"unknown setting{hint}; known: {known}")
            if not _valid(defaults[key], value):
                expected = _type_name(defaults[key])
                raise reader.error(key, f"must be {expected}, got {value!r}")
            _check_value(reader, table, key, value)
            effective[key] = Setting(value, reader.where(key))
        tables[table] = effective
    return CheckSettings(tables)


def check_settings_for(root: Path, settings_file: Path | None = None) -> tuple[str, CheckSettings]:
    """The profile name and check settings of the project at ``root``, from ``settings_file``
    (``--config``) instead of its ``pyproject.toml`` when given."""
    found = project_settings(root, settings_file)
    if found is None:
        return "wg3", load_check_settings("wg3", root / "pyproject.toml", "", {})
    profile = found.values.get("profile", "wg3")
    if not isinstance(profile, str):
        raise Reader(found.path, found.text, found.section).error("profile", "must be a string")
    settings = load_check_settings(profile, found.path, found.text, found.values, found.section)
    return profile, settings

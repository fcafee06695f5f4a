"""``metstandards check --show-config``: every effective setting, and where it came from.

Printed as TOML a user can paste into ``[tool.metstandards]``, each value followed by its origin
(``profile wg3``, ``pyproject.toml:12`` or ``default``), so "why is this on?" has an answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from metstandards.check.settings import CheckSettings
from metstandards.config import Config, key_line

_LINT_KEYS = (
    ("select", "select"),
    ("ignore", "ignore"),
    ("include", "include"),
    ("exclude", "exclude"),  # with extend-exclude already added
    ("test-paths", "test_paths"),
    ("non-package-paths", "non_package_paths"),
    ("notebook-select", "notebook_select"),
    ("notebook-ignore", "notebook_ignore"),
    ("max-file-size-kb", "max_file_size_kb"),
    ("cache-dir", "cache_dir"),
)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)


def _line(key: str, value: Any, origin: str, width: int = 44) -> str:
    assignment = f"{key} = {_toml(value)}"
    return f"{assignment.ljust(width)}  # {origin}"


def render_config(config: Config, settings: CheckSettings) -> str:
    lines = [
        f"# Effective metstandards settings for {config.root}",
        f"# profile: {config.profile} ({config.origins.get('profile', 'default')})",
        "",
        "[tool.metstandards]",
    ]
    for key, attribute in _LINT_KEYS:
        lines.append(_line(key, getattr(config, attribute), config.origins.get(key, "default")))
    for pattern, codes in config.per_file_ignores:
        lines.append(
            _line(
                f"per-file-ignores.{json.dumps(pattern)}", codes, config.origins["per-file-ignores"]
            )
        )
    for name, words in config.options:
        lines.append(_line(f"options.{name}", words, config.origins["options"]))
    for table, values in settings.tables.items():
        lines.append("")
        lines += _REPOSITORY_LAYERS.get(table, _no_layer)(config.root)
        lines.append(f"[tool.metstandards.{table}]")
        lines += [_line(key, setting.value, setting.origin) for key, setting in values.items()]
    return "\n".join(lines) + "\n"


#: ruff's settings that decide which rules run, in the tables ruff reads them from.
_RUFF_SELECTION = ("select", "extend-select", "ignore", "extend-ignore", "per-file-ignores")


def _base(tool: str, name: str) -> str:
    return (
        f"# {tool}: the repository's own configuration, {name}, is the base; the profile's "
        "settings below add to it:"
    )


def _ruff_layer(root: Path) -> list[str]:
    """The repository's own ruff configuration, as comments: the base the profile adds to."""
    from metstandards._toml import tomllib
    from metstandards.tools.ruff import own_config

    path = own_config(root)
    if path is None:
        return [
            "# ruff: the repository has no configuration of its own: ruff's defaults are the "
            "base (it runs --isolated),",
            "# and the profile's settings below add to them.",
        ]
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return [f"# ruff: {path.name} cannot be read: {error}"]
    base = data.get("tool", {}).get("ruff", {}) if path.name == "pyproject.toml" else data
    prefix = "tool.ruff" if path.name == "pyproject.toml" else ""
    lines = [_base("ruff", path.name)]
    for name, table in ((f"{prefix}.lint".lstrip("."), base.get("lint", {})), (prefix, base)):
        for key in _RUFF_SELECTION:
            if key in table:
                where = f"{path.name}:{key_line(text, name, key) or 1}"
                lines.append(f"#   {_line(f'{name}.{key}'.lstrip('.'), table[key], where)}")
    return lines


def _mypy_layer(root: Path) -> list[str]:
    """The repository's own mypy configuration, as comments: the base the profile adds to."""
    from metstandards.tools import mypy_config
    from metstandards.tools.process import NotRun

    try:
        found = mypy_config.find(root)
    except NotRun as error:
        return [f"# mypy: the repository's configuration cannot be read: {error}"]
    if found is None:
        return [
            "# mypy: the repository has no configuration of its own: mypy's defaults are the base."
        ]
    globals_, *modules = found.sections
    lines = [_base("mypy", found.name)]
    lines += [
        f"#   {_line(key, value, found.where(globals_, key))}"
        for key, value in globals_.options.items()
    ]
    if modules:
        lines.append(f"#   and {len(modules)} per-module section{'s' if len(modules) != 1 else ''}")
    return lines


def _no_layer(root: Path) -> list[str]:
    return []


_REPOSITORY_LAYERS: dict[str, Callable[[Path], list[str]]] = {
    "ruff": _ruff_layer,
    "mypy": _mypy_layer,
}

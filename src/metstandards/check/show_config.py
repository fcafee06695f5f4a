"""``metstandards check --show-config``: every effective setting, and where it came from.

Printed as TOML a user can paste into ``[tool.metstandards]``, each value followed by its origin
(``profile wg3``, ``pyproject.toml:12`` or ``default``), so "why is this on?" has an answer.
"""

from __future__ import annotations

import json
from typing import Any

from metstandards.check.settings import CheckSettings
from metstandards.config import Config

_LINT_KEYS = (
    ("select", "select"),
    ("ignore", "ignore"),
    ("include", "include"),
    ("exclude", "exclude"),  # with extend-exclude already added
    ("test-paths", "test_paths"),
    ("non-package-paths", "non_package_paths"),
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
        lines += ["", f"[tool.metstandards.{table}]"]
        lines += [_line(key, setting.value, setting.origin) for key, setting in values.items()]
    return "\n".join(lines) + "\n"

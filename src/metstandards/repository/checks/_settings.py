"""The ``[repository]`` settings the checks read, with the profile's defaults.

The defaults here are those of the ``wg3`` profile, so that a check run without a profile
(a plugin's test, an example) decides as the profile would. A value of the wrong type is an
error of the check, named with the key, never a silent default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from metstandards.engine.patterns import Patterns

#: MS609: a tracked file larger than this many MB is data.
MAX_FILE_MB = 5.0
#: MS603, MS608: where tests live (gitignore-style patterns, as ``[lint] test-paths``).
TEST_PATHS = ("tests/", "test/", "test_*.py", "*_test.py", "conftest.py")
#: MS608: neither package code nor tests (as ``[lint] non-package-paths``).
NON_PACKAGE_PATHS = ("docs/", "examples/", "notebooks/", "/setup.py")


class SettingError(ValueError):
    """A ``[repository]`` setting has the wrong type."""


def number(settings: Mapping[str, Any], key: str, default: float) -> float:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise SettingError(f"[repository] {key} must be a positive number, got {value!r}")
    return float(value)


def patterns(settings: Mapping[str, Any], key: str, default: tuple[str, ...]) -> Patterns:
    value = settings.get(key, default)
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise SettingError(f"[repository] {key} must be a list of path patterns, got {value!r}")
    return Patterns(value)

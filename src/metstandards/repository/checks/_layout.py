"""What the repository holds: a Python package or not, and which tracked files are tests and
which are package code, by the configured patterns."""

from __future__ import annotations

import configparser
from collections.abc import Mapping
from typing import Any

from metstandards.repository.checks._settings import (
    NON_PACKAGE_PATHS,
    TEST_PATHS,
    patterns,
)
from metstandards.repository.view import Repository

#: Files under the test paths that hold no test themselves.
_NOT_TESTS = frozenset({"__init__.py", "conftest.py"})


def test_files(repo: Repository, settings: Mapping[str, Any]) -> list[str]:
    """Tracked Python files under ``test-paths``, less ``__init__.py`` and ``conftest.py``."""
    tests = patterns(settings, "test-paths", TEST_PATHS)
    return [
        path
        for path in repo.files
        if path.endswith(".py")
        and path.rpartition("/")[2] not in _NOT_TESTS
        and tests.matches(path)
    ]


def package_files(repo: Repository, settings: Mapping[str, Any]) -> list[str]:
    """Tracked Python files that are neither tests nor under ``non-package-paths``."""
    tests = patterns(settings, "test-paths", TEST_PATHS)
    other = patterns(settings, "non-package-paths", NON_PACKAGE_PATHS)
    return [
        path
        for path in repo.files
        if path.endswith(".py") and not tests.matches(path) and not other.matches(path)
    ]


def declared_package(
    pyproject: Mapping[str, Any], setup_cfg: str | None, *, has_setup_py: bool
) -> str | None:
    """Where a Python package is declared, or None: a ``[project]``, ``[tool.poetry]`` or
    ``[build-system]`` table in ``pyproject.toml``, a ``setup.py``, or a ``setup.cfg`` with
    ``[metadata] name``."""
    tables = [table for table in ("project", "build-system") if table in pyproject]
    tool = pyproject.get("tool")
    if isinstance(tool, dict) and "poetry" in tool:
        tables.append("tool.poetry")
    if tables:
        return f"pyproject.toml [{tables[0]}]"
    if has_setup_py:
        return "setup.py"
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(setup_cfg or "")
    except configparser.Error:
        return None
    return "setup.cfg [metadata] name" if parser.has_option("metadata", "name") else None

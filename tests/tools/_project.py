"""Fixture projects on disk for the wrapped tools, and fake tools that are real programs."""

from __future__ import annotations

import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from metstandards.results import CheckContext


def context(
    root: Path,
    files: Mapping[str, str],
    *,
    settings: Mapping[str, Any] | None = None,
    pyproject: str = "",
    timeout: float = 60.0,
) -> CheckContext:
    """Write ``files`` and a ``pyproject.toml`` (``[project]`` plus ``pyproject``) under ``root``;
    the context a check gets for them. Package files are the Python files outside ``tests/``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1.0"\n' + pyproject, encoding="utf-8"
    )
    for relpath, content in files.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(content, encoding="utf-8")
    python = tuple(sorted(p for p in files if p.endswith(".py")))
    package = tuple(p for p in python if not p.startswith("tests/"))
    return CheckContext(root, python, package, dict(settings or {}), timeout)


def fake_tool(directory: Path, name: str, body: str) -> Path:
    """An executable shell script ``directory/name`` running ``body``: a real process that
    misbehaves. Returns ``directory``, to pass as an adapter's ``search``."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / name
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return directory

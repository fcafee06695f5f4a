"""Lock files read as pins: the exact versions a uv.lock, poetry.lock or pylock.toml records.

A lock file says what gets installed, so where a project has one its packages are audited at
exactly those versions, with nothing resolved again. Every lock file present is read: uv.lock,
poetry.lock, then ``pylock.toml`` and the named ``pylock.<name>.toml`` files of PEP 751. Packages
that do not come from an index (the project itself, editable and local paths, repositories,
direct URLs) have no version a vulnerability database knows; they are set aside with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from metstandards.tools.declared import (
    LOCAL,
    NO_VERSION,
    SELF,
    URL,
    VCS,
    Pin,
    read_toml,
    same_project,
)
from metstandards.tools.process import NotRun

#: PEP 751's names: ``pylock.toml`` or ``pylock.<name>.toml``.
_PYLOCK = re.compile(r"^pylock\.([^.]+\.)?toml$")


@dataclass(frozen=True)
class Locked:
    """One lock file's packages: those on an index as pins, the others with why not."""

    path: str
    pins: tuple[Pin, ...]
    skipped: tuple[tuple[str, str], ...]


def find(root: Path) -> list[str]:
    """The lock files at the root, in the order they are read."""
    named = [name for name in ("uv.lock", "poetry.lock") if (root / name).is_file()]
    pylocks = [p.name for p in root.glob("pylock.*toml") if _PYLOCK.match(p.name) and p.is_file()]
    return named + sorted(pylocks, key=lambda name: (name != "pylock.toml", name))


def read(root: Path, path: str, project: str) -> Locked:
    """``path``'s packages; ``project`` (the project's own name) is set aside as itself."""
    data = read_toml(root, path)
    if path.startswith("pylock."):
        entries, source = data.get("packages"), _pylock_source
    else:
        entries, source = (
            data.get("package"),
            _poetry_source if path == "poetry.lock" else _uv_source,
        )
    if not isinstance(entries, list):
        raise NotRun(f"{path} has no list of packages")
    pins: list[Pin] = []
    skipped: list[tuple[str, str]] = []
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str):
            raise NotRun(f"{path} has a package without a name")
        why = SELF if same_project(name, project) else source(entry) or _unversioned(entry)
        if why:
            skipped.append((name, why))
        else:
            pins.append(Pin(name, entry["version"]))
    return Locked(path, tuple(pins), tuple(skipped))


def _unversioned(entry: dict[str, Any]) -> str:
    try:
        Version(entry.get("version", ""))
    except (InvalidVersion, TypeError):
        return NO_VERSION
    return ""


def _uv_source(entry: dict[str, Any]) -> str:
    """uv.lock: ``source = { registry = "..." }`` is an index; git, url, editable, virtual,
    directory and path sources are not."""
    source = entry.get("source", {})
    if "git" in source:
        return VCS
    if "url" in source:
        return URL
    return LOCAL if source.keys() & {"editable", "virtual", "directory", "path"} else ""


def _poetry_source(entry: dict[str, Any]) -> str:
    """poetry.lock: no ``[package.source]`` (PyPI) or a ``legacy`` one is an index."""
    kind = entry.get("source", {}).get("type")
    return {"git": VCS, "url": URL, "directory": LOCAL, "file": LOCAL}.get(kind, "")


def _pylock_source(entry: dict[str, Any]) -> str:
    """pylock.toml: ``vcs``, ``directory`` and ``archive`` packages are not from an index."""
    if "vcs" in entry:
        return VCS
    if "directory" in entry:
        return LOCAL
    if "archive" in entry:
        return URL if "url" in entry["archive"] else LOCAL
    return ""

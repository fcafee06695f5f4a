"""The projects the open documents belong to, each a :class:`LintSession` with its settings.

A document's project is found as the command line finds it (``config.find_root``). Its settings
are read from its ``pyproject.toml`` once, and read again when that file changes: the server
hears of it from the client (``workspace/didChangeWatchedFiles``, :meth:`Projects.forget`), and
every lint also compares the file's stamp (its inode, size and times) with the one its settings
were read from, for clients that do not watch files. Broken settings are reported once per
version of the file (through ``report``) and the project's documents get no diagnostics until
they are fixed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from metstandards.config import ConfigError, find_root, load_config
from metstandards.engine.session import LintSession
from metstandards.registry import Registry

#: What identifies a version of a project's pyproject.toml: None when there is none.
_Stamp = tuple[int, int, int, int] | None


def _stamp(root: Path) -> _Stamp:
    try:
        info = os.stat(root / "pyproject.toml")
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


@dataclass
class _Project:
    stamp: _Stamp
    session: LintSession | None  # None: the settings are broken (reported)


class Projects:
    """Sessions by project root (see the module docstring)."""

    def __init__(self, registry: Registry, report: Callable[[str], None]) -> None:
        self.registry = registry
        self._report = report
        self._projects: dict[Path, _Project] = {}
        self._outside: set[Path] = set()

    def session(self, path: Path) -> LintSession | None:
        """The session of the project ``path`` belongs to, its settings current; None (reported
        once) where there is no project or its settings are broken."""
        try:
            root = find_root(path)
        except ConfigError as error:
            if path.parent not in self._outside:
                self._outside.add(path.parent)
                self._report(str(error))
            return None
        stamp = _stamp(root)
        project = self._projects.get(root)
        if project is None or project.stamp != stamp:
            project = self._projects[root] = _Project(stamp, self._load(root))
        return project.session

    def _load(self, root: Path) -> LintSession | None:
        try:
            config = load_config(root, self.registry)
        except ConfigError as error:
            self._report(f"metstandards settings of {root}: {error}")
            return None
        return LintSession(config, self.registry)

    def forget(self, root: Path) -> None:
        """The settings of ``root`` changed: read them again on the next lint."""
        self._projects.pop(root, None)

    def roots(self) -> list[Path]:
        return sorted(self._projects)

    def sessions(self) -> list[LintSession]:
        return [p.session for p in self._projects.values() if p.session is not None]

    def changed(self, path: Path) -> list[LintSession]:
        """A file changed on disk: the sessions whose projects hold it are invalidated (their
        next lint reads what changed) and returned."""
        touched = []
        for session in self.sessions():
            if path.is_relative_to(session.root):
                session.invalidate()
                touched.append(session)
        return touched

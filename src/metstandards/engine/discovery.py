"""Find the files to check: git's list of them, include/exclude patterns, file roles.

In a git work tree, the candidates are what git lists (``gitfiles``): every tracked file, even
one that a ``.gitignore`` matches, and the untracked files no ignore rule matches; submodules
and nested repositories are not entered. Elsewhere (no work tree, no git, git refusing), the
directories are walked and nested ``.gitignore`` files read by our own matcher, where a deeper
``.gitignore`` overrides a shallower one, as in git. Either way the configuration's
``include`` and ``exclude`` patterns then apply.

Patterns use gitignore syntax everywhere (``tests/`` matches a directory at any depth,
``/setup.py`` only at the root). Excludes apply to paths given explicitly too, because
pre-commit passes every staged file. Directory symlinks are not followed, so a symlink loop can
never make the walk run forever; a file meant to be checked that cannot be (a looping or
dangling symlink, a FIFO, a path outside the root) is reported as not checked instead of
silently skipped. A tracked file deleted from the work tree is not there to check: it is left
out.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from metstandards.config import Config
from metstandards.engine.gitfiles import listed_files
from metstandards.engine.patterns import Patterns
from metstandards.rule import Role


@dataclass(frozen=True)
class SourceFile:
    """A file to check: its absolute path, its path relative to the root, its role."""

    path: Path
    relpath: str
    role: Role

    @property
    def package(self) -> str:
        """The dotted package the module lives in, for resolving relative imports."""
        parts = self.relpath.split("/")[:-1]
        if parts and parts[0] == "src":
            parts = parts[1:]
        return ".".join(parts)


@dataclass(frozen=True)
class Unreachable:
    """A path that was meant to be checked but could not even be listed."""

    relpath: str
    reason: str


#: The ``.gitignore`` files in force in a directory, deepest first: (base prefix, patterns).
_Chain = tuple[tuple[str, Patterns], ...]


class Discovery:
    """Walks a project root and classifies what it finds by the config's patterns."""

    def __init__(self, config: Config) -> None:
        self.root = config.root
        self._include = Patterns(config.include)
        self._exclude = Patterns(config.exclude)
        self._tests = Patterns(config.test_paths)
        self._other = Patterns(config.non_package_paths)
        #: Whether ``exclude`` matches a directory, by relative path, as looked up.
        self._excluded_directories: dict[str, bool] = {}

    def role(self, relpath: str) -> Role:
        if self._tests.matches(relpath):
            return Role.TEST
        if self._other.matches(relpath):
            return Role.OTHER
        return Role.PACKAGE

    def _chain(self, directory: Path, relpath: str, chain: _Chain) -> _Chain:
        """``chain`` extended by ``directory/.gitignore`` when there is one to read."""
        try:
            text = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return chain
        patterns = Patterns(text.splitlines())
        return ((relpath + "/" if relpath else "", patterns), *chain) if patterns else chain

    def _ignored(self, relpath: str, is_dir: bool, chain: _Chain) -> bool:
        """Whether ``relpath`` is excluded by the config or by a ``.gitignore`` in ``chain``.

        The deepest ``.gitignore`` with a matching pattern decides, so a nested ``!name``
        re-includes what a parent ignored. Directories above ``relpath`` are the caller's business:
        the walk never enters an ignored one, and ``_ancestry`` checks them for explicit paths.
        """
        if self._exclude.verdict(relpath, is_dir):
            return True
        for prefix, patterns in chain:
            verdict = patterns.verdict(relpath[len(prefix) :], is_dir)
            if verdict is not None:
                return verdict
        return False

    def _ancestry(self, target: Path) -> _Chain | None:
        """The ``.gitignore`` chain in force for ``target``, or None when a directory on the way
        down from the root (or the target itself) is ignored."""
        chain = self._chain(self.root, "", ())
        relpath = ""
        parts = target.relative_to(self.root).parts
        for depth, part in enumerate(parts, start=1):
            relpath = f"{relpath}/{part}" if relpath else part
            path = self.root / relpath
            is_dir = path.is_dir() and not path.is_symlink()
            if depth < len(parts) and not os.path.lexists(path):
                is_dir = True  # above a file not written yet (an editor's buffer): a directory
            if self._ignored(relpath, is_dir, chain):
                return None
            if is_dir:
                chain = self._chain(path, relpath, chain)
        return chain

    def _source(self, path: Path) -> SourceFile:
        rel = path.relative_to(self.root).as_posix()
        return SourceFile(path, rel, self.role(rel))

    def files(self, targets: Iterable[Path]) -> tuple[list[SourceFile], list[Unreachable]]:
        """Every checkable file under ``targets`` (files or directories inside the root)."""
        found: dict[str, SourceFile] = {}
        problems: list[Unreachable] = []
        for target in targets:
            for item in self._expand(target.absolute()):
                if isinstance(item, Unreachable):
                    problems.append(item)
                else:
                    found.setdefault(item.relpath, item)
        return [found[key] for key in sorted(found)], problems

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def _expand(self, target: Path) -> Iterator[SourceFile | Unreachable]:
        target = Path(os.path.normpath(target))
        if not target.is_relative_to(self.root):
            yield Unreachable(target.as_posix(), f"outside the project root {self.root}")
            return
        directory = target.is_dir() and not target.is_symlink()
        if self._git_listed is not None and (directory or target.is_file()):
            yield from self._from_git(target, directory, self._git_listed)
            return
        chain = self._ancestry(target)
        if chain is None:
            return
        if target.is_dir() and not target.is_symlink():
            yield from self._walk(
                target, self._relative(target) if target != self.root else "", chain
            )
        elif target.is_file():
            yield self._source(target)
        else:
            yield Unreachable(self._relative(target), _stat_problem(target))

    @cached_property
    def _git_listed(self) -> frozenset[str] | None:
        """What git lists below the root, or None outside a git work tree (read once)."""
        return listed_files(self.root)

    def _excluded(self, relpath: str) -> bool:
        """Whether the configuration's ``exclude`` matches the file ``relpath`` or a directory
        above it (what the walk would never have entered)."""
        known = self._excluded_directories
        parts = relpath.split("/")
        for depth in range(1, len(parts)):
            directory = "/".join(parts[:depth])
            if directory not in known:
                known[directory] = bool(self._exclude.verdict(directory, True))
            if known[directory]:
                return True
        return bool(self._exclude.verdict(relpath, False))

    def _from_git(
        self, target: Path, directory: bool, listed: frozenset[str]
    ) -> Iterator[SourceFile | Unreachable]:
        """The files git lists at or below ``target`` that the configuration lets through. A
        file given by name needs no ``include`` match (as when walking), only git's listing."""
        relpath = self._relative(target) if target != self.root else ""
        if not directory:
            if relpath in listed and not self._excluded(relpath):
                yield self._source(target)
            return
        prefix = relpath + "/" if relpath else ""
        for path in listed:
            wanted = path.startswith(prefix) and self._include.verdict(path, False)
            if wanted and not self._excluded(path):
                yield from self._on_disk(path)

    def _on_disk(self, relpath: str) -> Iterator[SourceFile | Unreachable]:
        """A listed path as it is in the work tree: a file to check, a problem to report, or
        nothing (a tracked file deleted, a submodule's directory)."""
        path = self.root / relpath
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            if path.is_symlink():  # dangling
                yield Unreachable(relpath, _stat_problem(path))
            return
        except OSError:
            yield Unreachable(relpath, _stat_problem(path))
            return
        if stat.S_ISREG(mode):
            yield SourceFile(path, relpath, self.role(relpath))
        elif not stat.S_ISDIR(mode) or path.is_symlink():
            yield Unreachable(relpath, _stat_problem(path))

    def _walk(
        self, directory: Path, relpath: str, chain: _Chain
    ) -> Iterator[SourceFile | Unreachable]:
        """Files below ``directory`` (``relpath`` from the root; ``chain`` already includes its
        own ``.gitignore``), in name order."""
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            yield Unreachable(relpath, f"cannot list directory: {error.strerror}")
            return
        prefix = relpath + "/" if relpath else ""
        for entry in entries:
            child = prefix + entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file(follow_symlinks=True)
            except OSError:
                yield Unreachable(child, _stat_problem(Path(entry.path)))
                continue
            if self._ignored(child, is_dir, chain):
                continue
            if is_dir:
                path = Path(entry.path)
                yield from self._walk(path, child, self._chain(path, child, chain))
            elif self._include.verdict(child, False):
                if is_file:
                    yield SourceFile(Path(entry.path), child, self.role(child))
                else:
                    yield Unreachable(child, _stat_problem(Path(entry.path)))


def _stat_problem(path: Path) -> str:
    """Why ``path``, meant to be checked, is not a regular file that can be read."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symlink loop"
        if error.errno == errno.ENOENT and path.is_symlink():
            return f"dangling symlink (its target {os.readlink(path)} does not exist)"
        return f"cannot stat: {error.strerror}"
    if stat.S_ISDIR(mode):
        return "symlink to a directory (directory symlinks are not followed)"
    return "not a regular file (a FIFO, socket or device)"

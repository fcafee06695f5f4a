"""Find the files to check: include/exclude patterns, nested ``.gitignore`` files, file roles.

Patterns use gitignore syntax everywhere (``tests/`` matches a directory at any depth,
``/setup.py`` only at the root); a deeper ``.gitignore`` overrides a shallower one, as in git.
Excludes apply to paths given explicitly too, because pre-commit passes every staged file.
Directory symlinks are not followed, so a symlink loop can never make the walk run forever; a
``*.py`` that cannot be checked (a looping or dangling symlink, a FIFO, a path outside the root) is
reported as not checked instead of silently skipped.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

from metstandards.config import Config
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


def _spec(patterns: Iterable[str]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(patterns)


class Discovery:
    """Walks a project root and classifies what it finds by the config's patterns."""

    def __init__(self, config: Config) -> None:
        self.root = config.root
        self._include = _spec(config.include)
        self._exclude = _spec(config.exclude)
        self._tests = _spec(config.test_paths)
        self._other = _spec(config.non_package_paths)
        self._ignore_files: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def role(self, relpath: str) -> Role:
        if self._tests.match_file(relpath):
            return Role.TEST
        if self._other.match_file(relpath):
            return Role.OTHER
        return Role.PACKAGE

    def _gitignore(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._ignore_files:
            spec = None
            try:
                text = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace")
                spec = pathspec.GitIgnoreSpec.from_lines(text.splitlines())
            except OSError:
                pass
            self._ignore_files[directory] = spec
        return self._ignore_files[directory]

    def _ignored(self, path: Path, is_dir: bool) -> bool:
        """Whether ``path`` is excluded by config or by a ``.gitignore`` above it in the root.

        The deepest ``.gitignore`` with a pattern that matches decides, so a nested ``!name``
        re-includes what a parent ignored.
        """
        rel = path.relative_to(self.root).as_posix()
        probe = rel + "/" if is_dir else rel
        if self._exclude.match_file(probe):
            return True
        for directory in (path.parent, *path.parent.parents):
            spec = self._gitignore(directory)
            if spec is not None:
                local = path.relative_to(directory).as_posix()
                verdict = spec.check_file(local + "/" if is_dir else local).include
                if verdict is not None:
                    return verdict
            if directory == self.root:
                break
        return False

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
        if target != self.root and self._ignored(target, target.is_dir()):
            return
        if target.is_dir() and not target.is_symlink():
            yield from self._walk(target)
        elif target.is_file():
            yield self._source(target)
        else:
            yield Unreachable(self._relative(target), _stat_problem(target))

    def _walk(self, directory: Path) -> Iterator[SourceFile | Unreachable]:
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            yield Unreachable(self._relative(directory), f"cannot list directory: {error.strerror}")
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file(follow_symlinks=True)
            except OSError:
                yield Unreachable(self._relative(path), _stat_problem(path))
                continue
            if self._ignored(path, is_dir):
                continue
            if is_dir:
                yield from self._walk(path)
            elif self._include.match_file(entry.name):
                if is_file:
                    yield self._source(path)
                else:
                    yield Unreachable(self._relative(path), _stat_problem(path))


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

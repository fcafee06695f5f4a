"""A project held in memory between lints of its buffers: what the language server keeps.

``lint_buffer`` (``engine.buffer``) checks one buffer in a run of its own: it walks the project,
stats its files, loads the cache and computes its key every time. An editor asks again after
every pause in typing, so a :class:`LintSession` does that work once and keeps every file's
result (its findings, its facts for the project rules, its suppressions) in memory:

- :meth:`LintSession.lint` checks a buffer as the file at its path, as ``lint_buffer`` does
  (same scope, role, per-file ignores and exclusion), and keeps its result in place of the
  file's on disk until :meth:`LintSession.close`: the project rules (MS102, MS201) decide over
  the facts in memory, with every open buffer's in place of its file, and no other file is read;
- :meth:`LintSession.findings` concludes again for an open buffer without parsing anything (after
  another buffer's facts changed what a project rule decides);
- :meth:`LintSession.refresh` brings the results of the files on disk up to date, from the
  cache where a file's stamp or content is unchanged, and stores the cache; it runs before the
  first lint and again after :meth:`LintSession.invalidate` (files changed on disk).

A session is made for one configuration: settings that change need a new session. Not safe for
concurrent use: the language server uses each one from a single thread.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from metstandards.engine import fences, runner
from metstandards.engine.cache import Cache
from metstandards.rule import ProjectRule, Role

if TYPE_CHECKING:
    from metstandards.config import Config
    from metstandards.engine.analyze import FileResult
    from metstandards.engine.discovery import SourceFile
    from metstandards.findings import Finding
    from metstandards.registry import Registry
    from metstandards.rule import Rule


@dataclass(frozen=True)
class BufferResult:
    """What a buffer's lint found: ``findings`` (paths relative to the root, notebook findings
    located by cell), or ``excluded`` when the settings or a ``.gitignore`` exclude the path."""

    relpath: str
    findings: list[Finding] = field(default_factory=list)
    excluded: bool = False


class LintSession:
    """The results of one project's files in memory (see the module docstring)."""

    def __init__(
        self,
        config: Config,
        registry: Registry,
        *,
        use_cache: bool = True,
        workers: int | None = None,
    ) -> None:
        self.config = config
        self.registry = registry
        self.rules: list[type[Rule]] = registry.selected(config.select, config.ignore)
        self._project_rules = any(issubclass(rule, ProjectRule) for rule in self.rules)
        key = runner._cache_key(config, registry, self.rules)
        self._cache = Cache(config.root / config.cache_dir, key)
        self._use_cache = use_cache
        if use_cache:
            fences.remember(self._cache.verdicts)
        self._workers = workers
        #: The last results of the files on disk, and those of the open buffers.
        self._disk: dict[str, FileResult] = {}
        self._open: dict[str, FileResult] = {}
        self._fresh = False

    @property
    def root(self) -> Path:
        return self.config.root

    def relpath(self, path: Path) -> str:
        """``path`` relative to the root; ValueError for a path outside it."""
        absolute = Path(os.path.abspath(path))
        if not absolute.is_relative_to(self.config.root):
            raise ValueError(f"{path} is outside the project root {self.config.root}")
        return absolute.relative_to(self.config.root).as_posix()

    def invalidate(self) -> None:
        """Files changed on disk: the next lint reads the project again (what is unchanged still
        comes from the cache)."""
        self._fresh = False

    def refresh(self) -> None:
        """Bring every file's result up to date with the disk and store the cache. Only where
        project rules run: without them no lint needs another file."""
        self._fresh = True
        if not self._project_rules:
            return
        from metstandards.engine.analyze import not_checked

        scope = runner._Scope.of(self.config, [], True, {})
        files, unreachable = scope.files, scope.unreachable
        self._bind()
        results, _ = runner._check_files(
            files, self.config, self._cache, self._use_cache, self._workers, None, {}
        )
        for problem in unreachable:
            results[problem.relpath] = not_checked(problem.relpath, Role.PACKAGE, problem.reason)
        self._disk = results
        if self._use_cache:
            self._cache.retain({source.relpath for source in files})
            self._cache.keep_verdicts(fences.decided())
            self._cache.store()

    def lint(self, path: Path, data: bytes) -> BufferResult:
        """Check ``data`` as the content of the file at ``path`` (which need not exist) and keep
        its result for the project rules until :meth:`close`."""
        relpath = self.relpath(path)
        if not self._fresh:
            self.refresh()
        source = self._source(relpath, data)
        if source is None:
            self._open.pop(relpath, None)
            return BufferResult(relpath, excluded=True)
        self._bind()
        results, _ = runner._check_files(
            [source], self.config, self._cache, self._use_cache, 1, None, {relpath: data}
        )
        self._open[relpath] = results[relpath]
        return BufferResult(relpath, self._conclude(relpath))

    def findings(self, path: Path) -> BufferResult | None:
        """The findings of the open buffer at ``path`` concluded again from the results in
        memory (no parse), or None when no buffer is open there."""
        relpath = self.relpath(path)
        if relpath not in self._open:
            return None
        return BufferResult(relpath, self._conclude(relpath))

    def close(self, path: Path) -> None:
        """The buffer at ``path`` was closed: its file's result on disk counts again (read at the
        next refresh, since the buffer may have been saved or dropped)."""
        relpath = self.relpath(path)
        if self._open.pop(relpath, None) is not None:
            self._fresh = False

    def open_paths(self) -> list[Path]:
        """The paths of the buffers whose results are kept."""
        return [self.config.root / relpath for relpath in sorted(self._open)]

    def _source(self, relpath: str, data: bytes) -> SourceFile | None:
        """The file the buffer stands for, with its role; None where it is excluded."""
        scope = runner._Scope.of(self.config, [self.config.root / relpath], False, {relpath: data})
        found = [source for source in scope.files if source.relpath == relpath]
        return found[0] if found else None

    def _conclude(self, relpath: str) -> list[Finding]:
        results = {**self._disk, **self._open}
        return runner.conclude(self.config, self.registry, self.rules, results, (relpath,))

    def _bind(self) -> None:
        runner.bind_workers(self.config, self.registry, self.rules)

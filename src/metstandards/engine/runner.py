"""A lint run from start to end: discover, read, look up the cache, check what changed in
parallel, let project rules decide, then apply suppressions and per-file ignores.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metstandards.config import Config
from metstandards.engine import fences, notebook, suppressions
from metstandards.engine.cache import (
    Cache,
    Stamp,
    cache_key,
    code_stamp,
    content_hash,
    settled,
    stamp,
)
from metstandards.engine.discovery import Discovery, SourceFile, Unreachable
from metstandards.engine.patterns import Patterns
from metstandards.findings import Finding
from metstandards.registry import Registry
from metstandards.rule import FileFacts, ProjectRule, Role, Rule
from metstandards.rules.meta.file_not_checked import FileNotChecked

if TYPE_CHECKING:
    from metstandards.check.baseline import BaselineUse
    from metstandards.check.report import CheckReport
    from metstandards.engine.analyze import FileResult

#: MS000 (a file that could not be checked) is never suppressed or ignored.
NOT_CHECKED = FileNotChecked.code
_PARALLEL_THRESHOLD = 24


@dataclass
class LintResult:
    """What ``metstandards lint`` reports: findings, and how many files were looked at.

    ``rules`` are the rules that ran plus any other rule that reported (MS000 reports whatever is
    selected), by code: what a report needs to describe them (SARIF's rule metadata).
    """

    findings: list[Finding]
    files_checked: int
    files_from_cache: int = 0
    not_checked: list[str] = field(default_factory=list)
    rules: list[type[Rule]] = field(default_factory=list)
    #: What the baseline hid (``metstandards baseline``); None when no baseline was applied.
    baseline: BaselineUse | None = None
    #: The files findings are reported in: those asked for, or every file of the project.
    report_paths: tuple[str, ...] = ()

    def check_report(self) -> CheckReport | None:
        """This result as ``check``'s report, which also holds each check's outcome, or None:
        a reporter asks the result what it renders (``CheckReport`` answers itself)."""
        return None


# Worker state, set once per worker process by the pool initializer.
_WORKER: dict[str, Any] = {}
# Young-generation size while checking files. A file's tree allocates a few hundred thousand
# objects, holds no reference cycles and dies with the file, so the default (700) only makes the
# collector scan live trees again and again: about 8 % of the parse time.
_GC_YOUNG = 20_000


@contextmanager
def _checking_gc() -> Iterator[None]:
    """Collect garbage rarely while checking; freeze what exists, so forked workers share it."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(_GC_YOUNG, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _init_worker(state: dict[str, Any]) -> None:
    """A worker's start: it ends with the process that started the pool (``workers``), then
    takes the rules and the collector's settings."""
    from metstandards.engine.workers import bind_to_parent

    bind_to_parent(state)
    _WORKER.update(state)
    gc.freeze()  # a no-op after fork; a spawned worker freezes its imports
    gc.set_threshold(_GC_YOUNG, *gc.get_threshold()[1:])


def _check(job: tuple[str, Role, str, bytes]) -> dict[str, Any]:
    from metstandards.engine.analyze import analyze

    path, role, package, data = job
    if notebook.is_notebook(path):
        return notebook.analyze_notebook(
            path,
            role,
            package,
            data,
            _WORKER["notebook_rules"],
            _WORKER["prefixes"],
            _WORKER["options"],
            max_code_bytes=_WORKER["max_bytes"],
        ).to_json()
    return analyze(
        path, role, package, data, _WORKER["rules"], _WORKER["prefixes"], _WORKER["options"]
    ).to_json()


def _check_chunk(jobs: list[tuple[str, Role, str, bytes]]) -> list[dict[str, Any]]:
    """Several files in one task: fewer round trips to the workers."""
    return [_check(job) for job in jobs]


def _run_jobs(jobs: list[tuple[str, Role, str, bytes]], workers: int) -> list[dict[str, Any]]:
    """Check files in this process when there are few, else on all cores.

    Workers die with this process, and an interruption (Ctrl-C, SIGTERM through the command
    line, a failing worker) kills them at once instead of waiting for the queued files."""
    if workers <= 1 or len(jobs) < _PARALLEL_THRESHOLD:
        with _checking_gc():
            return [_check(job) for job in jobs]
    # Imported here: a run answered from the cache needs no pool.
    from metstandards.engine import workers as pool_workers
    from metstandards.engine.analyze import load_parser

    load_parser()  # once here rather than once per forked worker
    if any(notebook.is_notebook(job[0]) for job in jobs):
        notebook.load_reader()
    chunk = max(1, len(jobs) // (workers * 8))
    # Largest files first so one big file does not finish last on a lone core.
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][3]))
    chunks = [[jobs[i] for i in order[at : at + chunk]] for at in range(0, len(order), chunk)]
    state = {**_WORKER, **pool_workers.parent_state()}
    with _checking_gc():
        checked = pool_workers.run(_check_chunk, chunks, workers, _init_worker, state)
    done = [produced for chunk_done in checked for produced in chunk_done]
    results: list[dict[str, Any]] = [{}] * len(jobs)
    for index, result in zip(order, done, strict=True):
        results[index] = result
    return results


def _code_stamps(registry: Registry, rules: Sequence[type[Rule]]) -> dict[str, str]:
    """The stamp of the installed code of metstandards (its engine runs for every rule) and of
    each distribution whose rules run, by distribution name."""
    modules: dict[str, set[str]] = {"metstandards": {"metstandards"}}
    for rule in rules:
        name = registry.origins[rule.code].partition("==")[0]
        modules.setdefault(name, set()).add(rule.__module__)
    return {name: code_stamp(name, names) for name, names in modules.items()}


def _cache_key(config: Config, registry: Registry, rules: Sequence[type[Rule]]) -> str:
    """Everything besides a file's bytes that its result depends on (the list, and what is
    left out, is in ``cache.py``'s docstring)."""
    return cache_key(
        {
            "metstandards": version("metstandards"),
            "code": _code_stamps(registry, rules),
            "rules": {r.code: registry.origins[r.code] for r in rules},
            # Suppression comments keep noqa codes only of prefixes that installed rules own.
            "prefixes": sorted(registry.prefixes),
            "libcst": version("libcst"),
            "python": sys.version,
            "config": config.fingerprint(),
        }
    )


#: How large a notebook file may be, outputs included: ``max-file-size-kb`` limits the code of
#: its cells (``notebook.analyze_notebook``), since an executed notebook holds its plots and
#: tables too, often megabytes of them. This only keeps a huge file out of memory.
_NOTEBOOK_FILE_LIMIT = 256 * 1024 * 1024


def _file_limit(relpath: str, limit_bytes: int) -> int:
    """How many bytes the file at ``relpath`` may have (see ``_NOTEBOOK_FILE_LIMIT``)."""
    return max(limit_bytes, _NOTEBOOK_FILE_LIMIT) if notebook.is_notebook(relpath) else limit_bytes


def _read(source: SourceFile, limit_bytes: int) -> bytes | str:
    """The file's bytes, or why it could not be read."""
    limit_bytes = _file_limit(source.relpath, limit_bytes)
    try:
        size = source.path.stat().st_size
        if size > limit_bytes:
            limit = limit_bytes // 1024
            return f"file is {size // 1024} KiB, over the max-file-size-kb limit of {limit}"
        with source.path.open("rb") as handle:
            return handle.read()
    except OSError as error:
        return f"cannot read: {error.strerror or error}"


def _within_limit(data: bytes, limit_bytes: int) -> bytes | str:
    """A buffer's bytes, or why they are not checked (over max-file-size-kb, like a file)."""
    if len(data) > limit_bytes:
        size, limit = len(data) // 1024, limit_bytes // 1024
        return f"file is {size} KiB, over the max-file-size-kb limit of {limit}"
    return data


def _stamp(source: SourceFile) -> Stamp | None:
    try:
        return stamp(source.path.stat())
    except OSError:
        return None


def _from_cache(
    cache: Cache, source: SourceFile, digest: str | None, file_stamp: Stamp | None = None
) -> FileResult | None:
    """The cached result for these bytes (or, without a digest, for the file with this stamp),
    or None; a damaged entry is a miss, not a crash."""
    from metstandards.engine.analyze import FileResult

    if digest is not None:
        cached = cache.get(source.relpath, digest)
    else:
        cached = cache.get_stamped(source.relpath, file_stamp) if file_stamp else None
    if cached is None or cached.get("role") != source.role.value:
        return None
    try:
        result = FileResult.from_json(source.relpath, cached)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return result if isinstance(result.facts, dict) else None


def run_lint(
    config: Config,
    registry: Registry,
    targets: Sequence[Path],
    *,
    use_cache: bool = True,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    buffers: Mapping[str, bytes] | None = None,
    discovered: tuple[list[SourceFile], list[Unreachable]] | None = None,
) -> LintResult:
    """Check ``targets`` (all of the root when empty) and return the reportable findings.
    ``discovered``: the files of ``targets`` and those that could not be read, where the caller
    has found them already (``check`` finds them once for all its parts).

    ``progress(done, total)`` is called as files that were not in the cache get checked.
    ``buffers`` maps paths relative to the root to contents that replace the files' on disk (an
    editor's unsaved buffer; the file need not exist): see ``engine.buffer.lint_buffer``. Their
    results are looked up in the cache by content but never written to it."""
    buffers = buffers or {}
    from metstandards.engine.analyze import not_checked

    rules = registry.selected(config.select, config.ignore)
    project_rules: list[type[ProjectRule]] = [r for r in rules if issubclass(r, ProjectRule)]
    scope = _Scope.of(config, targets, bool(project_rules), buffers, discovered)

    cache = Cache(config.root / config.cache_dir, _cache_key(config, registry, rules))
    if use_cache:
        fences.remember(cache.verdicts)
    bind_workers(config, registry, rules)
    results, from_cache = _check_files(
        scope.files, config, cache, use_cache, workers, progress, buffers
    )
    for problem in scope.unreachable:
        results[problem.relpath] = not_checked(problem.relpath, Role.PACKAGE, problem.reason)

    reported = conclude(config, registry, rules, results, scope.report_paths)

    if use_cache:
        if scope.whole_project or project_rules:
            cache.retain({f.relpath for f in scope.files})
        cache.keep_verdicts(fences.decided())
        cache.store()
    not_checked_paths = sorted({f.path for f in reported if f.code == NOT_CHECKED})
    return LintResult(
        reported,
        scope.asked,
        from_cache,
        not_checked_paths,
        _described(rules, reported, registry),
        report_paths=tuple(sorted(scope.report_paths)),
    )


def bind_workers(config: Config, registry: Registry, rules: Sequence[type[Rule]]) -> None:
    """Set what ``_check`` checks files with (the rules, the settings): a table of this process
    that forked workers inherit, so set before every run (a language server has several
    projects)."""
    _WORKER["rules"] = tuple(rules)
    _WORKER["notebook_rules"] = tuple(
        notebook.notebook_rules(rules, config.notebook_select, config.notebook_ignore)
    )
    _WORKER["prefixes"] = registry.prefixes
    _WORKER["options"] = dict(config.options)
    _WORKER["max_bytes"] = config.max_file_size_kb * 1024


@dataclass
class _Scope:
    """Which files a run reads and which it reports on. Project rules read the whole project
    even when only some files were asked for (a pre-commit hook passes the staged ones)."""

    files: list[SourceFile]
    unreachable: list[Unreachable]
    report_paths: set[str]
    whole_project: bool
    #: How many paths were asked about: the files found plus those that could not be read.
    asked: int

    @classmethod
    def of(
        cls,
        config: Config,
        targets: Sequence[Path],
        project_rules: bool,
        buffers: Mapping[str, bytes],
        discovered: tuple[list[SourceFile], list[Unreachable]] | None = None,
    ) -> _Scope:
        discovery = Discovery(config)
        whole = not targets or any(Path(os.path.normpath(t)) == config.root for t in targets)
        if discovered is None:
            discovered = discovery.files(targets or [config.root])
        requested, unreachable = list(discovered[0]), list(discovered[1])
        if buffers:  # a buffer's file may not exist on disk (yet): its content is the buffer's
            absent = [u for u in unreachable if u.relpath in buffers]
            unreachable = [u for u in unreachable if u.relpath not in buffers]
            requested.extend(
                SourceFile(config.root / u.relpath, u.relpath, discovery.role(u.relpath))
                for u in absent
            )
        report_paths = {f.relpath for f in requested} | {u.relpath for u in unreachable}
        files = requested
        if project_rules and not whole:
            files, _ = discovery.files([config.root])
            known = {f.relpath for f in files}
            files.extend(f for f in requested if f.relpath not in known)
            files.sort(key=lambda f: f.relpath)
        return cls(files, unreachable, report_paths, whole, len(requested) + len(unreachable))


def _check_files(
    files: Sequence[SourceFile],
    config: Config,
    cache: Cache,
    use_cache: bool,
    workers: int | None,
    progress: Callable[[int, int], None] | None,
    buffers: Mapping[str, bytes],
) -> tuple[dict[str, FileResult], int]:
    """Each file's result, from the cache where its content is unchanged; how many came from it.
    A buffer's result is not stored: the cache holds what is on disk.

    A file whose stamp the cache knows is not even read (``cache.py`` says when that is safe);
    the others are read and looked up by the hash of their bytes."""
    from metstandards.engine.analyze import FileResult, not_checked

    limit = config.max_file_size_kb * 1024
    started = time.time_ns()
    results: dict[str, FileResult] = {}
    jobs: list[tuple[str, Role, str, bytes]] = []
    digests: dict[str, tuple[str, Stamp | None]] = {}
    from_cache = 0
    for source in files:
        buffer = buffers.get(source.relpath)
        # The stamp is taken before the bytes are read: see cache.py.
        file_stamp = _stamp(source) if use_cache and buffer is None else None
        cached = _from_cache(cache, source, None, file_stamp) if file_stamp else None
        if cached is not None:
            results[source.relpath] = cached
            from_cache += 1
            continue
        data = (
            _read(source, limit)
            if buffer is None
            else _within_limit(buffer, _file_limit(source.relpath, limit))
        )
        if isinstance(data, str):
            results[source.relpath] = not_checked(source.relpath, source.role, data)
            continue
        digest = content_hash(data)
        if file_stamp is not None and not settled(file_stamp, started):
            file_stamp = None
        cached = _from_cache(cache, source, digest) if use_cache else None
        if cached is not None:
            if buffer is None:
                cache.restamp(source.relpath, file_stamp)
            results[source.relpath] = cached
            from_cache += 1
            continue
        digests[source.relpath] = (digest, file_stamp)
        jobs.append((source.relpath, source.role, source.package, data))

    produced_all = _run_jobs(jobs, workers or os.cpu_count() or 1)
    for done, (job, produced) in enumerate(zip(jobs, produced_all, strict=True), start=1):
        if progress is not None:
            progress(done, len(jobs))
        results[job[0]] = FileResult.from_json(job[0], produced)
        if use_cache and job[0] not in buffers:
            digest, file_stamp = digests[job[0]]
            cache.put(job[0], digest, produced, file_stamp)
    return results, from_cache


def conclude(
    config: Config,
    registry: Registry,
    rules: Sequence[type[Rule]],
    results: Mapping[str, FileResult],
    report_paths: Collection[str],
) -> list[Finding]:
    """The findings to report in ``report_paths``, sorted: those files' own findings and what
    the project rules decide over the facts of every file in ``results``, less what suppression
    comments and per-file ignores silence, plus MS001 for suppressions that silence nothing.

    Parses nothing: a language server calls it again for an open file after another file's
    facts changed."""
    project_rules: list[type[ProjectRule]] = [r for r in rules if issubclass(r, ProjectRule)]
    reported = {path: results[path] for path in report_paths if path in results}
    findings = [f for result in reported.values() for f in result.findings]
    findings.extend(f for f in _decide(project_rules, results) if f.path in reported)
    by_role = {role: {r.code for r in rules if role in r.roles} for role in Role}
    in_notebooks = notebook.notebook_rules(rules, config.notebook_select, config.notebook_ignore)
    notebook_codes = {r.code for r in in_notebooks}

    def enabled(result: FileResult) -> set[str]:
        return notebook_codes if result.cells is not None else by_role[result.role]

    findings = suppressions.apply(findings, reported, registry, enabled, rules)
    findings = _apply_per_file_ignores(findings, config)
    findings = notebook.in_cells(findings, reported, notebook_codes)
    return sorted(f for f in findings if f.path in reported)


def _decide(
    project_rules: Sequence[type[ProjectRule]], results: Mapping[str, FileResult]
) -> list[Finding]:
    """What the project rules conclude from the facts of every file."""
    findings: list[Finding] = []
    for rule in project_rules:
        facts = [
            FileFacts(path, result.role, result.facts[rule.code])
            for path, result in sorted(results.items())
            if rule.code in result.facts
        ]
        findings.extend(
            Finding.at(v.path, v.span, rule.code, rule.name, rule.severity, v.message)
            for v in rule.decide(facts)
        )
    return findings


def _described(
    rules: Sequence[type[Rule]], reported: list[Finding], registry: Registry
) -> list[type[Rule]]:
    """The rules that ran and those that reported without running (MS000), by code."""
    codes = {rule.code for rule in rules} | {f.code for f in reported if f.code in registry.rules}
    return [registry.rules[code] for code in sorted(codes)]


def _apply_per_file_ignores(findings: list[Finding], config: Config) -> list[Finding]:
    if not config.per_file_ignores:
        return findings
    specs = [(Patterns([pattern]), codes) for pattern, codes in config.per_file_ignores]
    return [
        f
        for f in findings
        if f.code == NOT_CHECKED
        or not any(
            spec.matches(f.path) and any(f.code.startswith(code) for code in codes)
            for spec, codes in specs
        )
    ]

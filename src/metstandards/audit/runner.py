"""Audit repositories in parallel: fetch each, run the repository checks and ``check``'s
code-level parts on it, score it, and describe it as the report's repository entry.

Repositories are audited in worker processes, one repository at a time per worker and all cores
busy; inside a worker a repository's lint runs in-process, so that cores are not contended for
twice. A worker keeps the loaded rules between repositories, which a run of ``metstandards
check`` per repository pays again each time. One repository that cannot be fetched, read or
checked, or that runs out of time, is an ``error`` entry with the reason, and the run goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, TimeoutError, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from metstandards.audit.scoring import CodeSummary, Policy, repository_score, score_families
from metstandards.audit.sources import Target
from metstandards.check.settings import CheckSettings, Setting
from metstandards.engine.workers import bind_to_parent, parent_state
from metstandards.results import Status

#: Called after each repository with (done, total, its entry).
Progress = Callable[[int, int, Mapping[str, Any]], None]


@dataclass(frozen=True)
class Options:
    """What every repository of one run is audited with: the auditor's profile settings."""

    profile: str
    #: ``[audit]`` of the auditor's profile.
    audit: Mapping[str, Any]
    #: ``[audit-weights]`` and ``[repository]`` of the auditor's profile.
    weights: Mapping[str, float]
    repository: Mapping[str, Any]
    #: The auditor's ruff selection (the profile's ``[ruff] extend-select``), for every
    #: repository alike.
    ruff_select: tuple[str, ...]
    cache_dir: Path

    @property
    def policy(self) -> Policy:
        return Policy(
            float(self.audit["zero-at-per-kloc"]),
            float(self.audit["tools-zero-at-per-kloc"]),
            self.weights,
            tuple(self.audit["parts"]),
        )

    @property
    def timeout(self) -> float:
        return float(self.audit["timeout-s"])


def audit_all(
    targets: Sequence[Target], options: Options, jobs: int, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """Every target's entry, sorted by name."""
    entries: list[dict[str, Any]] = []
    if not targets:
        return entries
    workers = max(1, min(jobs, len(targets)))
    context = _context()
    # Bound to this process like lint's workers: they leave SIGINT and SIGTERM to their defaults
    # (a handler inherited through fork turned the SIGTERM that ends them below into a
    # traceback) and end when this process does.
    parent = parent_state(context.get_start_method())
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=bind_to_parent, initargs=(parent,)
    ) as pool:
        started = time.monotonic()
        futures = {pool.submit(audit_one, target, options): target for target in targets}
        for entry in _results(futures, options.timeout, started, workers):
            entries.append(entry)
            if progress is not None:
                progress(len(entries), len(targets), entry)
        # A repository that ran out of time may still occupy its worker: stop it.
        for child in multiprocessing.active_children():
            child.terminate()
    return sorted(entries, key=lambda entry: entry["name"])


def _context() -> Any:
    """Workers forked where the platform allows it: they start with the rules imported."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _results(
    futures: Mapping[Future[dict[str, Any]], Target], timeout: float, started: float, workers: int
) -> Iterator[dict[str, Any]]:
    """Entries as repositories finish; one still running when its time is up is an error.

    Repositories queue for a worker, so a repository's time is judged against the run's start
    plus the time the repositories before it may take (``timeout`` each, ``workers`` at once).
    """
    pending = dict(futures)
    order = list(futures)
    try:
        for future in as_completed(futures, timeout=_budget(len(order), timeout, workers)):
            pending.pop(future)
            yield _entry_of(future, futures[future])
    except TimeoutError:
        pass
    for future, target in pending.items():
        future.cancel()
        waited = time.monotonic() - started
        yield error_entry(
            target, f"not audited within {timeout:g} s (the run waited {waited:.0f} s)"
        )


def _budget(count: int, timeout: float, workers: int) -> float:
    rounds = -(-count // workers)
    return rounds * timeout + 30


def _entry_of(future: Future[dict[str, Any]], target: Target) -> dict[str, Any]:
    try:
        return future.result()
    except Exception as error:  # a worker that died (out of memory, killed) or raised
        return error_entry(
            target, f"the audit of this repository crashed: {type(error).__name__}: {error}"
        )


def error_entry(target: Target, reason: str, seconds: float = 0.0) -> dict[str, Any]:
    """The entry of a repository that could not be audited."""
    return {
        "name": target.name,
        "source": target.location,
        "web_url": target.web_url,
        "commit": None,
        "status": "error",
        "error": reason,
        "score": None,
        "passed": False,
        "families": [],
        "checks": [],
        "code": None,
        "seconds": round(seconds, 3),
    }


def audit_one(target: Target, options: Options) -> dict[str, Any]:
    """One repository's entry (see the report's schema). Runs in a worker process."""
    from metstandards.audit.clone import CloneError, materialize
    from metstandards.audit.sources import token_for

    began = time.perf_counter()
    try:
        checkout = materialize(
            target,
            options.cache_dir / "repositories",
            token=token_for(target),
            timeout=options.timeout,
        )
    except CloneError as error:
        return error_entry(target, str(error), time.perf_counter() - began)
    try:
        return _audit_checkout(target, checkout.root, checkout.commit, options, began)
    except Exception as error:  # one repository must not end the run
        reason = f"the audit of this repository crashed: {type(error).__name__}: {error}"
        return error_entry(target, reason, time.perf_counter() - began)


def _audit_checkout(
    target: Target, root: Path, commit: str | None, options: Options, began: float
) -> dict[str, Any]:
    from metstandards.repository.runner import run_repository_checks

    checks = run_repository_checks(root, options.repository)
    code, entry_code = _code(target, root, options)
    scores = score_families(checks, code, options.policy)
    score = repository_score(scores, options.weights)
    return {
        "name": target.name,
        "source": target.location,
        "web_url": target.web_url,
        "commit": commit,
        "status": "audited",
        "error": "",
        "score": score,
        "passed": score is not None and score >= float(options.audit["pass-score"]),
        "families": [
            {
                "id": s.family,
                "score": s.score,
                "lost": [
                    {
                        "points": loss.points,
                        "code": loss.code,
                        "reason": loss.reason,
                        "hint": loss.hint,
                    }
                    for loss in s.lost
                    if loss.points > 0
                ],
            }
            for s in scores
        ],
        "checks": [check.to_json() for check in checks],
        "code": entry_code,
        "seconds": round(time.perf_counter() - began, 3),
    }


#: The rules, loaded once per worker process.
_REGISTRY: list[Any] = []


def _code(target: Target, root: Path, options: Options) -> tuple[CodeSummary, dict[str, Any]]:
    """The code-level parts of ``check`` on the repository, summarised."""
    from metstandards.check.runner import CheckRequest, run_check
    from metstandards.check.settings import check_settings_for
    from metstandards.config import ConfigError, load_config
    from metstandards.engine.discovery import Discovery
    from metstandards.engine.notebook import is_notebook
    from metstandards.registry import load_registry
    from metstandards.rule import Role

    parts = tuple(options.audit["parts"])
    if not _REGISTRY:
        _REGISTRY.append(load_registry())
    registry = _REGISTRY[0]
    try:
        config = load_config(root, registry)
        _, settings = check_settings_for(root)
    except ConfigError as error:
        return _unreadable(parts, f"the repository's configuration cannot be read: {error}")
    config = replace(config, cache_dir=str(options.cache_dir / "lint" / _slug(target.name)))
    request = CheckRequest(
        config, registry, _for_the_audit(settings, options), only=frozenset(parts), workers=1
    )
    report = run_check(request)
    package = {
        f.relpath: f.path
        for f in Discovery(config).files([config.root])[0]
        if f.role is Role.PACKAGE and not is_notebook(f.relpath)
    }
    lines = sum(_lines(path) for path in package.values())
    outcomes = [o for o in report.outcomes if o.check in parts]
    ran = frozenset(o.check for o in outcomes if o.status in (Status.PASSED, Status.FINDINGS))
    # Package code is what the scores measure, per thousand of its lines: findings in tests,
    # docs and examples are left out (ruff reads those too).
    found = [f for f in report.findings if f.path in package]
    counts = Counter(f.code for f in found)
    summary = CodeSummary(
        lines, counts, ran, {o.check: o.reason for o in outcomes if o.check not in ran}
    )
    reported = set(found)
    listed = sorted(found, key=lambda f: (f.severity.value != "error", f.path, f.line))
    entry = {
        "files": len(package),
        "lines": lines,
        "parts": [
            {
                "check": o.check,
                "status": o.status.value,
                "reason": o.reason,
                "findings": sum(1 for f in o.findings if f in reported),
            }
            for o in outcomes
        ],
        "counts": dict(sorted(counts.items())),
        "findings": [
            {
                "code": f.code,
                "severity": f.severity.value,
                "path": f.path,
                "line": f.line,
                "message": f.message,
            }
            for f in listed[: int(options.audit["max-findings"])]
        ],
        "findings_total": len(listed),
    }
    return summary, entry


def _unreadable(parts: Sequence[str], reason: str) -> tuple[CodeSummary, dict[str, Any]]:
    """The summary of a repository whose configuration stops every part."""
    entry = {
        "files": 0,
        "lines": 0,
        "parts": [
            {"check": p, "status": "not-run", "reason": reason, "findings": 0} for p in parts
        ],
        "counts": {},
        "findings": [],
        "findings_total": 0,
    }
    return CodeSummary(0, {}, frozenset(), dict.fromkeys(parts, reason)), entry


def _for_the_audit(settings: CheckSettings, options: Options) -> CheckSettings:
    """The repository's ``check`` settings as the audit runs them: no wrapped tool longer than
    the repository's own time, and ruff with the auditor's selection alone.

    ``check`` adds the org's codes to the repository's own ruff selection; an audit compares
    repositories, so every one is measured against the same codes. A team that selects more
    rules than the org would otherwise score worse for it. Its excludes and per-file-ignores
    still apply.
    """
    tables = {name: dict(values) for name, values in settings.tables.items()}
    current = float(tables["check"]["timeout-s"].value)
    tables["check"]["timeout-s"] = Setting(min(current, options.timeout), "[audit] timeout-s")
    origin = f"profile {options.profile} (audit)"
    tables["ruff"]["select"] = Setting(list(options.ruff_select), origin)
    tables["ruff"]["extend-select"] = Setting([], origin)
    return CheckSettings(tables)


def _lines(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 16), b""))
    except OSError:
        return 0


def _slug(name: str) -> str:
    """A directory name for a repository's name: no separators, no ``..``."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip(".") or "_"


def default_jobs() -> int:
    return os.cpu_count() or 1

"""Run every part of ``metstandards check`` and gather one report.

Each part is isolated: a part that fails in an unexpected way is reported as not run with the
reason, and the run goes on with the rest. Nothing here imports or executes the checked code.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from importlib import import_module
from pathlib import Path
from typing import Any

from metstandards.check import CHECKS
from metstandards.check.baseline import Baseline, BaselineUse, apply
from metstandards.check.duplicates import fold_outcomes
from metstandards.check.report import CheckReport
from metstandards.check.settings import CheckSettings
from metstandards.config import Config
from metstandards.engine.discovery import Discovery, SourceFile, Unreachable
from metstandards.engine.notebook import is_notebook
from metstandards.engine.patterns import Patterns
from metstandards.engine.runner import LintResult, run_lint
from metstandards.findings import Finding
from metstandards.registry import Registry
from metstandards.results import NOT_SELECTED, CheckContext, Outcome, Snapshot, Status
from metstandards.rule import Role

#: Called when a check starts (name, index, total) and when it ends (its outcome).
Started = Callable[[str, int, int], None]
Finished = Callable[[Outcome], None]
FilesDone = Callable[[int, int], None]


@dataclass(frozen=True)
class CheckRequest:
    """What one ``check`` run was asked for."""

    config: Config
    registry: Registry
    settings: CheckSettings
    tag: str | None = None
    environ: Mapping[str, str] | None = None
    baseline: Baseline | None = None
    baseline_path: str = ""
    skip: frozenset[str] = frozenset()
    #: When not empty, the only checks that run (``--only``); the others are left out.
    only: frozenset[str] = frozenset()
    #: Files or directories to report on (absolute); empty: the whole project.
    targets: tuple[Path, ...] = ()
    use_cache: bool = True
    workers: int | None = None
    #: Run nothing the repository names (``--untrusted``): see ``CheckContext.untrusted``.
    untrusted: bool = False


#: Files ruff reads besides the Python files lint reads (ruff's own defaults).
_RUFF_SOURCES = ("*.pyi", "*.ipynb")


def _discover(request: CheckRequest) -> tuple[list[SourceFile], list[Unreachable]]:
    """The project's files under the configuration's excludes (those lint reads, and the stubs
    and notebooks ruff reads too), and those that could not be read: found once for every
    part of the run."""
    config = request.config
    wider = replace(config, include=(*config.include, *_RUFF_SOURCES))
    return Discovery(wider).files(list(request.targets) or [config.root])


def _linted(
    request: CheckRequest, files: list[SourceFile], unreachable: list[Unreachable]
) -> tuple[list[SourceFile], list[Unreachable]]:
    """Of what ``_discover`` found, what lint reads (its ``include``)."""
    linted = Patterns(request.config.include)
    return (
        [f for f in files if linted.matches(f.relpath)],
        [u for u in unreachable if linted.matches(u.relpath)],
    )


def _context(
    request: CheckRequest, discovered: list[SourceFile], settings: Mapping[str, Any]
) -> CheckContext:
    linted = Patterns(request.config.include)
    # Notebooks lint reads are no Python files for the gates and tools: ruff alone reads them.
    files = [f for f in discovered if linted.matches(f.relpath) and not is_notebook(f.relpath)]
    python = {f.relpath for f in files}
    return CheckContext(
        root=request.config.root,
        python_files=tuple(f.relpath for f in files),
        extra_sources=tuple(f.relpath for f in discovered if f.relpath not in python),
        package_files=tuple(f.relpath for f in files if f.role is Role.PACKAGE),
        settings=settings,
        timeout=float(request.settings.table("check")["timeout-s"]),
        whole_project=not request.targets,
        cache_dir=request.config.root / request.config.cache_dir if request.use_cache else None,
        untrusted=request.untrusted,
        max_file_size_kb=request.config.max_file_size_kb,
    )


def _lint(
    request: CheckRequest,
    files_done: FilesDone | None,
    found: tuple[list[SourceFile], list[Unreachable]],
) -> tuple[Outcome, LintResult]:
    result = run_lint(
        request.config,
        request.registry,
        request.targets,
        use_cache=request.use_cache,
        workers=request.workers,
        progress=files_done,
        discovered=found,
    )
    if result.files_checked == 0:
        return Outcome.skipped("lint", "no Python files"), result
    files = "1 file" if result.files_checked == 1 else f"{result.files_checked} files"
    return Outcome.ran("lint", result.findings, note=f"{files} checked"), result


def _complexity(request: CheckRequest, context: CheckContext) -> Outcome:
    from metstandards.gates.complexity import check_complexity

    recorded = request.baseline.complexity if request.baseline is not None else None
    return check_complexity(context, recorded)


def _version_tag(request: CheckRequest, context: CheckContext) -> Outcome:
    from metstandards.gates.version_tag import check_version_tag, current_tag, find_tag

    environ = os.environ if request.environ is None else request.environ
    return check_version_tag(context, find_tag(request.tag, environ) or current_tag(context.root))


def _tool(name: str) -> Callable[[CheckRequest, CheckContext], Outcome]:
    def run(request: CheckRequest, context: CheckContext) -> Outcome:
        module = import_module(f"metstandards.tools.{name.replace('-', '_')}")
        run_tool: Callable[[CheckContext], Outcome] = module.run
        return run_tool(context)

    return run


def _repository(request: CheckRequest, context: CheckContext) -> Outcome:
    from metstandards.repository.part import check_repository

    return check_repository(context)


_PARTS: Mapping[str, Callable[[CheckRequest, CheckContext], Outcome]] = {
    "complexity": _complexity,
    "version-tag": _version_tag,
    "repository": _repository,
    **{name: _tool(name) for name in ("ruff", "mypy", "bandit", "pip-audit")},
}


#: The wrapped tools: subprocesses, so they run beside the in-process parts, not after them.
_TOOLS = ("ruff", "mypy", "bandit", "pip-audit")
#: Checks that look at files one by one: given paths, they report only on those.
_PER_FILE = ("lint", "complexity", "ruff", "mypy", "bandit")


def _left_out(request: CheckRequest, name: str, enabled: list[str]) -> Outcome:
    if name not in enabled:
        reason = "not in [check] checks"
    elif request.only and name not in request.only:
        reason = NOT_SELECTED
    else:
        reason = "skipped with --skip"
    return Outcome(name, Status.DISABLED, reason=reason)


def run_check(
    request: CheckRequest,
    *,
    started: Started | None = None,
    finished: Finished | None = None,
    files_done: FilesDone | None = None,
) -> CheckReport:
    """Every enabled check, then the baseline, into one report (outcomes in ``CHECKS`` order).

    Lint runs first. Then the wrapped tools start, each in a thread that waits for its process,
    while the complexity gate and the version check run here: mypy's minutes overlap the rest.
    """
    enabled = [name for name in CHECKS if name in request.settings.checks]
    to_run = [name for name in enabled if _selected(request, name)]
    files, unreachable = _discover(request)
    results: dict[str, Outcome] = {}
    lint: list[LintResult] = []

    def run(name: str) -> Outcome:
        if started is not None:
            started(name, to_run.index(name) + 1, len(to_run))
        began = time.perf_counter()
        try:
            if name == "lint":
                outcome, result = _lint(request, files_done, _linted(request, files, unreachable))
                lint.append(result)
            else:
                context = _context(request, files, request.settings.table(name))
                outcome = _PARTS[name](request, context)
        except Exception as error:  # one broken part must not hide the others' results
            outcome = Outcome.not_run(name, f"crashed: {type(error).__name__}: {error}")
        timed = replace(outcome, seconds=time.perf_counter() - began)
        if finished is not None:
            finished(timed)
        return timed

    if "lint" in to_run:
        # First and alone: its worker processes are forked, which is safe only while no other
        # thread runs.
        results["lint"] = run("lint")
    tools = [name for name in to_run if name in _TOOLS]
    with ThreadPoolExecutor(max_workers=max(len(tools), 1)) as pool:
        running = {name: pool.submit(run, name) for name in tools}
        for name in to_run:
            if name not in running and name not in results:
                results[name] = run(name)
        results.update((name, future.result()) for name, future in running.items())
    outcomes = [results.get(name) or _left_out(request, name, enabled) for name in CHECKS]
    return _report(request, outcomes, lint[0] if lint else None, files)


def _selected(request: CheckRequest, name: str) -> bool:
    """Whether this run runs the enabled check ``name`` (``--skip``, ``--only``)."""
    return name not in request.skip and (not request.only or name in request.only)


def _only_in(outcome: Outcome, paths: set[str]) -> Outcome:
    """A per-file check's outcome with only the findings in ``paths`` (mypy also reports in
    the modules it follows imports into)."""
    if outcome.check not in _PER_FILE or outcome.check == "lint":  # lint reports only in them
        return outcome
    kept = tuple(f for f in outcome.findings if f.path in paths)
    if len(kept) == len(outcome.findings):
        return outcome
    status = outcome.status if kept else Status.PASSED
    return replace(outcome, findings=kept, status=status)


def _report(
    request: CheckRequest,
    outcomes: list[Outcome],
    lint: LintResult | None,
    files: list[SourceFile],
) -> CheckReport:
    """The outcomes limited to the files asked for, duplicates folded, the baseline applied."""
    asked = {f.relpath for f in files} if request.targets else None
    if asked is not None:
        outcomes = [_only_in(outcome, asked) for outcome in outcomes]
    outcomes = fold_outcomes(outcomes, request.settings.table("duplicates"))
    findings: list[Finding] = sorted(f for o in outcomes for f in o.findings)
    use: BaselineUse | None = None
    if request.baseline is not None:
        covered = _covered(outcomes, lint, asked)
        findings, use = apply(
            request.baseline, request.config.root, findings, request.baseline_path, covered
        )
    return CheckReport(
        whole_project=not request.targets,
        findings=findings,
        files_checked=lint.files_checked if lint else 0,
        files_from_cache=lint.files_from_cache if lint else 0,
        not_checked=lint.not_checked if lint else [],
        rules=lint.rules if lint else [],
        outcomes=tuple(outcomes),
        baseline=use,
    )


def _covered(
    outcomes: list[Outcome], lint: LintResult | None, paths: set[str] | None
) -> Callable[[str, str], bool]:
    """Which baseline entries this run could have matched: those of the checks that ran, in
    the files it reported on (``check`` on staged files cannot judge entries elsewhere)."""
    ran = {o.check for o in outcomes if o.status in (Status.PASSED, Status.FINDINGS)}
    prefixes = tuple(f"{name}:" for name in _TOOLS if name in ran)
    lint_codes = {rule.code for rule in lint.rules} if lint is not None and "lint" in ran else set()

    def covered(code: str, path: str) -> bool:
        in_scope = paths is None or path in paths
        return in_scope and (code in lint_codes or code.startswith(prefixes))

    return covered


def complexity_snapshot(request: CheckRequest) -> Snapshot:
    """Today's complexity of every measured block, for ``metstandards baseline``."""
    from metstandards.gates.complexity import snapshot

    return snapshot(_context(request, _discover(request)[0], request.settings.table("complexity")))

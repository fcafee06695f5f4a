"""MS501's policy: the limits, and which of the measured blocks, modules and project average
breach them; with a baseline, only what is new or worse than recorded (the ratchet).

The limits come from the profile's ``[complexity]`` table, which the settings loader validates
(the profile is the one place the defaults are written).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import Any

from radon.complexity import cc_rank  # type: ignore[import-untyped]
from radon.metrics import mi_rank  # type: ignore[import-untyped]

from metstandards.findings import Finding, Severity, Span
from metstandards.gates.complexity.measure import (
    MAX_STATEMENT_LINES,
    MODULE_AVERAGE,
    MODULE_MAINTAINABILITY,
    PROJECT,
    PROJECT_AVERAGE,
    Measurement,
    Module,
    measure,
)
from metstandards.results import CheckContext, Outcome, Snapshot, Status

CODE = "MS501"
NAME = "complexity"
_ADVICE = {
    "function": "split it into smaller functions",
    "method": "split it into smaller methods",
    "class": "its methods are complex on average: split them, or the class",
}


@dataclass(frozen=True)
class Limits:
    """The ``[complexity]`` settings, as the profile's loader validated them (rank letters
    compare as strings, A < F)."""

    absolute: str
    modules: str
    average: str
    maintainability: str
    include_tests: bool

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Limits:
        return cls(
            str(settings["max-absolute"]),
            str(settings["max-modules"]),
            str(settings["max-average"]),
            str(settings["min-maintainability"]),
            bool(settings["include-tests"]),
        )


class _Ratchet:
    """Which breaches are reported: all without a baseline, else those new or worse than it."""

    def __init__(self, baseline: Snapshot | None) -> None:
        self._baseline = baseline
        #: Breaches left out because the baseline records them at least as bad.
        self.known = 0

    def recorded(self, path: str, key: str) -> int | None:
        return None if self._baseline is None else self._baseline.get(path, {}).get(key)

    def admits(
        self, path: str, key: str, value: int, worse: Callable[[int, int], bool] = operator.gt
    ) -> bool:
        old = self.recorded(path, key)
        if old is None or worse(value, old):
            return True
        self.known += 1
        return False

    def since(self, path: str, key: str) -> str:
        """For the message: the recorded number a reported breach got worse than."""
        old = self.recorded(path, key)
        return "" if old is None else f"; the baseline recorded {old}"


def _finding(path: str, span: Span, severity: Severity, message: str) -> Finding:
    return Finding.at(path, span, CODE, NAME, severity, message)


def _first_line(path: str, severity: Severity, message: str) -> Finding:
    return _finding(path, Span(1, 1, 1, 1), severity, message)


def _block_findings(module: Module, limits: Limits, ratchet: _Ratchet) -> Iterator[Finding]:
    for block in module.blocks:
        rank = cc_rank(block.complexity)
        if rank > limits.absolute and ratchet.admits(module.path, block.key, block.complexity):
            yield _finding(
                module.path,
                block.span,
                Severity.ERROR,
                f"{block.kind} `{block.name}` has cyclomatic complexity {block.complexity} "
                f"(rank {rank}{ratchet.since(module.path, block.key)}); "
                f"the limit is {limits.absolute}: {_ADVICE[block.kind]}",
            )


def _module_findings(module: Module, limits: Limits, ratchet: _Ratchet) -> Iterator[Finding]:
    average, path = module.average, module.path
    rank = cc_rank(average)
    if rank > limits.modules and ratchet.admits(path, MODULE_AVERAGE, math.ceil(average)):
        yield _first_line(
            path,
            Severity.ERROR,
            f"the module's average cyclomatic complexity is {average:.1f} over "
            f"{_count(len(module.blocks), 'block')} (rank {rank}"
            f"{ratchet.since(path, MODULE_AVERAGE)}); the limit is {limits.modules}: "
            "split its most complex blocks",
        )


def _maintainability_findings(
    module: Module, limits: Limits, ratchet: _Ratchet
) -> Iterator[Finding]:
    mi, path = module.maintainability, module.path
    if mi is None:  # listed in the note instead
        return
    rank = mi_rank(mi)
    # A lower index is worse, so the ratchet admits one that went down.
    if rank > limits.maintainability and ratchet.admits(
        path, MODULE_MAINTAINABILITY, math.ceil(mi), operator.lt
    ):
        yield _first_line(
            path,
            Severity.WARNING,
            f"the module's maintainability index is {mi:.1f} (rank {rank}"
            f"{ratchet.since(path, MODULE_MAINTAINABILITY)}); the minimum is "
            f"{limits.maintainability}: split the module or shorten its largest functions",
        )


def _project_findings(
    measured: Measurement, limits: Limits, ratchet: _Ratchet
) -> Iterator[Finding]:
    average = measured.average
    rank = cc_rank(average)
    if rank > limits.average and ratchet.admits(PROJECT, PROJECT_AVERAGE, math.ceil(average)):
        # A breach needs blocks, so there is a module; the largest total moves the average most.
        anchor = max(measured.modules, key=lambda module: module.total)
        yield _first_line(
            anchor.path,
            Severity.ERROR,
            f"the project's average cyclomatic complexity is {average:.1f} over "
            f"{_count(measured.blocks, 'block')} (rank {rank}"
            f"{ratchet.since(PROJECT, PROJECT_AVERAGE)}); the limit is {limits.average}: "
            f"simplify the most complex blocks, starting in this module (total {anchor.total})",
        )


def check_complexity(ctx: CheckContext, baseline: Snapshot | None = None) -> Outcome:
    """The ``complexity`` check; with ``baseline``, only what is new or worse than recorded."""
    limits = Limits.from_settings(ctx.settings)
    measured = measure(ctx)
    ratchet = _Ratchet(baseline)
    findings = [
        *chain.from_iterable(_block_findings(m, limits, ratchet) for m in measured.modules),
        *chain.from_iterable(_module_findings(m, limits, ratchet) for m in measured.modules),
        *chain.from_iterable(
            _maintainability_findings(m, limits, ratchet) for m in measured.modules
        ),
        *(_project_findings(measured, limits, ratchet) if ctx.whole_project else ()),
    ]
    if not measured.modules and not measured.unmeasured:
        return Outcome.skipped(NAME, "no package files to measure")
    note = _note(measured, ratchet)
    if not ctx.whole_project:
        note += "; the project average is measured by the full check"
    if measured.unmeasured:
        # What radon could not read went unmeasured: the gate is not a pass for those files.
        return Outcome(NAME, Status.NOT_RUN, tuple(sorted(findings)), note)
    return Outcome.ran(NAME, findings, note=note)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _note(measured: Measurement, ratchet: _Ratchet) -> str:
    parts = [f"{_count(measured.blocks, 'block')} in {_count(len(measured.modules), 'file')}"]
    reasons: dict[str, list[str]] = {}
    for path, reason in measured.unmeasured:
        reasons.setdefault(reason, []).append(path)
    parts.extend(
        f"{_count(len(paths), 'file')} not measured ({reason}): {', '.join(paths)}"
        for reason, paths in sorted(reasons.items())
    )
    unindexed = [module.path for module in measured.modules if module.maintainability is None]
    if unindexed:
        parts.append(
            f"{_count(len(unindexed), 'file')} without a maintainability index "
            f"(radon's raw metrics failed, or a statement over {MAX_STATEMENT_LINES} lines): "
            + ", ".join(unindexed)
        )
    if ratchet.known:
        parts.append(f"{_count(ratchet.known, 'finding')} left out as known to the baseline")
    return "; ".join(parts)

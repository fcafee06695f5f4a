"""What ``metstandards check`` reports: the lint report's fields, every check's outcome, what the
baseline hid, and the summary table by WG3 standard."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from metstandards.engine.runner import LintResult
from metstandards.findings import Finding, Severity
from metstandards.results import NOT_SELECTED, Outcome, Status

#: The WG3 standards, each with the check that enforces it and the codes that belong to it.
STANDARDS: Sequence[tuple[str, str, str]] = (
    ("Files checkable, suppressions used", "lint", "MS0"),
    ("Seeded randomness", "lint", "MS1"),
    ("Model artifacts round-trip", "lint", "MS2"),
    ("No secrets in logs", "lint", "MS3"),
    ("Configuration over constants", "lint", "MS4"),
    ("Bounded complexity", "complexity", "MS501"),
    ("Release tag matches version", "version-tag", "MS502"),
    ("Lint (ruff)", "ruff", "ruff:"),
    ("Types (mypy)", "mypy", "mypy:"),
    ("Security (bandit)", "bandit", "bandit:"),
    ("Dependencies (pip-audit)", "pip-audit", "pip-audit:"),
    ("Repository kept to the standard", "repository", "MS6"),
)


@dataclass
class CheckReport(LintResult):
    """A lint report plus the outcome of every check; ``findings`` are all checks' findings."""

    outcomes: tuple[Outcome, ...] = ()
    #: False for a run on some files (a commit hook), which may rightly find nothing to check.
    whole_project: bool = True

    def check_report(self) -> CheckReport:
        return self

    @property
    def not_run(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status is Status.NOT_RUN)

    @property
    def nothing_checked(self) -> bool:
        """Whether the run over a whole project checked nothing at all (an empty directory, a
        wrong path in CI): never a pass."""
        ran = (Status.PASSED, Status.FINDINGS, Status.NOT_RUN)
        return self.whole_project and not any(o.status in ran for o in self.outcomes)

    @property
    def failed(self) -> bool:
        """Whether an error-severity finding remains; warnings are shown but do not fail."""
        return any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def verdict(self) -> str:
        """``failed`` (an error finding), ``incomplete`` (a check did not run, or nothing was
        checked at all: never a pass) or ``passed``."""
        if self.failed:
            return "failed"
        return "incomplete" if self.not_run or self.nothing_checked else "passed"

    @property
    def exit_status(self) -> int:
        if self.failed:
            return 1
        return 3 if self.not_run or self.nothing_checked else 0


@dataclass(frozen=True)
class StandardRow:
    """One line of the summary table."""

    standard: str
    check: str
    status: Status
    findings: int = 0
    note: str = ""


def _left_out_by_only(outcome: Outcome) -> bool:
    return outcome.status is Status.DISABLED and outcome.reason == NOT_SELECTED


def summary(report: CheckReport) -> list[StandardRow]:
    """One row per standard: passed, its number of findings, not run (why), or disabled.

    Checks that ``--only`` left out have no row: a commit hook that runs one check reports on
    that one. Findings of plugin rules get rows of their own after the metstandards rules', one
    per standard their rules name (``Rule.standard``), else "Other rules": a plugin's finding
    must never hide behind rows that all say "passed"."""
    by_check = {o.check: o for o in report.outcomes}
    rows = []
    for standard, check, prefix in STANDARDS:
        outcome = by_check.get(check)
        if outcome is None or _left_out_by_only(outcome):
            continue
        found: list[Finding] = [f for f in report.findings if f.code.startswith(prefix)]
        rows.append(_row(standard, check, outcome, len(found)))
        if prefix == _LAST_LINT_FAMILY:
            rows += _plugin_rows(report, outcome)
    return rows


#: The plugin rows go after the row of the last metstandards lint family.
_LAST_LINT_FAMILY = "MS4"
#: What a plugin rule's findings are summed under when its rule names no standard.
OTHER_RULES = "Other rules"


def _row(standard: str, check: str, outcome: Outcome, findings: int) -> StandardRow:
    if outcome.status in (Status.NOT_RUN, Status.DISABLED, Status.SKIPPED):
        return StandardRow(standard, check, outcome.status, note=outcome.reason)
    status = Status.FINDINGS if findings else Status.PASSED
    return StandardRow(standard, check, status, findings, outcome.reason)


def _plugin_rows(report: CheckReport, lint: Outcome) -> list[StandardRow]:
    """A row per standard of the plugin rules that ran or reported."""
    ours = tuple(prefix for _, _, prefix in STANDARDS)
    standards = {
        rule.code: rule.standard or OTHER_RULES
        for rule in report.rules
        if not rule.code.startswith(ours)
    }
    counts: dict[str, int] = dict.fromkeys(sorted(set(standards.values())), 0)
    for finding in report.findings:
        if finding.code in standards:
            counts[standards[finding.code]] += 1
    return [_row(standard, "lint", lint, count) for standard, count in counts.items()]

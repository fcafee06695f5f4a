"""Markdown for a pull-request comment or a GitHub job summary (``$GITHUB_STEP_SUMMARY``).

The summary table comes first, since a reader wants the verdict; then the findings, at most
``MAX_FINDINGS`` of them, so a legacy repository's first run does not exceed a comment's size
limit (the rest is counted, and the full list is in the other formats). A byte of a file name
that is not UTF-8 is written ``\\xe9``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from metstandards.findings import Finding, Severity
from metstandards.reporters import files_checked, plural, visible

if TYPE_CHECKING:
    from metstandards.check.report import CheckReport
    from metstandards.engine.runner import LintResult

MAX_FINDINGS = 200
_ICONS = {
    "passed": "✅ passed",
    "findings": "❌",
    "not-run": "⚠️ not run",
    "skipped": "⏭️ skipped",
    "disabled": "🚫 disabled",
}


def _cell(text: str) -> str:
    """Table-cell text: pipes escaped, newlines flattened, backticks kept as code."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _finding_row(f: Finding) -> str:
    level = "error" if f.severity is Severity.ERROR else "warning"
    location = f"`{_cell(f.location)}`"
    return f"| {location} | `{_cell(f.code)}` | {level} | {_cell(f.message)} |"


def _findings(findings: list[Finding]) -> list[str]:
    if not findings:
        return []
    lines = ["", "| Location | Code | Severity | Message |", "|---|---|---|---|"]
    lines += [_finding_row(f) for f in findings[:MAX_FINDINGS]]
    if len(findings) > MAX_FINDINGS:
        lines += ["", f"… and {len(findings) - MAX_FINDINGS} more findings, not shown here."]
    return lines


def render(result: LintResult, color: bool) -> str:
    return visible("\n".join(_lines(result)) + "\n")


def _lines(result: LintResult) -> list[str]:
    lines = ["## metstandards"]
    report = result.check_report()
    if report is not None:
        lines += _summary(report)
    else:
        lines += ["", f"{plural(len(result.findings), 'finding')} in {files_checked(result)}."]
    return lines + _findings(result.findings)


def _summary(report: CheckReport) -> list[str]:
    """The verdict and the table by standard, then what the baseline hid."""
    from metstandards.check.report import summary

    verdict = report.verdict
    lines = ["", f"**Result: {verdict}**", "", "| Standard | Check | Result |", "|---|---|---|"]
    noted: set[str] = set()
    for row in summary(report):
        outcome = _ICONS[row.status.value]
        if row.status.value == "findings":
            outcome += f" {row.findings} finding{'s' if row.findings != 1 else ''}"
        if row.note and row.status.value in ("not-run", "skipped", "disabled"):
            outcome += f": {_cell(row.note)}"
        elif row.note and row.check not in noted:  # once per check, on its first row
            outcome += f" ({_cell(row.note)})"
        noted.add(row.check)
        lines.append(f"| {_cell(row.standard)} | `{row.check}` | {outcome} |")
    if report.baseline is not None:
        use = report.baseline
        stale = "1 stale entry" if len(use.stale) == 1 else f"{len(use.stale)} stale entries"
        lines += [
            "",
            f"Baseline `{_cell(use.path)}`: {plural(use.suppressed, 'recorded finding')} not "
            f"shown, {stale}.",
        ]
    return lines

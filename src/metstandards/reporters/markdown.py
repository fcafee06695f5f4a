"""Markdown for a pull-request comment or a GitHub job summary (``$GITHUB_STEP_SUMMARY``).

The summary table comes first, since a reader wants the verdict; then the findings, at most
``MAX_FINDINGS`` of them, so a legacy repository's first run does not exceed a comment's size
limit (the rest is counted, and the full list is in the other formats).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from metstandards.findings import Finding, Severity

if TYPE_CHECKING:
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
    location = f"`{_cell(f.path)}:{f.line}:{f.column}`"
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
    from metstandards.reporters import as_check_report

    lines = ["## metstandards"]
    report = as_check_report(result)
    if report is not None:
        from metstandards.check.report import summary

        verdict = "failed" if report.failed else "incomplete" if report.not_run else "passed"
        lines += [
            "",
            f"**Result: {verdict}**",
            "",
            "| Standard | Check | Result |",
            "|---|---|---|",
        ]
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
            lines += [
                "",
                f"Baseline `{_cell(use.path)}`: {use.suppressed} recorded findings not shown, "
                f"{len(use.stale)} stale entries.",
            ]
    else:
        count = len(result.findings)
        lines += [
            "",
            f"{count} finding{'s' if count != 1 else ''} in {result.files_checked} files.",
        ]
    lines += _findings(result.findings)
    return "\n".join(lines) + "\n"

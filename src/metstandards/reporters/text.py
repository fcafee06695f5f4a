"""``path:line:col: CODE message``, one finding a line, then a summary; coloured on a terminal.
In a notebook the location names the cell: ``nb.ipynb:cell 3:2:5:``, as ruff writes it.

For ``check`` the summary is a table with one row per WG3 standard, so what did not run stands
next to what passed instead of disappearing. A byte of a file name that is not UTF-8 prints as
``\\xe9``, so the report can be written to any terminal or file.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from metstandards.findings import Severity
from metstandards.reporters import files_checked, visible
from metstandards.reporters import plural as _plural

if TYPE_CHECKING:
    from metstandards.check.report import CheckReport
    from metstandards.engine.runner import LintResult

_BOLD, _RED, _YELLOW, _CYAN, _GREEN, _RESET = (
    "\033[1m",
    "\033[31m",
    "\033[33m",
    "\033[36m",
    "\033[32m",
    "\033[0m",
)


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, *styles: str) -> str:
        return "".join(styles) + text + _RESET if self.color else text


def _finding_lines(result: LintResult, paint: _Painter) -> list[str]:
    lines = []
    for f in result.findings:
        code_style = _RED if f.severity is Severity.ERROR else _YELLOW
        location = paint(f"{f.location}:", _BOLD)
        lines.append(f"{location} {paint(f.code, code_style, _BOLD)} {f.message}")
    return lines


def render(result: LintResult, color: bool) -> str:
    paint = _Painter(color)
    report = result.check_report()
    text = _render_check(report, paint) if report is not None else _render_lint(result, paint)
    return visible(text)


def render_findings(result: LintResult, color: bool) -> str:
    """The findings only, one a line, without any summary (``--quiet``); "" when none."""
    lines = _finding_lines(result, _Painter(color))
    return visible("".join(line + "\n" for line in lines))


def render_summary(report: CheckReport, color: bool) -> str:
    """``check``'s table by standard and its verdict, without the findings (``--statistics``
    prints its counts above them)."""
    return visible("\n".join(_summary_lines(report, _Painter(color))) + "\n")


def _render_lint(result: LintResult, paint: _Painter) -> str:
    lines = _finding_lines(result, paint)
    if not result.findings:
        lines.append(paint(f"All checks passed ({files_checked(result)}).", _CYAN))
        lines.extend(_baseline_lines(result))
        return "\n".join(lines) + "\n"
    counts = Counter(f.code for f in result.findings)
    by_code = ", ".join(f"{code} x{count}" for code, count in sorted(counts.items()))
    lines.append("")
    lines.append(
        f"Found {_plural(len(result.findings), 'finding')} in {files_checked(result)} ({by_code})."
    )
    if result.not_checked:
        lines.append(
            paint(
                f"Not checked ({len(result.not_checked)}): " + ", ".join(result.not_checked), _RED
            )
        )
    lines.extend(_baseline_lines(result))
    return "\n".join(lines) + "\n"


def _baseline_lines(result: LintResult) -> list[str]:
    use = result.baseline
    if use is None:
        return []
    line = f"Baseline {use.path}: {_plural(use.suppressed, 'recorded finding')} not shown."
    if use.stale:
        stale = ", ".join(use.stale)
        line += f" Stale entries, no longer found ({len(use.stale)}): {stale}."
        line += " Run `metstandards baseline` to drop them."
    return [line]


_STATUS_STYLE = {"passed": _GREEN, "findings": _RED, "not-run": _RED, "skipped": "", "disabled": ""}


def _render_check(report: CheckReport, paint: _Painter) -> str:
    lines = _finding_lines(report, paint)
    if lines:
        lines.append("")
    lines += _summary_lines(report, paint)
    return "\n".join(lines) + "\n"


def _summary_lines(report: CheckReport, paint: _Painter) -> list[str]:
    from metstandards.check.report import summary

    lines: list[str] = []
    rows = summary(report)
    width = max(len(row.standard) for row in rows)
    check_width = max(len(row.check) for row in rows)
    lines.append(
        paint("Standard".ljust(width) + "  " + "Check".ljust(check_width) + "  Result", _BOLD)
    )
    noted: set[str] = set()
    for row in rows:
        result = f"{row.findings} finding{'s' if row.findings != 1 else ''}"
        if row.status.value != "findings":
            result = row.status.value.replace("-", " ")
        if row.note and row.status.value in ("not-run", "skipped", "disabled"):
            result += f": {row.note}"
        style = _STATUS_STYLE[row.status.value]
        styled = paint(result, style) if style else result
        if row.note and row.status.value in ("passed", "findings") and row.check not in noted:
            # What a check that ran says of itself, such as files it could not measure: once
            # per check, on its first row.
            styled += f" ({row.note})"
        noted.add(row.check)
        lines.append(f"{row.standard.ljust(width)}  {row.check.ljust(check_width)}  {styled}")
    lines.append("")
    lines.append(_verdict(report, paint))
    lines.extend(_baseline_lines(report))
    return lines


def _verdict(report: CheckReport, paint: _Painter) -> str:
    errors = sum(1 for f in report.findings if f.severity is Severity.ERROR)
    warnings = len(report.findings) - errors
    parts = []
    if report.findings:
        parts.append(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}")
    if report.not_run:
        names = ", ".join(o.check for o in report.not_run)
        parts.append(f"not run: {names}")
    if report.failed:
        return paint("Failed: " + "; ".join(parts) + ".", _RED, _BOLD)
    if report.not_run:
        return paint(
            "Incomplete: " + "; ".join(parts) + " (a check that did not run is not a pass).",
            _RED,
            _BOLD,
        )
    if report.nothing_checked:
        return paint(
            "Incomplete: nothing was checked (no file to check in the project: a wrong path, or "
            "an empty project); not a pass.",
            _RED,
            _BOLD,
        )
    suffix = f" ({_plural(warnings, 'warning')})" if warnings else ""
    return paint(f"Passed{suffix}.", _GREEN, _BOLD)

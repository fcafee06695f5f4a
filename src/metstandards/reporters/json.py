"""The JSON report, schema version 1 (documented in docs/output-formats.md).

Stable field names and order; findings sorted by path, cell, line, column, code. A finding in a
notebook has a ``cell`` (its number, every cell counted) and lines and columns within that cell.
A byte of a file name that is not UTF-8 is written as a visible ``\\xe9`` escape: the document is
valid UTF-8 JSON that every parser reads.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from metstandards import __version__
from metstandards.findings import Finding
from metstandards.reporters import visible_data

if TYPE_CHECKING:
    from metstandards.check.report import CheckReport
    from metstandards.engine.runner import LintResult

SCHEMA_VERSION = 1


def document(result: LintResult) -> dict[str, Any]:

    lint = _lint_document(result)
    report = result.check_report()
    if report is not None:
        lint.update(_check_fields(report))
    return lint


def _check_fields(report: CheckReport) -> dict[str, Any]:
    """What ``check`` adds: every check's status, the table by standard, the baseline's effect."""
    from metstandards.check.report import summary

    return {
        "status": report.verdict,
        "exit_status": report.exit_status,
        "checks": [
            {
                "check": o.check,
                "status": o.status.value,
                "reason": o.reason,
                "findings": len(o.findings),
                "seconds": round(o.seconds, 3),
            }
            for o in report.outcomes
        ],
        "standards": [
            {
                "standard": row.standard,
                "check": row.check,
                "status": row.status.value,
                "findings": row.findings,
                "note": row.note,
            }
            for row in summary(report)
        ],
    }


def _lint_document(result: LintResult) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "metstandards", "version": __version__},
        "files_checked": result.files_checked,
        "not_checked": result.not_checked,
        "findings": [_finding(f) for f in result.findings],
        "baseline": None
        if result.baseline is None
        else {
            "path": result.baseline.path,
            "suppressed": result.baseline.suppressed,
            "stale": list(result.baseline.stale),
        },
    }


def _finding(f: Finding) -> dict[str, Any]:
    """One finding; ``cell`` only for a finding in a notebook, whose lines and columns are then
    within that cell."""
    where: dict[str, Any] = {"path": f.path}
    if f.cell is not None:
        where["cell"] = f.cell
    return {
        "code": f.code,
        "name": f.name,
        "severity": f.severity.value,
        **where,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "message": f.message,
    }


def render(result: LintResult, color: bool) -> str:
    return json.dumps(visible_data(document(result)), indent=2) + "\n"

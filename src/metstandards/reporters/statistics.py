"""``--statistics``: how many findings each code has, most frequent first, as ruff prints them.

Text is one line a code, ``count<TAB>code<TAB>name`` with the counts right-aligned and the codes
padded (ruff's layout, without its fixable marker: metstandards fixes nothing); for ``check``,
the table by standard and the verdict follow, unless ``--quiet``. JSON is an array of
``{"code", "name", "severity", "count"}`` objects in the same order (ruff's keys, with the
severity in place of ``fixable``). Codes with as many findings keep code order. Nothing else is
printed: no findings, and, for ``lint``, no summary (an empty output when there are none).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from metstandards.findings import Finding, Severity
from metstandards.reporters import visible, visible_data

if TYPE_CHECKING:
    from metstandards.engine.runner import LintResult

_BOLD, _RED, _YELLOW, _RESET = "\033[1m", "\033[31m", "\033[33m", "\033[0m"


@dataclass(frozen=True)
class Statistic:
    """The findings of one code."""

    code: str
    name: str
    severity: Severity
    count: int


def statistics(result: LintResult) -> list[Statistic]:
    """One entry per code that has findings: most findings first, then by code."""
    counts = Counter(f.code for f in result.findings)
    first: dict[str, Finding] = {}
    for finding in result.findings:
        first.setdefault(finding.code, finding)
    return [
        Statistic(code, first[code].name, first[code].severity, count)
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def render(result: LintResult, output_format: str, color: bool, *, summary: bool = True) -> str:
    """The statistics in ``output_format`` (``text`` or ``json``); with ``summary``, ``check``'s
    table and verdict after the text ones."""
    found = statistics(result)
    if output_format == "json":
        rows = [
            {"code": s.code, "name": s.name, "severity": s.severity.value, "count": s.count}
            for s in found
        ]
        return json.dumps(visible_data(rows), indent=2) + "\n"
    if output_format != "text":
        raise ValueError(f"--statistics has no {output_format} format")
    count_width = max((len(str(s.count)) for s in found), default=0)
    code_width = max((len(s.code) for s in found), default=0)
    lines = []
    for s in found:
        code = s.code.ljust(code_width)
        if color:
            style = _RED if s.severity is Severity.ERROR else _YELLOW
            code = f"{style}{_BOLD}{code}{_RESET}"
        lines.append(f"{str(s.count).rjust(count_width)}\t{code}\t{s.name}")
    text = "".join(line + "\n" for line in lines)
    report = result.check_report()
    if summary and report is not None:
        from metstandards.reporters.text import render_summary

        text += ("\n" if text else "") + render_summary(report, color)
    return visible(text)

"""``--statistics``: the findings counted by code, most frequent first, in text or JSON; for
``check``, the table by standard after the counts."""

from __future__ import annotations

import json
import re

import pytest

from metstandards.check.report import CheckReport
from metstandards.engine.runner import LintResult
from metstandards.findings import Finding, Severity
from metstandards.reporters.statistics import render, statistics
from metstandards.results import Outcome

_ANSI = re.compile(r"\033\[[0-9;]*m")


def _finding(code: str, name: str, severity: Severity = Severity.ERROR, line: int = 1) -> Finding:
    return Finding("pkg/a.py", line, 1, line, 2, code, name, severity, "message")


FINDINGS = [
    _finding("MS301", "secret-in-log"),
    _finding("MS001", "unused-suppression", Severity.WARNING),
    _finding("ruff:F401", "unused-import", line=2),
    _finding("MS001", "unused-suppression", Severity.WARNING, line=3),
    _finding("MS202", "unsafe-model-load", line=4),
]


def test_counts_most_frequent_first_and_codes_in_order_among_equals() -> None:
    found = statistics(LintResult(FINDINGS, files_checked=1))
    assert [(s.code, s.count) for s in found] == [
        ("MS001", 2),
        ("MS202", 1),
        ("MS301", 1),
        ("ruff:F401", 1),
    ]


def test_text_aligns_counts_and_codes_with_tabs_between() -> None:
    many = [_finding("MS202", "unsafe-model-load", line=n) for n in range(1, 11)]
    text = render(LintResult([*many, *FINDINGS], files_checked=1), "text", False)
    assert text.splitlines() == [
        "11\tMS202    \tunsafe-model-load",
        " 2\tMS001    \tunused-suppression",
        " 1\tMS301    \tsecret-in-log",
        " 1\truff:F401\tunused-import",
    ]


def test_colour_marks_the_code_by_severity() -> None:
    text = render(LintResult(FINDINGS, files_checked=1), "text", True)
    first, second = text.splitlines()[:2]
    assert "\033[33m" in first  # MS001, a warning: yellow
    assert "\033[31m" in second  # MS202, an error: red
    assert _ANSI.sub("", text) == render(LintResult(FINDINGS, files_checked=1), "text", False)


def test_json_lists_code_name_severity_and_count() -> None:
    rows = json.loads(render(LintResult(FINDINGS, files_checked=1), "json", False))
    assert rows[0] == {
        "code": "MS001",
        "name": "unused-suppression",
        "severity": "warning",
        "count": 2,
    }
    assert len(rows) == 4
    assert render(LintResult([], files_checked=1), "json", False) == "[]\n"


def test_other_formats_are_refused() -> None:
    with pytest.raises(ValueError, match="no sarif format"):
        render(LintResult(FINDINGS, files_checked=1), "sarif", False)


def test_a_check_report_gets_its_table_after_the_counts_unless_quiet() -> None:
    report = CheckReport(
        FINDINGS[:1],
        files_checked=1,
        outcomes=(Outcome.ran("lint", FINDINGS[:1]), Outcome.not_run("mypy", "not installed")),
    )
    lines = render(report, "text", False).splitlines()
    assert lines[0] == "1\tMS301\tsecret-in-log"
    assert lines[1] == ""
    assert lines[2].startswith("Standard")
    assert any("not run: not installed" in line for line in lines)
    assert lines[-1].startswith("Failed: 1 error, 0 warnings; not run: mypy")
    assert render(report, "text", False, summary=False) == "1\tMS301\tsecret-in-log\n"

"""``--format junit``: one test suite per check, a failed test case per error finding, warnings
in ``system-out``, a check that did not run as an error and never a pass, and well-formed XML
whatever the findings say."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from metstandards.check.report import CheckReport
from metstandards.engine.runner import LintResult
from metstandards.findings import Finding, Severity
from metstandards.reporters.junit import render, xml_safe
from metstandards.results import NOT_SELECTED, Outcome, Status

from .conftest import PROJECT, Lint


def _finding(
    code: str = "MS202", severity: Severity = Severity.ERROR, message: str = "unsafe load"
) -> Finding:
    return Finding("pkg/a.py", 3, 9, 3, 25, code, "rule", severity, message)


def _counts(element: ET.Element) -> dict[str, str | None]:
    return {key: element.get(key) for key in ("tests", "failures", "errors", "skipped")}


def test_lint_is_one_suite_with_a_failure_per_error_and_warnings_as_output(lint: Lint) -> None:
    run = lint(PROJECT, "-f", "junit")
    assert run.exit_code == 1
    assert run.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    root = ET.fromstring(run.stdout)
    assert root.get("name") == "metstandards"
    (suite,) = root
    assert suite.get("name") == "lint"
    assert _counts(suite) == {"tests": "2", "failures": "2", "errors": "0", "skipped": "0"}
    assert _counts(root) == _counts(suite)
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert sorted(cases) == ["demo/broken.py:1:11 MS000", "demo/model.py:3:9 MS202"]
    failure = cases["demo/model.py:3:9 MS202"].find("failure")
    assert failure is not None
    assert failure.get("type") == "MS202"
    assert (failure.text or "").startswith("demo/model.py:3:9: MS202 `torch.load` without")
    out = suite.findtext("system-out") or ""
    assert out.splitlines() == [
        "demo/50%, a:b.py:1:8: MS001 `# metstandards: ignore` names unknown rule code 50%:X",
        "demo/50%, a:b.py:2:8: MS001 `# metstandards: ignore` names no rule code; write the "
        "codes, e.g. `[MS202]`",
    ]


def test_a_clean_run_is_one_passing_case() -> None:
    root = ET.fromstring(render(LintResult([], 3), False))
    (suite,) = root
    (case,) = suite
    assert (case.tag, case.get("name"), list(case)) == ("testcase", "lint", [])
    assert _counts(root) == {"tests": "1", "failures": "0", "errors": "0", "skipped": "0"}


def test_check_statuses_map_to_failures_errors_and_skips() -> None:
    report = CheckReport(
        findings=[_finding()],
        files_checked=1,
        outcomes=(
            Outcome.ran("lint", [_finding()], seconds=1.25),
            Outcome.not_run("mypy", "mypy is not installed", seconds=0.5),
            Outcome.skipped("version-tag", "not on a tag"),
            Outcome("bandit", Status.DISABLED, reason="skipped with --skip"),
            Outcome("ruff", Status.DISABLED, reason=NOT_SELECTED),
            Outcome.ran("complexity", []),
        ),
    )
    root = ET.fromstring(render(report, False))
    suites = {suite.get("name"): suite for suite in root}
    assert list(suites) == ["lint", "mypy", "version-tag", "bandit", "ruff", "complexity"]
    assert _counts(suites["lint"])["failures"] == "1"
    assert suites["lint"].get("time") == "1.250"
    error = suites["mypy"].find("testcase/error")
    assert error is not None
    assert (error.get("type"), error.get("message")) == (
        "not-run",
        "did not run: mypy is not installed",
    )
    skipped = suites["version-tag"].find("testcase/skipped")
    assert skipped is not None
    assert skipped.get("message") == "skipped: not on a tag"
    assert suites["bandit"].find("testcase/skipped") is not None
    assert _counts(suites["complexity"]) == {
        "tests": "1",
        "failures": "0",
        "errors": "0",
        "skipped": "0",
    }
    assert _counts(root) == {"tests": "6", "failures": "1", "errors": "1", "skipped": "3"}


def test_characters_xml_cannot_hold_are_escaped_visibly() -> None:
    """A tool's colour codes or a NUL in a message would make the document unreadable."""
    message = "coloured \x1b[31mred\x1b[0m, a NUL \x00, a form feed \x0c, tab\tkept"
    document = render(LintResult([_finding(message=message)], 1), False)
    (failure,) = ET.fromstring(document).iter("failure")
    assert failure.get("message") == (
        "coloured \\x1b[31mred\\x1b[0m, a NUL \\x00, a form feed \\x0c, tab\tkept"
    )


def test_xml_safe_keeps_what_xml_allows() -> None:
    assert xml_safe("ü € \U0001f327 \t\n\r") == "ü € \U0001f327 \t\n\r"
    assert xml_safe("\ufffe\uffff\x7f") == "\\ufffe\\uffff\x7f"
    assert xml_safe("caf\udce9") == "caf\\xe9"

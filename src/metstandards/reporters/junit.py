"""JUnit XML, for the test-report views of CI systems (GitLab, Jenkins, GitHub test reporters).

One ``testsuite`` per check. A finding of error severity is a failed ``testcase`` named after
its location and code; a check without such findings is one passing ``testcase``; a check that
did not run is an ``error`` (never a pass), and a disabled or skipped one is ``skipped``.
Warnings are listed in the suite's ``system-out``: they are reported but do not fail the check.

The document is well-formed XML 1.0 whatever the names and messages hold: a byte of a file name
that is not UTF-8 is written ``\\xe9``, and a control character XML does not allow (a tool's
colour codes, say) is written ``\\x1b``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from metstandards.findings import Finding, Severity
from metstandards.reporters import visible

if TYPE_CHECKING:
    from metstandards.engine.runner import LintResult
    from metstandards.results import Outcome


#: Characters XML 1.0 does not allow, escaped or not (surrogates are handled by ``visible``).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold shown as a visible escape, so that a
    CI's parser reads the report instead of rejecting it."""
    return _NOT_XML.sub(_escape_char, visible(text))


def _case(suite: ET.Element, name: str, classname: str, seconds: float = 0.0) -> ET.Element:
    return ET.SubElement(suite, "testcase", name=name, classname=classname, time=f"{seconds:.3f}")


def _suite(root: ET.Element, name: str, findings: list[Finding], outcome: Outcome | None) -> None:
    suite = ET.SubElement(root, "testsuite", name=name)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is not Severity.ERROR]
    seconds = outcome.seconds if outcome else 0.0
    counts = {"tests": 0, "failures": len(errors), "errors": 0, "skipped": 0}
    if outcome is not None and outcome.status.value in ("not-run", "skipped", "disabled"):
        case = _case(suite, name, f"metstandards.{name}", seconds)
        if outcome.status.value == "not-run":
            ET.SubElement(case, "error", message=f"did not run: {outcome.reason}", type="not-run")
            counts["errors"] = 1
        else:
            ET.SubElement(case, "skipped", message=f"{outcome.status.value}: {outcome.reason}")
            counts["skipped"] = 1
        counts["tests"] = 1
    elif errors:
        for f in errors:
            case = _case(suite, f"{f.location} {f.code}", f.path)
            failure = ET.SubElement(case, "failure", message=f.message, type=f.code)
            failure.text = f"{f.location}: {f.code} {f.message}"
        counts["tests"] = len(errors)
    else:
        _case(suite, name, f"metstandards.{name}", seconds)
        counts["tests"] = 1
    if warnings:
        out = ET.SubElement(suite, "system-out")
        out.text = "\n".join(
            f"{f.location}: {f.code} {f.message}" for f in warnings
        )
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("time", f"{seconds:.3f}")


def render(result: LintResult, color: bool) -> str:
    root = ET.Element("testsuites", name="metstandards")
    report = result.check_report()
    if report is not None:
        for outcome in report.outcomes:
            produced = set(outcome.findings)  # the baseline may have hidden some
            mine = [f for f in result.findings if f in produced]
            _suite(root, outcome.check, mine, outcome)
    else:
        _suite(root, "lint", list(result.findings), None)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(suite.get(key, "0")) for suite in root)))
    ET.indent(root)
    document = xml_safe(ET.tostring(root, encoding="unicode"))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + document + "\n"

"""``--format markdown``: for a pull-request comment or ``$GITHUB_STEP_SUMMARY``: the verdict and
the table by standard first, then at most ``MAX_FINDINGS`` findings as a table whose cells cannot
break out of their columns."""

from __future__ import annotations

from metstandards.check.baseline import BaselineUse
from metstandards.check.report import CheckReport
from metstandards.engine.runner import LintResult
from metstandards.findings import Finding, Severity
from metstandards.reporters.markdown import MAX_FINDINGS, render
from metstandards.results import Outcome, Status

from .conftest import PROJECT, Lint


def _finding(line: int = 3, code: str = "MS202", message: str = "unsafe load") -> Finding:
    return Finding("pkg/a.py", line, 9, line, 25, code, "rule", Severity.ERROR, message)


def test_lint_gives_the_count_then_a_table_of_findings(lint: Lint) -> None:
    run = lint(PROJECT, "-f", "markdown")
    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert lines[:6] == [
        "## metstandards",
        "",
        "4 findings in 3 files checked, 1 file not checked.",
        "",
        "| Location | Code | Severity | Message |",
        "|---|---|---|---|",
    ]
    assert lines[6] == (
        "| `demo/50%, a:b.py:1:8` | `MS001` | warning | `# metstandards: ignore` names unknown "
        "rule code 50%:X |"
    )
    assert lines[8] == (
        "| `demo/broken.py:1:11` | `MS000` | error | file not checked: syntax error: invalid "
        "syntax |"
    )
    assert len(lines) == 10


def test_one_finding_in_one_file_is_singular() -> None:
    assert render(LintResult([_finding()], 1), False).splitlines()[2] == (
        "1 finding in 1 file checked."
    )


def test_cells_cannot_break_the_table() -> None:
    """A pipe would end the cell and a newline the row: both are neutralised."""
    message = "a | b\nc \\ d"
    row = render(LintResult([_finding(message=message)], 1), False).splitlines()[-1]
    assert row == "| `pkg/a.py:3:9` | `MS202` | error | a \\| b c \\\\ d |"


def test_at_most_max_findings_are_listed_and_the_rest_counted() -> None:
    findings = [_finding(line=n) for n in range(1, MAX_FINDINGS + 6)]
    lines = render(LintResult(findings, 1), False).splitlines()
    rows = [line for line in lines if line.startswith("| `pkg/a.py")]
    assert len(rows) == MAX_FINDINGS
    assert lines[-1] == "… and 5 more findings, not shown here."


def test_check_puts_the_verdict_and_table_first() -> None:
    report = CheckReport(
        findings=[_finding()],
        files_checked=1,
        outcomes=(
            Outcome.ran("lint", [_finding()], note="1 file checked"),
            Outcome.not_run("mypy", "mypy is not installed"),
            Outcome.skipped("version-tag", "not on a tag"),
            Outcome("bandit", Status.DISABLED, reason="not in [check] checks"),
        ),
        baseline=BaselineUse(".metstandards-baseline.json", 2, ("pkg/old.py: MS202",)),
    )
    lines = render(report, False).splitlines()
    assert lines[:5] == [
        "## metstandards",
        "",
        "**Result: failed**",
        "",
        "| Standard | Check | Result |",
    ]
    assert "| Files checkable, suppressions used | `lint` | ✅ passed (1 file checked) |" in lines
    assert "| Model artifacts round-trip | `lint` | ❌ 1 finding |" in lines
    assert "| Types (mypy) | `mypy` | ⚠️ not run: mypy is not installed |" in lines
    assert "| Release tag matches version | `version-tag` | ⏭️ skipped: not on a tag |" in lines
    assert "| Security (bandit) | `bandit` | 🚫 disabled: not in [check] checks |" in lines
    assert (
        "Baseline `.metstandards-baseline.json`: 2 recorded findings not shown, 1 stale entry."
        in lines
    )
    assert lines[-1] == "| `pkg/a.py:3:9` | `MS202` | error | unsafe load |"


def test_check_verdicts_incomplete_and_passed() -> None:
    incomplete = CheckReport(
        findings=[], files_checked=1, outcomes=(Outcome.not_run("mypy", "missing"),)
    )
    assert "**Result: incomplete**" in render(incomplete, False)
    passed = CheckReport(findings=[], files_checked=1, outcomes=(Outcome.ran("lint", []),))
    assert "**Result: passed**" in render(passed, False)

"""``--format text`` (the default): one line a finding, then a summary that counts the files that
were checked apart from those that could not be; for ``check``, the table by standard and the
verdict; colour only when asked for."""

from __future__ import annotations

import re

from metstandards.check.baseline import BaselineUse
from metstandards.check.report import CheckReport
from metstandards.engine.runner import LintResult
from metstandards.findings import Finding, Severity
from metstandards.reporters.text import render
from metstandards.results import NOT_SELECTED, Outcome, Status

from .conftest import PROJECT, Lint

_ANSI = re.compile(r"\033\[[0-9;]*m")


def _finding(
    path: str = "pkg/a.py",
    code: str = "MS202",
    severity: Severity = Severity.ERROR,
    message: str = "`torch.load` without `weights_only=True`",
) -> Finding:
    return Finding(path, 3, 9, 3, 25, code, "unsafe-model-load", severity, message)


def test_findings_then_a_summary_that_counts_unchecked_files_apart(lint: Lint) -> None:
    run = lint(PROJECT)
    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert lines[:4] == [
        "demo/50%, a:b.py:1:8: MS001 `# metstandards: ignore` names unknown rule code 50%:X",
        "demo/50%, a:b.py:2:8: MS001 `# metstandards: ignore` names no rule code; write the "
        "codes, e.g. `[MS202]`",
        "demo/broken.py:1:11: MS000 file not checked: syntax error: invalid syntax",
        "demo/model.py:3:9: MS202 `torch.load` without `weights_only=True` unpickles arbitrary "
        "objects; pass `weights_only=True` or store weights as safetensors",
    ]
    assert lines[4:] == [
        "",
        "Found 4 findings in 3 files checked, 1 file not checked (MS000 x1, MS001 x2, MS202 x1).",
        "Not checked (1): demo/broken.py",
    ]


def test_a_clean_run_says_how_many_files_it_checked(lint: Lint) -> None:
    run = lint({"demo/__init__.py": "x = 1\n"})
    assert run.exit_code == 0
    assert run.stdout == "All checks passed (1 file checked).\n"


def test_counts_are_singular_for_one() -> None:
    out = render(LintResult([_finding()], 1), False)
    assert out.splitlines()[-1] == "Found 1 finding in 1 file checked (MS202 x1)."


def test_colour_only_when_asked() -> None:
    result = LintResult([_finding(), _finding(code="MS001", severity=Severity.WARNING)], 1)
    plain = render(result, False)
    coloured = render(result, True)
    assert not _ANSI.search(plain)
    assert "\033[31m\033[1mMS202\033[0m" in coloured  # errors red
    assert "\033[33m\033[1mMS001\033[0m" in coloured  # warnings yellow
    assert _ANSI.sub("", coloured) == plain


def test_the_baseline_says_what_it_hid_and_what_is_stale() -> None:
    use = BaselineUse(".metstandards-baseline.json", 1, ("pkg/old.py: MS202",))
    out = render(LintResult([], 2, baseline=use), False)
    assert out.splitlines() == [
        "All checks passed (2 files checked).",
        "Baseline .metstandards-baseline.json: 1 recorded finding not shown. Stale entries, no "
        "longer found (1): pkg/old.py: MS202. Run `metstandards baseline` to drop them.",
    ]


def _report(*outcomes: Outcome, findings: list[Finding] | None = None) -> CheckReport:
    found = findings if findings is not None else [f for o in outcomes for f in o.findings]
    return CheckReport(findings=sorted(found), files_checked=2, outcomes=outcomes)


def _rows(out: str) -> dict[str, str]:
    """``standard -> result`` of the table (columns are two or more spaces apart)."""
    rows = {}
    for line in out.splitlines()[1:]:
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) == 3:
            rows[cells[0]] = cells[2]
    return rows


def test_check_table_gives_every_standard_its_result() -> None:
    ruff = _finding(code="ruff:F401")
    report = _report(
        Outcome.ran("lint", [], note="2 files checked"),
        Outcome.not_run("complexity", "radon is not installed"),
        Outcome.skipped("version-tag", "not on a tag"),
        Outcome.ran("ruff", [ruff, _finding(path="pkg/b.py", code="ruff:F811")]),
        Outcome("mypy", Status.DISABLED, reason="skipped with --skip"),
        Outcome("bandit", Status.DISABLED, reason=NOT_SELECTED),
    )
    out = render(report, False)
    rows = _rows(out)
    assert rows["Files checkable, suppressions used"] == "passed (2 files checked)"
    assert rows["Seeded randomness"] == "passed"  # the note once per check, on its first row
    assert rows["Bounded complexity"] == "not run: radon is not installed"
    assert rows["Release tag matches version"] == "skipped: not on a tag"
    assert rows["Lint (ruff)"] == "2 findings"
    assert rows["Types (mypy)"] == "disabled: skipped with --skip"
    assert "Security (bandit)" not in rows  # left out by --only: no row
    assert out.splitlines()[-1] == "Failed: 2 errors, 0 warnings; not run: complexity."


def test_check_verdicts() -> None:
    warning = _finding(code="MS501", severity=Severity.WARNING)
    incomplete = _report(Outcome.ran("lint", []), Outcome.not_run("mypy", "mypy is not installed"))
    assert render(incomplete, False).splitlines()[-1] == (
        "Incomplete: not run: mypy (a check that did not run is not a pass)."
    )
    passed = _report(Outcome.ran("lint", []), Outcome.ran("complexity", [warning]))
    assert render(passed, False).splitlines()[-1] == "Passed (1 warning)."
    assert _rows(render(passed, False))["Bounded complexity"] == "1 finding"
    assert render(_report(Outcome.ran("lint", [])), False).splitlines()[-1] == "Passed."

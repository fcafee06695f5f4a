"""Progress lines read in order although checks end in another order than they start: the
number of a finished line counts the checks finished so far; counts are in plain English."""

from __future__ import annotations

import io

from metstandards.check.progress import Progress
from metstandards.findings import Finding, Severity
from metstandards.results import Outcome, Status


def _shown(stream: io.StringIO) -> list[str]:
    """The finished lines a terminal keeps (the status line is rewritten in place)."""
    return [line.split("\r\033[K")[-1] for line in stream.getvalue().split("\n")][:-1]


def _finding(code: str) -> Finding:
    return Finding("pkg/a.py", 1, 1, 1, 2, code, "rule", Severity.ERROR, "message")


def test_checks_finishing_out_of_order_are_numbered_as_they_finish() -> None:
    stream = io.StringIO()
    progress = Progress(True, stream)
    for index, name in enumerate(("lint", "ruff", "mypy", "complexity"), start=1):
        progress.started(name, index, 4)
    progress.finished(Outcome.ran("complexity", [], seconds=0.2))
    progress.finished(Outcome.ran("ruff", [_finding("ruff:F401")], seconds=1.0))
    progress.finished(Outcome.ran("lint", [_finding("MS202"), _finding("MS101")], seconds=2.0))
    progress.finished(Outcome.not_run("mypy", "mypy is not installed", seconds=0.0))
    assert _shown(stream) == [
        "[1/4] complexity: passed in 0.2 s",
        "[2/4] ruff: 1 finding in 1.0 s",
        "[3/4] lint: 2 findings in 2.0 s",
        "[4/4] mypy: not run (mypy is not installed) in 0.0 s",
    ]


def test_the_status_line_lists_what_still_runs() -> None:
    stream = io.StringIO()
    progress = Progress(True, stream)
    progress.started("ruff", 1, 2)
    progress.started("mypy", 2, 2)
    progress.finished(Outcome("ruff", Status.SKIPPED, reason="no files"))
    assert stream.getvalue().split("\n")[-1].split("\r\033[K")[-1] == "running: mypy"
    assert _shown(stream) == ["[1/2] ruff: skipped in 0.0 s"]


def test_a_reason_naming_a_file_that_is_not_utf8_is_shown_escaped() -> None:
    stream = io.StringIO()
    progress = Progress(True, stream)
    progress.started("complexity", 1, 1)
    progress.finished(Outcome.not_run("complexity", "not measured: pkg/caf\udce9.py"))
    assert _shown(stream) == ["[1/1] complexity: not run (not measured: pkg/caf\\xe9.py) in 0.0 s"]
    stream.getvalue().encode("utf-8")

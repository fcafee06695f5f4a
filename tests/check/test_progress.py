"""Progress while checks run side by side: a status line of what runs, a line per finished one."""

from __future__ import annotations

import io

from metstandards.check.progress import Progress
from metstandards.results import Outcome


def _lines(stream: io.StringIO) -> list[str]:
    """What a terminal shows: each carriage return and erase-line starts the line again."""
    shown = []
    for line in stream.getvalue().split("\n"):
        shown.append(line.split("\r\033[K")[-1])
    return shown


def test_finished_checks_scroll_above_the_status_line_of_those_still_running() -> None:
    stream = io.StringIO()
    progress = Progress(True, stream)
    progress.started("lint", 1, 3)
    progress.files_done(3, 3)
    progress.finished(Outcome.ran("lint", [], seconds=0.5))
    progress.started("ruff", 2, 3)
    progress.started("mypy", 3, 3)
    progress.finished(Outcome.not_run("ruff", "ruff is not installed", seconds=0.0))
    assert _lines(stream) == [
        "[1/3] lint: passed in 0.5 s",
        "[2/3] ruff: not run (ruff is not installed) in 0.0 s",
        "running: mypy",
    ]


def test_lint_reports_its_files_in_the_status_line() -> None:
    stream = io.StringIO()
    progress = Progress(True, stream)
    progress.started("lint", 1, 1)
    progress.files_done(7, 7)
    assert _lines(stream)[-1] == "running: lint 7/7 files"


def test_disabled_progress_writes_nothing() -> None:
    stream = io.StringIO()
    progress = Progress(False, stream)
    progress.started("lint", 1, 1)
    progress.finished(Outcome.ran("lint", []))
    assert stream.getvalue() == ""

"""Progress of a long ``check`` on a terminal: what is running, how many files lint has done,
and a line for each check as it ends.

Written to stderr and only when it is a terminal, so reports on stdout, pipes and CI logs stay
clean. The wrapped tools run beside lint, so the last line is a status line, rewritten in place
("running: lint 120/1498 files, mypy"), and each finished check prints its own line above it.
Checks end in another order than they start (ruff before mypy), so the ``[2/7]`` of a finished
line counts the checks finished so far, and the lines read in order. Callbacks come from several
threads; a lock keeps lines whole.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from metstandards.reporters import plural, visible
from metstandards.results import Outcome, Status


class Progress:
    """Callbacks for ``run_check``; silent when ``enabled`` is false."""

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        #: How many checks this run starts, as ``started`` was told, and how many have ended.
        self._total = 0
        self._finished = 0
        #: The checks running now, in the order they started, with what they report.
        self._running: dict[str, str] = {}
        self._lock = threading.Lock()
        self._last_draw = 0.0

    def _draw(self, line: str = "") -> None:
        """``line`` (a finished check) if any, then the status line of what still runs."""
        status = ", ".join(f"{name} {detail}".rstrip() for name, detail in self._running.items())
        text = f"\r\033[K{line}\n" if line else "\r\033[K"
        # A reason may name a file whose name is not UTF-8: shown escaped, never a crash.
        self.stream.write(visible(text + (f"running: {status}" if status else "")))
        self.stream.flush()

    def started(self, check: str, index: int, total: int) -> None:
        """``index`` is the check's place in the order checks start; only ``total`` is shown."""
        if not self.enabled:
            return
        with self._lock:
            self._total = max(self._total, total)
            self._running[check] = ""
            self._draw()

    def files_done(self, done: int, total: int) -> None:
        """Lint's files, as its worker processes hand them back."""
        now = time.monotonic()
        if self.enabled and (done == total or now - self._last_draw > 0.1):
            with self._lock:
                self._last_draw = now
                self._running["lint"] = f"{done}/{total} files"
                self._draw()

    def finished(self, outcome: Outcome) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._running.pop(outcome.check, None)
            self._finished += 1
            total = max(self._total, self._finished)
            label = f"[{self._finished}/{total}] {outcome.check}"
            self._draw(f"{label}: {_result(outcome)} in {outcome.seconds:.1f} s")


def _result(outcome: Outcome) -> str:
    """What a finished check's line says: "3 findings", "1 finding", "passed", "not run (why)"."""
    if outcome.status is Status.FINDINGS:
        return plural(len(outcome.findings), "finding")
    result = str(outcome.status.value).replace("-", " ")
    if outcome.status is Status.NOT_RUN:
        result += f" ({outcome.reason})"
    return result

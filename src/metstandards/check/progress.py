"""Progress of a long ``check`` on a terminal: what is running, how many files lint has done,
and a line for each check as it ends.

Written to stderr and only when it is a terminal, so reports on stdout, pipes and CI logs stay
clean. The wrapped tools run beside lint, so the last line is a status line, rewritten in place
("running: lint 120/1498 files, mypy"), and each finished check prints its own line above it.
Callbacks come from several threads; a lock keeps lines whole.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from metstandards.check.outcome import Outcome, Status


class Progress:
    """Callbacks for ``run_check``; silent when ``enabled`` is false."""

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self._labels: dict[str, str] = {}
        #: The checks running now, in the order they started, with what they report.
        self._running: dict[str, str] = {}
        self._lock = threading.Lock()
        self._last_draw = 0.0

    def _draw(self, line: str = "") -> None:
        """``line`` (a finished check) if any, then the status line of what still runs."""
        status = ", ".join(f"{name} {detail}".rstrip() for name, detail in self._running.items())
        text = f"\r\033[K{line}\n" if line else "\r\033[K"
        self.stream.write(text + (f"running: {status}" if status else ""))
        self.stream.flush()

    def started(self, check: str, index: int, total: int) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._labels[check] = f"[{index}/{total}] {check}"
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
        if outcome.status is Status.FINDINGS:
            result = f"{len(outcome.findings)} findings"
        else:
            result = outcome.status.value.replace("-", " ")
            if outcome.status is Status.NOT_RUN:
                result += f" ({outcome.reason})"
        with self._lock:
            self._running.pop(outcome.check, None)
            label = self._labels.get(outcome.check, outcome.check)
            self._draw(f"{label}: {result} in {outcome.seconds:.1f} s")

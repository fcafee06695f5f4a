"""Progress of a long ``check`` on a terminal: which check is running and how many files are done.

Written to stderr and only when it is a terminal, so reports on stdout, pipes and CI logs stay
clean; one line per check, rewritten in place while lint works through files.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from metstandards.check.outcome import Outcome, Status


class Progress:
    """Callbacks for ``run_check``; silent when ``enabled`` is false."""

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self._label = ""
        self._last_draw = 0.0

    def _write(self, text: str, end: str = "") -> None:
        self.stream.write("\r\033[K" + text + end)
        self.stream.flush()

    def started(self, check: str, index: int, total: int) -> None:
        if self.enabled:
            self._label = f"[{index}/{total}] {check}"
            self._write(f"{self._label} ...")

    def files_done(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.enabled and (done == total or now - self._last_draw > 0.1):
            self._last_draw = now
            self._write(f"{self._label}: {done}/{total} files")

    def finished(self, outcome: Outcome) -> None:
        if not self.enabled:
            return
        if outcome.status is Status.FINDINGS:
            result = f"{len(outcome.findings)} findings"
        else:
            result = outcome.status.value.replace("-", " ")
            if outcome.status is Status.NOT_RUN:
                result += f" ({outcome.reason})"
        self._write(f"{self._label}: {result} in {outcome.seconds:.1f} s", end="\n")

"""Find a wrapped tool, run it with a time limit, and turn every way it can fail into a reason.

The adapters share one rule: whatever keeps a tool's verdict from being read (not installed,
stopped, crashed, unreadable output) raises :class:`NotRun`, and :func:`outcome` reports it as
"not run". Nothing here guesses at a pass.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess  # nosec B404
import sys
import sysconfig
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from metstandards.findings import Finding
from metstandards.results import Outcome, Status

#: Longest piece of a tool's own error message that goes into a reason.
_MAX_DETAIL = 300


class NotRun(Exception):
    """The tool's verdict cannot be had; the message is the reason shown to the user."""


class NothingToCheck(Exception):
    """The tool had nothing to look at here (no package files): skipped with the message as the
    reason, never "passed"."""


class Partial(Exception):
    """The tool checked some files but could not read others: its findings stand, and the check
    is "not run" for the rest, named in the message. Never a pass."""

    def __init__(self, findings: Iterable[Finding], reason: str) -> None:
        super().__init__(reason)
        self.findings = tuple(findings)


@dataclass(frozen=True)
class Completed:
    """What a tool that ran to its end printed, and its exit code."""

    name: str
    returncode: int
    stdout: str
    stderr: str

    def crashed(self, detail: str = "") -> NotRun:
        """The tool ended in a way its adapter does not accept; ``detail`` defaults to its
        last stderr line (or stdout's, for tools that report errors there)."""
        detail = detail or last_line(self.stderr) or last_line(self.stdout) or "no output"
        return NotRun(f"{self.name} failed (exit code {self.returncode}): {detail}")

    def json(self) -> Any:
        """stdout as JSON, or :class:`NotRun`: output that cannot be read is never a pass."""
        try:
            return json.loads(self.stdout)
        except ValueError:
            raise self.crashed() from None


def default_search() -> list[str]:
    """Where tools are looked for: the running interpreter's environment first, so the ruff or
    mypy installed next to metstandards (``metstandards[tools]``) wins over another on PATH."""
    here = [os.path.dirname(sys.executable), sysconfig.get_path("scripts")]
    # An empty PATH entry would mean the current directory: a repository's own ``ruff`` script.
    return [*here, *(d for d in os.environ.get("PATH", "").split(os.pathsep) if d)]


def find_executable(name: str, search: Sequence[str | Path] | None = None) -> Path | None:
    """The first ``name`` executable in ``search`` (default :func:`default_search`)."""
    dirs = default_search() if search is None else [str(d) for d in search]
    found = shutil.which(name, path=os.pathsep.join(dirs))
    return Path(found) if found else None


def run_tool(
    name: str,
    args: Sequence[str],
    *,
    cwd: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
    search: Sequence[str | Path] | None = None,
) -> Completed:
    """Run ``name args...`` in ``cwd`` with this process's environment plus ``env``."""
    executable = find_executable(name, search)
    if executable is None:
        raise NotRun(f"{name} is not installed: pip install 'metstandards[tools]'")
    # UTF-8 so that Python tools print the same bytes on every platform.
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    try:
        # An argument list whose program was found by path; never a shell.
        process = subprocess.Popen(  # nosec B603
            [str(executable), *args],
            cwd=cwd,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            errors="replace",
            # Its own process group, so a stopped tool's children (pip-audit runs pip) stop too.
            start_new_session=os.name == "posix",
        )
    except OSError as error:  # not executable, a broken script header, a vanished cwd
        raise NotRun(f"{name} could not be started: {error}") from None
    with process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(process)
            raise NotRun(f"{name} stopped after {timeout:g} s") from None
        except BaseException:  # Ctrl-C must not leave a detached tool running
            kill_group(process)
            raise
    return Completed(name, process.returncode, stdout, stderr)


def kill_group(process: subprocess.Popen[str]) -> None:
    """Kill ``process``, started in a session of its own, with everything it started (pip
    below pip-audit, git's helpers below git), and reap it."""
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(process.pid, signal.SIGKILL)
    else:  # pragma: no cover - Windows
        process.kill()
    process.wait()


def last_line(text: str) -> str:
    """The last non-blank line, shortened: where tools put the one sentence that explains."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[-1]
    return line if len(line) <= _MAX_DETAIL else line[: _MAX_DETAIL - 3] + "..."


def relative(root: Path, reported: str) -> str:
    """A path a tool printed (absolute, ``./x.py`` or ``x.py``), relative to root, POSIX.

    Tools may print the resolved path (``/private/tmp`` for ``/tmp`` on macOS); when the plain
    path falls outside the root, the resolved one is tried before giving up.
    """
    path = root / reported
    try:
        plain = os.path.relpath(path, root)
        if plain.startswith(".."):
            resolved = os.path.relpath(path.resolve(), root.resolve())
            plain = plain if resolved.startswith("..") else resolved
    except ValueError:  # pragma: no cover - Windows: another drive than the root's
        return Path(reported).as_posix()
    return Path(plain).as_posix()


def outcome(check: str, body: Callable[[], tuple[Iterable[Finding], str]]) -> Outcome:
    """Time ``body`` (which returns findings and a note) and make :class:`NotRun` an outcome."""
    start = time.perf_counter()
    try:
        findings, note = body()
    except NotRun as reason:
        return Outcome.not_run(check, str(reason), seconds=time.perf_counter() - start)
    except NothingToCheck as reason:
        return replace(Outcome.skipped(check, str(reason)), seconds=time.perf_counter() - start)
    except Partial as partial:
        found = tuple(sorted(partial.findings))
        return Outcome(check, Status.NOT_RUN, found, str(partial), time.perf_counter() - start)
    return Outcome.ran(check, findings, seconds=time.perf_counter() - start, note=note)

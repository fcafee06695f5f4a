"""Lint's worker processes end with the run, however it ends, and Ctrl-C and SIGTERM stop it at
once with their own exit status and one line.

Real processes only: ``metstandards lint`` on a project large enough for its process pool (the
parallel threshold is 24 files; here 240), signals sent as a terminal or a CI runner sends them,
and the processes looked up in /proc by parent and session. Linux: that is where /proc is and
where the kernel kills a worker whose parent died."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import write_project

from metstandards.tools.process import find_executable

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="processes are looked up in Linux's /proc"
)

#: Enough work for two workers to take seconds: the signal arrives while they are busy.
FILES = 240
FUNCTIONS = "".join(
    f"def f{n}(x, lr=0.001):\n    if x > {n}:\n        return x * {n}\n    return x\n\n"
    for n in range(150)
)
#: "Within a second", with room for a loaded machine.
PROMPT = 3.0


@dataclass(frozen=True)
class Proc:
    """A process as /proc shows it; ``start`` (clock ticks after boot) tells a reused pid apart."""

    pid: int
    ppid: int
    session: int
    start: int
    name: str
    state: str


def _processes() -> dict[int, Proc]:
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # ended meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry)] = Proc(
            int(entry), int(fields[1]), int(fields[3]), int(fields[19]), name, fields[0]
        )
    return found


def _descendants(root: int) -> list[Proc]:
    """Every process below ``root`` (children, theirs, and tools in sessions of their own)."""
    table = _processes()
    below: dict[int, Proc] = {}
    frontier = {root}
    while frontier:
        frontier = {p.pid for p in table.values() if p.ppid in frontier and p.pid not in below}
        below.update((pid, table[pid]) for pid in frontier)
    return list(below.values())


def _alive(processes: list[Proc]) -> list[Proc]:
    """Those of ``processes`` still running (the same process, not a zombie)."""
    table = _processes()
    return [
        p
        for p in processes
        if p.pid in table and table[p.pid].start == p.start and table[p.pid].state != "Z"
    ]


def _wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@contextmanager
def _sigint_not_ignored() -> Iterator[None]:
    """A command a terminal starts gets SIGINT at its default. One started by a background job
    (pytest in some CI runners) would inherit it ignored, through exec: while it starts, this
    process handles SIGINT, which exec turns into the default."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@dataclass
class Run:
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait(self) -> tuple[int, str, float]:
        """Exit status, stderr, and seconds until the process ended and its pipes closed (a
        leftover worker would hold them open)."""
        started = time.monotonic()
        assert self.process.stdout is not None
        pipe = f"pipe:[{os.fstat(self.process.stdout.fileno()).st_ino}]"
        try:
            _, stderr = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the output pipe is still held open by {_holders(pipe)}")
        return self.process.returncode, stderr.decode(), time.monotonic() - started


def _holders(pipe: str) -> list[str]:
    """Every process with ``pipe`` open (its write end, left to a process that outlived the
    run), as pid, parent, state, kernel wait channel and command line: what a failure shows."""
    found = []
    for proc in _processes().values():
        try:
            fds = os.listdir(f"/proc/{proc.pid}/fd")
            if not any(os.readlink(f"/proc/{proc.pid}/fd/{fd}") == pipe for fd in fds):
                continue
            wchan = Path(f"/proc/{proc.pid}/wchan").read_text()
            argv = Path(f"/proc/{proc.pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:  # ended meanwhile
            continue
        found.append(f"{proc.pid} (parent {proc.ppid}, {proc.state}, {wchan}): {argv[:120]!r}")
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    files = {"pkg/__init__.py": ""}
    files.update({f"pkg/module_{n:03}.py": FUNCTIONS for n in range(FILES)})
    return write_project(tmp_path / "project", files)


@pytest.fixture
def start(project: Path) -> Iterator[Callable[..., Run]]:
    """Start ``metstandards ARGS... PROJECT`` in a session of its own (as a terminal starts a
    job in its own process group); whatever is left at the end is killed."""
    runs: list[Run] = []

    def run(*args: str, command: tuple[str, ...] = ("-m", "metstandards")) -> Run:
        with _sigint_not_ignored():
            process = subprocess.Popen(
                [sys.executable, *command, *args, str(project)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        runs.append(Run(process))
        return runs[-1]

    yield run
    for leftover in runs:
        for process in _alive(_descendants(leftover.pid)):
            os.kill(process.pid, signal.SIGKILL)
        if leftover.process.poll() is None:
            leftover.process.kill()
            leftover.process.communicate()


def _workers(run: Run, count: int = 2) -> list[Proc]:
    """The lint workers once ``count`` of them are busy."""
    found: list[Proc] = []

    def busy() -> bool:
        found[:] = [p for p in _descendants(run.pid) if p.ppid == run.pid]
        return len(found) >= count

    assert _wait_for(busy, 60), "the pool never started"
    assert run.process.poll() is None, "lint ended before the signal: make the project larger"
    return list(found)


def _lint(start: Callable[..., Run]) -> Run:
    return start("lint", "--no-cache", "--jobs", "2")


@pytest.mark.slow
def test_ctrl_c_stops_lint_at_once_with_130(start: Callable[..., Run]) -> None:
    run = _lint(start)
    workers = _workers(run)
    os.killpg(run.pid, signal.SIGINT)  # what a terminal does: the whole foreground group
    status, stderr, seconds = run.wait()
    assert status == 130
    assert stderr == "metstandards: interrupted\n"
    assert seconds < PROMPT
    assert _wait_for(lambda: not _alive(workers), PROMPT)


@pytest.mark.slow
def test_sigint_to_the_main_process_alone_also_stops_its_workers(
    start: Callable[..., Run],
) -> None:
    run = _lint(start)
    workers = _workers(run)
    os.kill(run.pid, signal.SIGINT)
    status, stderr, seconds = run.wait()
    assert (status, stderr) == (130, "metstandards: interrupted\n")
    assert seconds < PROMPT
    assert _wait_for(lambda: not _alive(workers), PROMPT)


@pytest.mark.slow
def test_sigterm_ends_lint_with_143_and_no_worker_left(start: Callable[..., Run]) -> None:
    run = _lint(start)
    workers = _workers(run)
    os.kill(run.pid, signal.SIGTERM)  # a CI runner cancelling the job, `timeout`, systemd
    status, stderr, seconds = run.wait()
    assert status == 143
    assert stderr == "metstandards: terminated\n"
    assert seconds < PROMPT
    assert _wait_for(lambda: not _alive(workers), PROMPT)


@pytest.mark.slow
def test_workers_die_with_a_killed_parent(start: Callable[..., Run]) -> None:
    """SIGKILL leaves the parent no chance: the kernel ends its workers (PR_SET_PDEATHSIG), so
    nothing keeps waiting for work or holds the output pipes open."""
    run = _lint(start)
    workers = _workers(run)
    os.kill(run.pid, signal.SIGKILL)
    status, _, seconds = run.wait()  # returns once every holder of the pipes is gone
    assert status == -signal.SIGKILL
    assert seconds < PROMPT
    assert _wait_for(lambda: not _alive(workers), PROMPT)


#: ``metstandards`` with the pool's start method set first (``sys.argv[1]``).
WITH_START_METHOD = (
    "-c",
    "import multiprocessing, sys\n"
    "multiprocessing.set_start_method(sys.argv[1])\n"
    "from metstandards.cli import main\n"
    "main(sys.argv[2:], prog_name='metstandards')\n",
)


@pytest.mark.slow
@pytest.mark.parametrize(
    "method",
    [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()],
)
def test_workers_of_every_start_method_die_with_a_killed_parent(
    start: Callable[..., Run], method: str
) -> None:
    """Forked or spawned workers are the parent's children; a fork server's are not (and it
    lives as long as they do): they notice the pipe multiprocessing keeps from the parent close.
    Python 3.14 makes the fork server the default on Linux."""
    run = start(method, "lint", "--no-cache", "--jobs", "2", command=WITH_START_METHOD)
    # Two workers, plus multiprocessing's resource tracker (spawn) and fork server.
    expected = {"fork": 2, "spawn": 3, "forkserver": 4}[method]
    tree: list[Proc] = []

    def started() -> bool:
        tree[:] = _descendants(run.pid)
        return len(tree) >= expected

    assert _wait_for(started, 60), "the pool never started"
    os.kill(run.pid, signal.SIGKILL)
    _, _, seconds = run.wait()
    assert seconds < PROMPT
    assert _wait_for(lambda: not _alive(tree), PROMPT), _alive(tree)


@pytest.mark.slow
def test_a_worker_without_the_kernels_help_notices_its_parent_died(tmp_path: Path) -> None:
    """Where ``prctl`` is missing (macOS, BSD), a thread in the worker watches for adoption."""
    script = (
        "import multiprocessing, os, time\n"
        "from metstandards.engine import workers\n"
        "def worker(parent):\n"
        "    workers._watch(lambda: workers._wait_until_orphaned(parent))\n"
        "    print(os.getpid(), flush=True)  # watching: the parent may go\n"
        "    time.sleep(120)\n"
        "multiprocessing.get_context('fork').Process(target=worker, args=(os.getpid(),)).start()\n"
        "time.sleep(120)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, start_new_session=True
    )
    try:
        assert parent.stdout is not None
        child_pid = int(parent.stdout.readline())
        (child,) = [p for p in _descendants(parent.pid) if p.pid == child_pid]
        parent.kill()
        parent.wait()
        assert _wait_for(lambda: not _alive([child]), PROMPT)
    finally:
        for process in _alive(_descendants(parent.pid)):
            os.kill(process.pid, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
        parent.communicate()


@pytest.mark.slow
@pytest.mark.skipif(find_executable("mypy") is None, reason="mypy is not installed")
def test_sigterm_stops_check_and_the_tool_it_runs(start: Callable[..., Run]) -> None:
    """A wrapped tool runs in a session of its own: it is stopped too, not left running."""
    run = start("check", "--no-progress", "--no-cache", "--only", "mypy")
    tools: list[Proc] = []

    def mypy_runs() -> bool:
        tools[:] = [p for p in _descendants(run.pid) if p.name.startswith("mypy")]
        return bool(tools)

    assert _wait_for(mypy_runs, 60), "mypy never started"
    os.kill(run.pid, signal.SIGTERM)
    status, stderr, seconds = run.wait()
    assert (status, stderr) == (143, "metstandards: terminated\n")
    assert seconds < PROMPT
    assert _wait_for(lambda: not _alive(tools), PROMPT)

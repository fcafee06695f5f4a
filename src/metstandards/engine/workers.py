"""Lint's worker processes end with the run that started them, however it ends.

A worker outlives a parent that is killed (SIGKILL, the out-of-memory killer, a CI runner that
cancels a job): it is adopted by another process, keeps waiting for work that never comes, and
holds the parent's stdout and stderr open, so whoever reads them (a CI step, a pipe) never sees
the end. And a parent that is interrupted while the pool still has files queued would wait for
all of them before it could stop. So:

- a worker asks the kernel to kill it when its parent ends (Linux: ``prctl(PR_SET_PDEATHSIG)``),
  and a thread in the worker notices that it was adopted and ends it, for the systems and
  sandboxes where the kernel does not;
- Ctrl-C, which a terminal sends to every process of the foreground group, is left to the
  parent: workers ignore it instead of each printing a traceback;
- the parent, interrupted or failing while the pool works, kills the workers at once
  (:func:`stop`), and the pool fails the files still queued instead of waiting for them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

#: ``PR_SET_PDEATHSIG`` of ``<linux/prctl.h>``.
_PR_SET_PDEATHSIG = 1
#: How often a worker without the kernel's help looks whether it was adopted, in seconds.
_WATCH_INTERVAL = 0.5


def run(
    task: Callable[[Item], Result],
    items: Sequence[Item],
    processes: int,
    initializer: Callable[[dict[str, Any]], None],
    state: dict[str, Any],
) -> list[Result]:
    """``task(item)`` for every item on ``processes`` worker processes, results in order.
    ``initializer(state)`` starts each worker and must call :func:`bind_to_parent`; ``state``
    includes :func:`parent_state`.

    Submitted one by one, not with ``pool.map``: an interrupted map cancels its futures, which
    the pool of Python 3.10 and 3.11 then fails to fail (see :func:`stop`). The pool is made
    and fed with SIGINT and SIGTERM held (:func:`signals_held`); an interruption after that
    kills the workers at once."""
    others = children()
    pool: ProcessPoolExecutor | None = None
    with ExitStack() as stack:
        try:
            with signals_held():
                pool = stack.enter_context(
                    ProcessPoolExecutor(processes, initializer=initializer, initargs=(state,))
                )
                futures = [pool.submit(task, item) for item in items]
            return [future.result() for future in futures]
        except BaseException:
            if pool is not None:
                stop(pool, others)
            raise


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM in this thread while the pool is made and fed: an exception
    raised by a handler half-way through would leave multiprocessing's objects half made (and
    print their tracebacks at exit). Held signals arrive as soon as this ends; threads started
    meanwhile (the pool's) keep them blocked, so they reach this thread."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def parent_state(start_method: str | None = None) -> dict[str, Any]:
    """What a worker needs to know the process it must end with (:func:`bind_to_parent`): this
    one, and whether the pool starts its workers itself (fork, spawn) or through a fork server
    (Python 3.14's default on Linux), whose children they then are. Taken by the process that
    starts the pool; ``start_method`` is its pool's, when not the default's."""
    method = start_method or multiprocessing.get_start_method()
    return {"parent": os.getpid(), "direct": method != "forkserver"}


def bind_to_parent(state: Mapping[str, Any]) -> None:
    """Make this worker end when the process that started the pool (``state``, from
    :func:`parent_state`; a pool's initializer as it is) ends, and leave
    SIGINT and SIGTERM to their default: Ctrl-C is the parent's to handle, and a handler the
    parent installed (inherited through fork) must not turn SIGTERM into an exception here.

    A worker of a fork server is not the parent's child (and the fork server lives as long as
    any of its workers): it also waits for the pipe multiprocessing keeps from the parent to
    close. The watch runs even where the kernel accepted the death signal: some sandboxes accept
    the request and never act on it, and a watch that wakes twice a second costs nothing."""
    parent, direct = state["parent"], state["direct"]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # forked while the parent held them
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    if direct:
        _arm_parent_death_signal()
        if os.getppid() != parent:  # adopted already: the parent ended before the signal was armed
            os._exit(1)
    watched = os.getppid()
    pipe = None if direct else multiprocessing.parent_process()
    _watch(lambda: _wait_until_orphaned(watched, pipe))


def _watch(wait: Callable[[], None]) -> None:
    """End this process once ``wait`` returns, waiting in a thread of its own."""

    def watch() -> None:
        wait()
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _wait_until_orphaned(parent: int, pipe: BaseProcess | None = None) -> None:
    """Until this process is adopted, which is what happens when its parent ``parent`` ends,
    or until ``pipe``, multiprocessing's handle on the process that started this one, reports
    it gone (for a child of a fork server or of spawn: for forked children the pipe leaks into
    siblings, so it is not used)."""
    while os.getppid() == parent:
        if pipe is None:
            time.sleep(_WATCH_INTERVAL)
            continue
        pipe.join(_WATCH_INTERVAL)
        if not pipe.is_alive():
            return


def _arm_parent_death_signal() -> bool:
    """Linux: have the kernel send this process SIGKILL when its parent ends; whether it says
    it will."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):  # no C library to ask, or no prctl in it
        return False


def children() -> set[BaseProcess]:
    """This process's live multiprocessing children: taken before a pool starts, so that
    :func:`stop` ends only that pool's workers."""
    return set(multiprocessing.active_children())


def stop(pool: Executor, others: set[BaseProcess]) -> None:
    """Kill ``pool``'s workers now, rather than let its shutdown wait for every queued file: an
    interrupted lint stops within a second.

    The pool then finds its workers gone and fails what is left, which is what its shutdown
    waits for. Its futures must not be cancelled (``pool.map`` cancels them when interrupted):
    on Python 3.10 and 3.11 the pool's manager thread dies failing a cancelled future
    (https://github.com/python/cpython/issues/107219), and the interpreter's exit waits for it.
    """
    for worker in children() - others:
        worker.kill()
    _unblock_feeder(pool)


def _unblock_feeder(pool: Executor) -> None:
    """Close this process's end of the pipe that feeds the workers. With them dead, a chunk too
    large for the pipe would block the pool's feeder thread forever, and the shutdown, or the
    interpreter's exit, with it. From Python 3.11.5 on, the pool's own thread does this when it
    finds its workers gone (https://github.com/python/cpython/issues/94777), and closing it here
    too would race it. Private names, looked up defensively: without them this does nothing."""
    if sys.version_info >= (3, 11, 5):
        return
    queue = getattr(pool, "_call_queue", None)
    reader = getattr(queue, "_reader", None)
    close = getattr(reader, "close", None)
    if callable(close):
        close()

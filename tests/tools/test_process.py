"""Finding and running a tool, and the ways every adapter reports a tool it could not use."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from metstandards.results import CheckContext, Outcome, Status
from metstandards.tools import bandit, mypy, pip_audit, process, ruff

from ._project import context, fake_tool

Adapter = Callable[..., Outcome]
ADAPTERS = [
    pytest.param(ruff.run, "ruff", id="ruff"),
    pytest.param(mypy.run, "mypy", id="mypy"),
    pytest.param(bandit.run, "bandit", id="bandit"),
    pytest.param(pip_audit.run, "pip-audit", id="pip-audit"),
]


@pytest.fixture
def ctx(tmp_path: Path) -> CheckContext:
    # pip-audit audits what the project declares: one pinned requirement gives it work.
    return context(
        tmp_path / "project",
        {"pkg/a.py": "x = 1\n", "requirements.txt": "requests==2.19.0\n"},
        timeout=1,
    )


def test_the_running_interpreters_directory_is_searched_first() -> None:
    assert process.default_search()[0] == os.path.dirname(sys.executable)


def test_the_first_directory_that_has_the_tool_wins(tmp_path: Path) -> None:
    first = fake_tool(tmp_path / "first", "tool", "exit 0")
    later = fake_tool(tmp_path / "later", "tool", "exit 0")
    assert process.find_executable("tool", [tmp_path / "empty", first, later]) == first / "tool"
    assert process.find_executable("tool", [tmp_path / "empty"]) is None


@pytest.mark.slow
def test_a_tool_gets_this_environment_plus_its_own(tmp_path: Path) -> None:
    bin_dir = fake_tool(
        tmp_path / "bin", "tool", 'echo "$EXTRA $PYTHONIOENCODING"; echo oops >&2; exit 3'
    )
    done = process.run_tool(
        "tool", [], cwd=tmp_path, timeout=10, env={"EXTRA": "given"}, search=[bin_dir]
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "given utf-8\n", "oops\n")
    assert str(done.crashed()) == "tool failed (exit code 3): oops"


@pytest.mark.slow
def test_a_tool_that_cannot_be_started_is_not_run(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "tool").write_text("#!/no/such/interpreter\n", encoding="utf-8")
    (bin_dir / "tool").chmod(0o755)
    with pytest.raises(process.NotRun, match=r"^tool could not be started: "):
        process.run_tool("tool", [], cwd=tmp_path, timeout=10, search=[bin_dir])


def test_last_line_skips_blank_lines_and_shortens() -> None:
    assert process.last_line("Traceback\n  frame\nValueError: bad\n\n") == "ValueError: bad"
    assert len(process.last_line("x" * 1000)) == 300


def test_reported_paths_become_relative_posix(tmp_path: Path) -> None:
    assert process.relative(tmp_path, "./pkg/a.py") == "pkg/a.py"
    assert process.relative(tmp_path, str(tmp_path / "pkg" / "a.py")) == "pkg/a.py"
    assert process.relative(tmp_path, str(tmp_path.resolve() / "b.py")) == "b.py"


@pytest.mark.parametrize(("adapter", "name"), ADAPTERS)
def test_a_missing_tool_is_not_run(
    adapter: Adapter, name: str, ctx: CheckContext, tmp_path: Path
) -> None:
    outcome = adapter(ctx, search=[tmp_path / "nothing-here"])
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason == f"{name} is not installed: pip install 'metstandards[tools]'"


@pytest.mark.slow
@pytest.mark.parametrize(("adapter", "name"), ADAPTERS)
def test_a_crashing_tool_is_not_run(
    adapter: Adapter, name: str, ctx: CheckContext, tmp_path: Path
) -> None:
    bin_dir = fake_tool(
        tmp_path / "bin", name, "echo '{garbage'; echo 'Fatal: it broke' >&2; exit 2"
    )
    outcome = adapter(ctx, search=[bin_dir])
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason == f"{name} failed (exit code 2): Fatal: it broke"


@pytest.mark.slow
@pytest.mark.parametrize(("adapter", "name"), ADAPTERS)
def test_output_that_cannot_be_read_is_never_a_pass(
    adapter: Adapter, name: str, ctx: CheckContext, tmp_path: Path
) -> None:
    bin_dir = fake_tool(tmp_path / "bin", name, "echo 'all good, trust me'; exit 0")
    outcome = adapter(ctx, search=[bin_dir])
    assert outcome.status is Status.NOT_RUN
    assert "exit code 0" in outcome.reason or "could not be read" in outcome.reason


@pytest.mark.slow
@pytest.mark.parametrize(("adapter", "name"), ADAPTERS)
def test_a_tool_that_runs_too_long_is_stopped(
    adapter: Adapter, name: str, ctx: CheckContext, tmp_path: Path
) -> None:
    bin_dir = fake_tool(
        tmp_path / "bin", name, "sleep 30"
    )  # a child of the shell: the whole group is stopped
    start = time.monotonic()
    outcome = adapter(ctx, search=[bin_dir])
    assert time.monotonic() - start < 10
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason == f"{name} stopped after 1 s"

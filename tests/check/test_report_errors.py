"""How a run ends when something goes wrong: a report that cannot be written never keeps the
others from being written; a bug (an exception no command handles) exits 70 with a short message
that names what failed and where to report it, and a traceback only when asked for; every
command's help lists those statuses.

The bugs here are planted (a reporter replaced by one that raises): metstandards has none to
trigger on purpose. Everything else is real: projects on disk, the command, its processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import click
import pytest
from click.testing import CliRunner, Result
from conftest import write_project

from metstandards.cli import main
from metstandards.cli._common import INTERNAL_ERROR, ISSUES_URL

UNSAFE = {"pkg/__init__.py": "", "pkg/io.py": "import torch\n\nstate = torch.load(path)\n"}
#: Only the checks that need no tool: fast, and the same on every machine.
QUICK = ("--only", "lint", "--only", "complexity")


def _boom(*args: object, **kwargs: object) -> str:
    raise RuntimeError("planted bug")


def _check(root: Path, *args: str, **env: str) -> Result:
    return CliRunner().invoke(main, ["check", "--no-progress", str(root), *QUICK, *args], env=env)


@pytest.fixture
def sarif_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SARIF reporter raises, as a bug in it would."""
    monkeypatch.setattr("metstandards.reporters.sarif.render", _boom)


def test_a_path_that_cannot_be_written_does_not_stop_the_other_reports(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", UNSAFE)
    missing, junit = tmp_path / "no-such-dir" / "c.sarif", tmp_path / "c.xml"
    reports = ("--report", f"sarif={missing}", "--report", f"junit={junit}")
    result = _check(root, *reports, "-f", "json")
    assert result.exit_code == 2
    assert ET.parse(junit).getroot().get("failures") == "1"
    assert json.loads(result.stdout)["findings"][0]["code"] == "MS202"
    assert result.stderr == (
        f"metstandards: error: cannot write {missing}: No such file or directory "
        "(the other reports were written)\n"
    )


def test_a_bug_in_one_reporter_does_not_stop_the_others(tmp_path: Path, sarif_bug: None) -> None:
    root = write_project(tmp_path / "project", UNSAFE)
    sarif, junit, markdown = tmp_path / "c.sarif", tmp_path / "c.xml", tmp_path / "c.md"
    result = _check(
        root, "--report", f"sarif={sarif}", "--report", f"junit={junit}",
        "--report", f"markdown={markdown}",
    )  # fmt: skip
    assert result.exit_code == INTERNAL_ERROR == 70
    assert not sarif.exists()
    assert ET.parse(junit).getroot().get("failures") == "1"
    assert "## metstandards" in markdown.read_text(encoding="utf-8")
    assert "Failed: 1 error, 0 warnings." in result.stdout  # the report on stdout too
    first, second = result.stderr.splitlines()
    assert first.startswith(
        f"metstandards: internal error while writing the sarif report to {sarif}: "
        "RuntimeError: planted bug (at metstandards/"
    )
    assert first.endswith("(the other reports were written)")
    assert ISSUES_URL in second
    assert "Traceback" not in result.stderr


def test_debug_adds_the_traceback(tmp_path: Path, sarif_bug: None) -> None:
    root = write_project(tmp_path / "project", UNSAFE)
    for args, env in ((("--debug",), {}), ((), {"METSTANDARDS_DEBUG": "1"})):
        result = CliRunner().invoke(
            main, [*args, "lint", "--no-cache", "-f", "sarif", str(root)], env=env
        )
        assert result.exit_code == 70
        assert "Traceback (most recent call last)" in result.stderr
        assert 'raise RuntimeError("planted bug")' in result.stderr
        assert result.stderr.splitlines()[-2].startswith("metstandards: internal error while ")


def test_an_output_file_the_reporter_fails_on_is_not_left_half_written(
    tmp_path: Path, sarif_bug: None
) -> None:
    root = write_project(tmp_path / "project", UNSAFE)
    target = tmp_path / "report.sarif"
    result = CliRunner().invoke(main, ["lint", "--no-cache", "-f", "sarif", "-o", target, root])
    assert result.exit_code == 70
    assert not target.exists()
    assert "(the other reports were written)" not in result.stderr  # there were none


def test_a_bug_in_a_command_exits_70_with_two_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("metstandards.engine.runner.run_lint", _boom)
    root = write_project(tmp_path / "project", UNSAFE)
    result = CliRunner().invoke(main, ["lint", "--no-cache", str(root)])
    assert result.exit_code == 70
    assert result.stdout == ""
    first, second = result.stderr.splitlines()
    assert first.startswith(
        "metstandards: internal error while running `metstandards lint`: "
        "RuntimeError: planted bug (at metstandards/cli/lint.py:"
    )
    assert second == (
        "metstandards: this is a bug in metstandards 0.1.0; please report it at "
        f"{ISSUES_URL} with the command you ran and its traceback (run it again with "
        "METSTANDARDS_DEBUG=1 to see it)"
    )


def test_user_errors_keep_status_2_and_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["lint", str(tmp_path / "missing.py")])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert CliRunner().invoke(main, ["lint", "--format", "xml"]).exit_code == 2


@pytest.mark.slow
def test_an_internal_error_in_a_real_process(tmp_path: Path) -> None:
    """The command as CI runs it, in its own process, with a planted bug: status 70, the two
    lines on stderr, no traceback, nothing on stdout."""
    root = write_project(tmp_path / "project", UNSAFE)
    plant = (
        "import sys, metstandards.reporters.json as reporter\n"
        "def render(result, color): raise KeyError('planted')\n"
        "reporter.render = render\n"
        "from metstandards.cli import main\n"
        "sys.argv = ['metstandards', 'lint', '--no-cache', '-f', 'json', sys.argv[1]]\n"
        "main()\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", plant, str(root)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 70
    assert completed.stdout == ""
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 2
    assert "the json report to standard output: KeyError: 'planted'" in lines[0]


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            continue  # audit: its own group class and epilog (see the report of this change)
        found.append((*prefix, name))
    return found


@pytest.mark.parametrize("command", [(), *_commands(main)], ids=lambda c: " ".join(c) or "main")
def test_every_command_documents_the_statuses_every_command_has(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "70 internal error: a bug in metstandards" in text
    assert "--debug or METSTANDARDS_DEBUG=1" in text
    assert "130 interrupted (Ctrl-C)" in text
    assert "143 terminated (SIGTERM)" in text
    assert text.count("70 internal error") == 1

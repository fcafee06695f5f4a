"""The real bandit on fixture projects: its findings, levels, skips, configuration and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from metstandards.findings import Finding, Severity
from metstandards.results import Status
from metstandards.tools import bandit

from ._project import context

SETTINGS = {"severity-level": "medium", "confidence-level": "medium", "skip": []}
RISKY = """\
import pickle
import subprocess


def run(command, blob):
    subprocess.call(
        command, shell=True
    )
    return pickle.loads(blob)
"""


@pytest.mark.slow
def test_shell_and_pickle_in_package_code_are_found(tmp_path: Path) -> None:
    files = {"pkg/risky.py": RISKY, "tests/test_risky.py": RISKY}
    outcome = bandit.run(context(tmp_path, files, settings=SETTINGS))
    assert outcome.status is Status.FINDINGS
    shell, load = outcome.findings
    assert shell == Finding(
        "pkg/risky.py",
        7,
        1,
        8,
        6,
        "bandit:B602",
        "subprocess_popen_with_shell_equals_true",
        Severity.ERROR,
        "subprocess call with shell=True identified, security issue. "
        "(severity high, confidence high)",
    )
    assert (load.path, load.line, load.column, load.end_column) == ("pkg/risky.py", 9, 12, 30)
    assert (load.code, load.name, load.severity) == ("bandit:B301", "blacklist", Severity.WARNING)


@pytest.mark.slow
def test_levels_and_skips_come_from_the_settings(tmp_path: Path) -> None:
    settings = {"severity-level": "low", "confidence-level": "low", "skip": ["B602", "B301"]}
    outcome = bandit.run(context(tmp_path, {"pkg/risky.py": RISKY}, settings=settings))
    assert sorted(f.code for f in outcome.findings) == ["bandit:B403", "bandit:B404"]


@pytest.mark.slow
def test_the_repositorys_tool_bandit_table_is_used(tmp_path: Path) -> None:
    pyproject = '[tool.bandit]\nskips = ["B602"]\n'
    ctx = context(tmp_path, {"pkg/risky.py": RISKY}, settings=SETTINGS, pyproject=pyproject)
    assert [f.code for f in bandit.run(ctx).findings] == ["bandit:B301"]


@pytest.mark.slow
def test_clean_code_passes(tmp_path: Path) -> None:
    outcome = bandit.run(context(tmp_path, {"pkg/clean.py": "x = 1\n"}, settings=SETTINGS))
    assert (outcome.status, outcome.reason) == (Status.PASSED, "")


@pytest.mark.slow
def test_a_file_bandit_cannot_parse_makes_the_check_not_a_pass(tmp_path: Path) -> None:
    files = {"pkg/risky.py": RISKY, "pkg/broken.py": "def f(:\n"}
    outcome = bandit.run(context(tmp_path, files, settings=SETTINGS))
    # What bandit read is reported; what it could not read is not counted as checked.
    assert outcome.status is Status.NOT_RUN
    assert {f.path for f in outcome.findings} == {"pkg/risky.py"}
    assert outcome.reason.startswith("bandit could not read 1 of 2 files: pkg/broken.py (")
    assert "bandit parses with the Python it runs on" in outcome.reason


@pytest.mark.slow
def test_when_no_file_could_be_parsed_bandit_did_not_run(tmp_path: Path) -> None:
    outcome = bandit.run(context(tmp_path, {"pkg/broken.py": "def f(:\n"}, settings=SETTINGS))
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason.startswith("bandit could not read any file: pkg/broken.py (")


def test_no_package_files_is_said(tmp_path: Path) -> None:
    outcome = bandit.run(context(tmp_path, {"tests/test_a.py": RISKY}, settings=SETTINGS))
    assert (outcome.status, outcome.reason) == (Status.SKIPPED, "no package files")

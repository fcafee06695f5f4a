"""A check of a whole project that checked no file at all (an empty project, a wrong path in
CI) is never a pass: every format says incomplete, and the exit status is 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_project

from metstandards.cli import main

PARTS = ("--only", "lint", "--only", "complexity")


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    return write_project(tmp_path / "empty", {})


def check(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--no-progress", *PARTS, *args, str(root)])
    return result.exit_code, result.stdout


def test_an_empty_project_is_incomplete_in_every_format(empty: Path) -> None:
    status, text = check(empty)
    assert status == 3
    assert "lint        skipped: no Python files" in text
    assert text.rstrip().endswith("nothing was checked (no file to check in the project: a "
                                  "wrong path, or an empty project); not a pass.")  # fmt: skip
    assert "Passed" not in text
    status, document = check(empty, "-f", "json")
    assert (status, json.loads(document)["status"]) == (3, "incomplete")
    status, markdown = check(empty, "-f", "markdown")
    assert (status, "**Result: incomplete**" in markdown) == (3, True)


def test_one_file_checked_is_a_pass(empty: Path) -> None:
    (empty / "pkg").mkdir()
    (empty / "pkg" / "__init__.py").write_text("def double(x):\n    return 2 * x\n")
    status, text = check(empty)
    assert (status, text.rstrip().splitlines()[-1]) == (0, "Passed.")

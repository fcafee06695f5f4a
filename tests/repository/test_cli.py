"""`metstandards explain` and `metstandards rules` show the repository checks."""

from __future__ import annotations

import json

from click.testing import CliRunner

from metstandards.cli import main


def test_explain_prints_a_repository_checks_docs() -> None:
    result = CliRunner().invoke(main, ["explain", "ms607"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# MS607 container-scanned (repository check, ci)\n\n")
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in result.output


def test_explain_suggests_a_repository_check() -> None:
    result = CliRunner().invoke(main, ["explain", "MS6O7"])
    assert result.exit_code == 2
    assert "(did you mean MS607?)" in result.output


def test_rules_lists_the_repository_checks() -> None:
    lines = CliRunner().invoke(main, ["rules"]).output.splitlines()
    (ms609,) = [line for line in lines if line.startswith("MS609")]
    assert ms609.split()[1:4] == ["data-not-in-git", "error", "repository"]
    rows = json.loads(CliRunner().invoke(main, ["rules", "--format", "json"]).output)
    repository = [row for row in rows if row["scope"] == "repository"]
    assert [row["code"] for row in repository] == [f"MS6{n:02d}" for n in range(1, 14)]
    assert repository[0]["summary"] == (
        "The pre-commit configuration runs the metstandards hooks, from a fixed release."
    )

"""The bundled example project reports exactly the violations its files mark with
`# violation: CODE ...`: `metstandards lint` the MS rules, `metstandards check` (the README's
first command) the gates and the wrapped tools as well."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).parent.parent / "examples" / "nowcast-unet"
_MARK = re.compile(r"#\s*violation:((?:\s+(?:MS\d{3}|[a-z-]+:[\w-]+))+)")
_LINT_CODE = re.compile(r"^MS[0-4]\d\d$")


def _marked() -> set[tuple[str, int, str]]:
    marked = set()
    for path in sorted([*EXAMPLE.rglob("*.py"), EXAMPLE / "pyproject.toml"]):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for codes in _MARK.findall(line):
                for code in codes.split():
                    marked.add((path.relative_to(EXAMPLE).as_posix(), number, code))
    return marked


def _report(*command: str) -> dict[str, Any]:
    """The JSON report of ``metstandards COMMAND ... EXAMPLE``, which must exit 1 (findings)."""
    completed = subprocess.run(
        [sys.executable, "-m", "metstandards", *command, "--no-cache", "-f", "json", str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    report: dict[str, Any] = json.loads(completed.stdout)
    return report


@pytest.mark.slow
def test_example_findings_are_exactly_the_marked_violations() -> None:
    report = _report("lint")
    found = {(f["path"], f["line"], f["code"]) for f in report["findings"]}
    assert found == {mark for mark in _marked() if _LINT_CODE.match(mark[2])}
    codes = {code for _, _, code in found}
    assert {"MS101", "MS102", "MS103", "MS201", "MS202", "MS203"} <= codes
    assert {"MS301", "MS401", "MS402"} <= codes


@pytest.mark.slow
def test_check_reports_every_part_and_the_tool_statuses() -> None:
    """The README's first command, with JSON output: lint rules, MS501, MS502, ruff, mypy and
    bandit report their marked violations; pip-audit either ran or says why it did not."""
    report = _report("check", "--no-progress", "--tag", "v0.4.0")
    found = {(f["path"], f["line"], f["code"]) for f in report["findings"]}
    marked = _marked()
    # mypy's other findings depend on which of the example's dependencies are installed, and
    # pip-audit's on the vulnerability database of the day.
    variable = ("mypy:", "pip-audit:")
    exact = {mark for mark in marked if not mark[2].startswith(variable)}
    assert {f for f in found if not f[2].startswith(variable)} == exact
    assert {mark for mark in marked if mark[2].startswith("mypy:")} <= found
    statuses = {c["check"]: c["status"] for c in report["checks"]}
    assert statuses == {
        "lint": "findings",
        "complexity": "findings",
        "version-tag": "findings",
        "ruff": "findings",
        "mypy": "findings",
        "bandit": "findings",
        "pip-audit": statuses["pip-audit"],
        # The example sits inside this repository, not at the top of its own.
        "repository": "skipped",
    }
    pip_audit = next(c for c in report["checks"] if c["check"] == "pip-audit")
    assert pip_audit["status"] in ("passed", "findings", "not-run")
    if pip_audit["status"] == "not-run":
        assert pip_audit["reason"]

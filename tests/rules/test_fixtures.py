"""Realistic fixture files per rule, with the expected findings written inline.

``tests/fixtures/rules/<CODE>/<case>.py`` is checked as package code at ``pkg/<case>.py``;
``tests/fixtures/rules/<CODE>/<case>/`` is a whole project tree (for project-level rules, or to
place a file under ``tests/``). A line ending in ``# expect: MS101`` (several codes separated by
commas) must get a finding of that code starting on that line, and every finding of the
directory's code must be expected somewhere: the set of (path, line) pairs must match exactly.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rules"
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")


def _cases() -> list[object]:
    cases = []
    for code_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for case in sorted(code_dir.iterdir()):
            if case.suffix == ".py" or case.is_dir():
                cases.append(pytest.param(code_dir.name, case, id=f"{code_dir.name}-{case.stem}"))
    return cases


def _project_files(case: Path) -> dict[str, str]:
    if case.is_file():
        return {f"pkg/{case.name}": case.read_text(encoding="utf-8")}
    return {
        path.relative_to(case).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(case.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _expected(files: dict[str, str], code: str) -> set[tuple[str, int]]:
    expected = set()
    for relpath, text in files.items():
        for number, line in enumerate(text.splitlines(), start=1):
            match = _EXPECT.search(line)
            if match and code in {c.strip() for c in match.group(1).split(",")}:
                expected.add((relpath, number))
    return expected


@pytest.mark.parametrize(("code", "case"), _cases())
def test_fixture_findings_match_expectations(code: str, case: Path, lint_project) -> None:
    files = _project_files(case)
    result = lint_project(files)
    found = {(f.path, f.line) for f in result.findings if f.code == code}
    expected = _expected(files, code)
    assert found == expected, (
        f"missing: {sorted(expected - found)}\nunexpected: {sorted(found - expected)}\n"
        + "\n".join(f"{f.path}:{f.line}: {f.message}" for f in result.findings if f.code == code)
    )

"""The real mypy on fixture projects, and the text format its output is read in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from metstandards.check.outcome import Status
from metstandards.findings import Finding, Severity
from metstandards.tools import mypy
from metstandards.tools.process import NotRun

from ._project import context


@pytest.fixture(scope="module", autouse=True)
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One mypy cache for the module: a cold standard library costs seconds per project."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MYPY_CACHE_DIR", str(tmp_path_factory.mktemp("mypy-cache")))
        yield


STRICT = {"strict": True, "flags": [], "severity": "error"}
WRONG_ARGUMENT = 'def f(x: int) -> int:\n    return x\n\n\nf("a")\n'


def test_strict_mypy_finds_an_argument_of_the_wrong_type(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/mod.py": WRONG_ARGUMENT, "tests/test_mod.py": "x = f(1)\n"}
    outcome = mypy.run(context(tmp_path, files, settings=STRICT))
    assert outcome.status is Status.FINDINGS
    assert outcome.findings == (
        Finding(
            "pkg/mod.py",
            5,
            3,
            5,
            6,
            "mypy:arg-type",
            "arg-type",
            Severity.ERROR,
            'Argument 1 to "f" has incompatible type "str"; expected "int"',
        ),
    )


def test_strictness_and_severity_come_from_the_settings(tmp_path: Path) -> None:
    files = {"pkg/mod.py": "def f(x):\n    return x\n"}
    lenient = mypy.run(context(tmp_path, files, settings={"strict": False}))
    strict = mypy.run(context(tmp_path, files, settings={"strict": True, "severity": "warning"}))
    assert lenient.status is Status.PASSED
    assert [(f.code, f.severity) for f in strict.findings] == [
        ("mypy:no-untyped-def", Severity.WARNING)
    ]


def test_clean_code_passes(tmp_path: Path) -> None:
    files = {"pkg/mod.py": "def f(x: int) -> int:\n    return x\n"}
    outcome = mypy.run(context(tmp_path, files, settings=STRICT))
    assert (outcome.status, outcome.reason) == (Status.PASSED, "")


def test_hints_join_their_error_and_flags_are_passed(tmp_path: Path) -> None:
    files = {"pkg/mod.py": "import not_a_module_anywhere\n"}
    found = mypy.run(context(tmp_path, files, settings=STRICT))
    quiet = mypy.run(
        context(tmp_path, files, settings={**STRICT, "flags": ["--ignore-missing-imports"]})
    )
    (finding,) = found.findings
    assert finding.code == "mypy:import-not-found"
    assert "(See https://mypy.readthedocs.io/" in finding.message
    assert quiet.status is Status.PASSED


def test_mypys_own_warnings_go_in_the_note(tmp_path: Path) -> None:
    settings = {"strict": False, "flags": ["--strict-concatenate"]}
    outcome = mypy.run(context(tmp_path, {"pkg/mod.py": "x: int = 1\n"}, settings=settings))
    assert outcome.status is Status.PASSED
    assert (
        outcome.reason == "Warning: --strict-concatenate is deprecated; use --extra-checks instead"
    )


def test_two_modules_with_one_name_are_not_run_with_mypys_words(tmp_path: Path) -> None:
    files = {"scripts/util.py": "", "tools/util.py": ""}
    outcome = mypy.run(context(tmp_path, files, settings=STRICT))
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason.startswith("mypy failed (exit code 2): ")
    assert 'Duplicate module named "util"' in outcome.reason


def test_no_package_files_is_said(tmp_path: Path) -> None:
    outcome = mypy.run(context(tmp_path, {"tests/test_a.py": "x = 1\n"}, settings=STRICT))
    assert (outcome.status, outcome.reason) == (Status.PASSED, "no package files")


def test_every_location_form_mypy_writes_is_read(tmp_path: Path) -> None:
    text = (
        "pkg/a.py:3:5:3:9: error: Bad thing  [misc]\n"
        "pkg/a.py:3:5:3:9: note: A hint\n"
        "pkg/a.py:3:5:3:9: note: Another hint\n"
        'pkg/a.py:8: note: Revealed type is "int"\n'
        "C:\\repo\\b.py:2:1: error: Windows path, no end  [name-defined]\n"
        "pkg/c.py: error: No line at all  [syntax]\n"
    )
    found, warnings = mypy.parse(tmp_path, text, Severity.ERROR)
    assert warnings == []
    assert [(f.path, f.line, f.column, f.end_line, f.end_column, f.message) for f in found] == [
        ("pkg/a.py", 3, 5, 3, 10, "Bad thing (A hint; Another hint)"),
        ("C:\\repo\\b.py", 2, 1, 2, 1, "Windows path, no end"),
        ("pkg/c.py", 1, 1, 1, 1, "No line at all"),
    ]


def test_a_line_that_cannot_be_read_stops_the_check(tmp_path: Path) -> None:
    with pytest.raises(NotRun, match="could not be read: Found 3 errors"):
        mypy.parse(tmp_path, "pkg/a.py:1:1:1:2: error: x  [misc]\nFound 3 errors\n", Severity.ERROR)

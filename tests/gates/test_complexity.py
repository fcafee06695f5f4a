"""MS501: real radon on real files; what each limit reports, and what a baseline lets through."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

import pytest
from conftest import write_project
from radon.metrics import mi_rank, mi_visit  # type: ignore[import-untyped]

from metstandards.config import load_profile
from metstandards.findings import Severity
from metstandards.gates.complexity import (
    MODULE_AVERAGE,
    MODULE_MAINTAINABILITY,
    check_complexity,
    snapshot,
)
from metstandards.results import CheckContext, Outcome, Status

#: Limits that only the block under test can break.
BLOCKS_ONLY = {"max-modules": "F", "max-average": "F"}


def branches(name: str, complexity: int, indent: str = "") -> str:
    """A function of exactly ``complexity``: one, plus one per ``if``."""
    body = "".join(
        f"{indent}    if x == {i}:\n{indent}        x += {i}\n" for i in range(complexity - 1)
    )
    return f"{indent}def {name}(x):\n{body}{indent}    return x\n"


#: The profile's limits, which every run starts from (the settings loader fills them in).
PROFILE = load_profile("wg3", "complexity")


def context(root: Path, files: Mapping[str, str | bytes], **settings: object) -> CheckContext:
    """Write ``files`` under ``root``; those under ``tests/`` are test code, not package code."""
    write_project(root, files)
    everything = tuple(sorted(files))
    package = tuple(p for p in everything if not p.startswith("tests/"))
    return CheckContext(root, everything, package, {**PROFILE, **settings})


def messages(outcome: Outcome) -> list[str]:
    return [f"{f.path}:{f.line} {f.message}" for f in outcome.findings]


def test_a_simple_function_passes(tmp_path: Path) -> None:
    outcome = check_complexity(context(tmp_path, {"pkg/a.py": branches("load", 3)}))
    assert outcome.status is Status.PASSED
    assert outcome.check == "complexity"
    assert outcome.reason == "1 block in 1 file"


def test_a_function_ranked_worse_than_c_is_an_error_at_the_function(tmp_path: Path) -> None:
    source = "import numpy\n\n" + branches("train", 23)
    outcome = check_complexity(context(tmp_path, {"pkg/train.py": source}, **BLOCKS_ONLY))
    assert outcome.status is Status.FINDINGS
    [finding] = outcome.findings
    assert (finding.code, finding.name, finding.severity) == ("MS501", "complexity", Severity.ERROR)
    assert (finding.path, finding.line, finding.column) == ("pkg/train.py", 3, 1)
    assert finding.end_line == source.count("\n")
    assert finding.message == (
        "function `train` has cyclomatic complexity 23 (rank D); "
        "the limit is C: split it into smaller functions"
    )


def test_a_class_with_a_complex_method_reports_the_method_and_the_class(tmp_path: Path) -> None:
    source = "class Trainer:\n" + branches("fit", 25, "    ") + branches("stop", 1, "    ")
    outcome = check_complexity(context(tmp_path, {"pkg/fit.py": source}, **BLOCKS_ONLY))
    found = {(f.line, f.column, f.message.split(" has ")[0]) for f in outcome.findings}
    # radon ranks a class by its methods' average plus one: (25 + 1) / 2 + 1 = 14, rank C.
    assert found == {(2, 5, "method `Trainer.fit`")}
    outcome = check_complexity(
        context(tmp_path, {"pkg/fit.py": source}, **BLOCKS_ONLY, **{"max-absolute": "B"})
    )
    found = {(f.line, f.column, f.message.split(" has ")[0]) for f in outcome.findings}
    assert found == {(2, 5, "method `Trainer.fit`"), (1, 1, "class `Trainer`")}


def test_a_complex_closure_is_measured_on_its_own(tmp_path: Path) -> None:
    source = "def outer(x):\n" + branches("inner", 22, "    ") + "    return inner(x)\n"
    outcome = check_complexity(context(tmp_path, {"pkg/nest.py": source}, **BLOCKS_ONLY))
    assert [(f.line, f.column) for f in outcome.findings] == [(2, 5)]
    assert outcome.findings[0].message.startswith(
        "function `outer.inner` has cyclomatic complexity 22 (rank D)"
    )


@pytest.mark.parametrize(
    ("complexity", "limit", "reported"),
    [(8, "C", False), (8, "A", True), (23, "D", False), (23, "C", True), (45, "E", True)],
)
def test_max_absolute_from_settings_moves_the_limit(
    tmp_path: Path, complexity: int, limit: str, reported: bool
) -> None:
    ctx = context(
        tmp_path, {"pkg/a.py": branches("f", complexity)}, **BLOCKS_ONLY, **{"max-absolute": limit}
    )
    assert bool(check_complexity(ctx).findings) is reported


def test_max_modules_reports_a_module_whose_average_ranks_worse(tmp_path: Path) -> None:
    files = {"pkg/a.py": branches("f", 8) + branches("g", 6), "pkg/b.py": branches("h", 2)}
    settings = {"max-average": "F"}
    assert check_complexity(context(tmp_path, files, **settings)).status is Status.PASSED
    outcome = check_complexity(context(tmp_path, files, **settings, **{"max-modules": "A"}))
    assert messages(outcome) == [
        "pkg/a.py:1 the module's average cyclomatic complexity is 7.0 over 2 blocks (rank B); "
        "the limit is A: split its most complex blocks"
    ]


def test_max_average_reports_once_at_the_module_with_the_largest_total(tmp_path: Path) -> None:
    files = {"pkg/a.py": branches("f", 6), "pkg/b.py": branches("g", 8)}
    outcome = check_complexity(context(tmp_path, files))
    assert messages(outcome) == [
        "pkg/b.py:1 the project's average cyclomatic complexity is 7.0 over 2 blocks (rank B); "
        "the limit is A: simplify the most complex blocks, starting in this module (total 8)"
    ]
    assert check_complexity(context(tmp_path, files, **{"max-average": "B"})).findings == ()


def test_a_long_dense_module_gets_a_maintainability_warning(tmp_path: Path) -> None:
    source = "".join(
        f"v{i} = a{i} * b{i} + c{i} - d{i} / (e{i} ** f{i}) % g{i}\n" for i in range(450)
    )
    assert mi_rank(mi_visit(source, True)) == "C"  # the fixture is what the test is about
    outcome = check_complexity(context(tmp_path, {"pkg/dense.py": source}))
    [finding] = outcome.findings
    assert (finding.path, finding.line, finding.severity) == ("pkg/dense.py", 1, Severity.WARNING)
    assert finding.message.startswith("the module's maintainability index is ")
    assert "(rank C); the minimum is B" in finding.message
    ctx = context(tmp_path, {"pkg/dense.py": source}, **{"min-maintainability": "C"})
    assert check_complexity(ctx).status is Status.PASSED


def test_test_code_is_measured_only_with_include_tests(tmp_path: Path) -> None:
    files = {"pkg/a.py": branches("f", 2), "tests/test_a.py": branches("test_f", 30)}
    left_out = check_complexity(context(tmp_path, files, **BLOCKS_ONLY))
    assert (left_out.status, left_out.reason) == (Status.PASSED, "1 block in 1 file")
    included = check_complexity(context(tmp_path, files, **BLOCKS_ONLY, **{"include-tests": True}))
    assert [(f.path, f.line) for f in included.findings] == [("tests/test_a.py", 1)]
    assert included.reason == "2 blocks in 2 files"


def test_files_that_cannot_be_measured_are_named_and_the_gate_is_not_a_pass(
    tmp_path: Path,
) -> None:
    files: dict[str, str | bytes] = {
        "pkg/good.py": branches("f", 2),
        "pkg/bad.py": "def train(:\n    pass\n",
        "pkg/nul.py": b"x = 1\x00\n",
        "pkg/latin.py": b"name = 'M\xe9t\xe9o'\n",  # latin-1 without a coding line
        "pkg/deep.py": "total = " + "a + " * 1000 + "a\n",
    }
    outcome = check_complexity(context(tmp_path, files))
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason == (
        "1 block in 1 file; 1 file not measured (nested too deeply): pkg/deep.py; "
        "1 file not measured (not in its declared encoding (or UTF-8)): pkg/latin.py; "
        "2 files not measured (syntax error): pkg/bad.py, pkg/nul.py"
    )
    assert set(snapshot(context(tmp_path, files))) == {"", "pkg/good.py"}


def test_a_file_radon_cannot_index_still_has_its_blocks_checked(tmp_path: Path) -> None:
    # Valid Python that radon's line-by-line tokenizer rejects: U+2028 inside a string.
    source = 'SEPARATOR = "\u2028"\n\n' + branches("train", 23)
    ctx = context(tmp_path, {"pkg/text.py": source}, **BLOCKS_ONLY)
    outcome = check_complexity(ctx)
    assert [f.line for f in outcome.findings] == [3]
    assert outcome.reason == (
        "1 block in 1 file; 1 file without a maintainability index "
        "(radon's raw metrics failed, or a statement over 200 lines): pkg/text.py"
    )
    assert snapshot(ctx)["pkg/text.py"] == {"function train": 23, MODULE_AVERAGE: 23}


def test_snapshot_keys_survive_lines_inserted_above(tmp_path: Path) -> None:
    source = (
        "class Trainer:\n"
        "    @property\n    def rate(self):\n        return self._rate\n"
        "    @rate.setter\n    def rate(self, value):\n        self._rate = value\n"
        + branches("fit", 4, "    ")
        + "def outer(x):\n"
        + branches("inner", 3, "    ")
        + "    return inner(x)\n"
    )
    before = snapshot(context(tmp_path, {"pkg/t.py": source}))
    after = snapshot(context(tmp_path, {"pkg/t.py": "import os\n\n\n# moved down\n" + source}))
    assert before["pkg/t.py"] == {
        "class Trainer": 3,  # radon: the methods' average plus one
        "method Trainer.rate": 1,
        "method Trainer.rate #2": 1,
        "method Trainer.fit": 4,
        "function outer": 1,
        "function outer.inner": 3,
        MODULE_AVERAGE: 3,  # 13 / 6, rounded up
        MODULE_MAINTAINABILITY: before["pkg/t.py"][MODULE_MAINTAINABILITY],
    }
    unstable = {MODULE_MAINTAINABILITY}  # comments and lines count in the index
    assert {k: v for k, v in after["pkg/t.py"].items() if k not in unstable} == {
        k: v for k, v in before["pkg/t.py"].items() if k not in unstable
    }
    assert before[""] == after[""] == {"average": 3}


def test_baseline_reports_only_new_and_worse_blocks(tmp_path: Path) -> None:
    legacy = branches("kept", 23) + branches("improved", 25) + branches("worse", 23)
    baseline = snapshot(context(tmp_path, {"pkg/legacy.py": legacy}, **BLOCKS_ONLY))
    today = branches("kept", 23) + branches("improved", 21) + branches("worse", 26)
    today += branches("fresh", 22)
    ctx = context(tmp_path, {"pkg/legacy.py": today, "pkg/new.py": branches("also", 24)})
    outcome = check_complexity(
        CheckContext(ctx.root, ctx.python_files, ctx.package_files, {**PROFILE, **BLOCKS_ONLY}),
        baseline,
    )
    assert [f.message.split(";")[0] for f in outcome.findings] == [
        "function `worse` has cyclomatic complexity 26 (rank D",
        "function `fresh` has cyclomatic complexity 22 (rank D)",
        "function `also` has cyclomatic complexity 24 (rank D)",
    ]
    assert "the baseline recorded 23); the limit is C" in outcome.findings[0].message
    assert outcome.reason == "5 blocks in 2 files; 2 findings left out as known to the baseline"


def test_an_unchanged_legacy_project_passes_against_its_baseline(tmp_path: Path) -> None:
    ctx = context(tmp_path, {"pkg/a.py": branches("train", 30) + branches("fit", 12)})
    assert len(check_complexity(ctx).findings) == 3  # block, module and project averages
    outcome = check_complexity(ctx, snapshot(ctx))
    assert outcome.status is Status.PASSED
    assert outcome.reason.endswith("; 3 findings left out as known to the baseline")


def test_baseline_reports_module_and_project_averages_only_when_worse(tmp_path: Path) -> None:
    settings = {"max-modules": "A"}
    files = {"pkg/a.py": branches("f", 8) + branches("g", 8)}
    baseline = snapshot(context(tmp_path, files, **settings))
    assert baseline["pkg/a.py"][MODULE_AVERAGE] == 8
    same_rank = {"pkg/a.py": branches("f", 7) + branches("g", 8)}
    assert check_complexity(context(tmp_path, same_rank, **settings), baseline).findings == ()
    worse = {"pkg/a.py": branches("f", 9) + branches("g", 10)}
    outcome = check_complexity(context(tmp_path, worse, **settings), baseline)
    assert messages(outcome) == [
        "pkg/a.py:1 the module's average cyclomatic complexity is 9.5 over 2 blocks "
        "(rank B; the baseline recorded 8); the limit is A: split its most complex blocks",
        "pkg/a.py:1 the project's average cyclomatic complexity is 9.5 over 2 blocks "
        "(rank B; the baseline recorded 8); the limit is A: simplify the most complex blocks, "
        "starting in this module (total 19)",
    ]


def test_a_huge_literal_table_gets_no_maintainability_index_instead_of_a_stall(
    tmp_path: Path,
) -> None:
    rows = "".join(f'    "station{i}": ({i}.0, {i}.5),\n' for i in range(1500))
    ctx = context(tmp_path, {"pkg/stations.py": f"STATIONS = {{\n{rows}}}\n"})
    started = time.perf_counter()
    outcome = check_complexity(ctx)
    assert time.perf_counter() - started < 5  # radon's raw metrics alone take minutes here
    assert "without a maintainability index" in outcome.reason
    assert "pkg/stations.py" in outcome.reason


def test_nothing_to_measure_is_skipped_not_passed(tmp_path: Path) -> None:
    outcome = check_complexity(context(tmp_path, {"tests/test_a.py": branches("f", 2)}))
    assert (outcome.status, outcome.reason) == (Status.SKIPPED, "no package files to measure")


def test_a_file_in_its_declared_encoding_is_measured(tmp_path: Path) -> None:
    # A valid latin-1 module with a PEP 263 coding line: Python reads it, so radon must too.
    body = branches("qc", 22).replace("return x", "return 'M\xe9t\xe9o'")
    source = ("# -*- coding: latin-1 -*-\n" + body).encode("latin-1")
    outcome = check_complexity(context(tmp_path, {"pkg/latin.py": source}, **BLOCKS_ONLY))
    assert outcome.status is Status.FINDINGS
    assert [f.message.split(" (")[0] for f in outcome.findings] == [
        "function `qc` has cyclomatic complexity 22"
    ]

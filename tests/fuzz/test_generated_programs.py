"""Fuzzing: programs that hypothesmith generates from Python's grammar and from libcst's node
types go through the whole lint pipeline (see ``_pipeline.py`` for what must hold), and a few
whole projects of them through the ``metstandards`` command, which must never print a traceback.

A normal test run tries a few hundred programs, the same ones each time (derandomized: a run
that fails fails again). ``METSTANDARDS_FUZZ_EXAMPLES=5000 python -m pytest tests/fuzz`` tries
that many new ones (random, so each manual run explores further; about 40 s per thousand on two
cores). A program that fails is printed by Hypothesis; keep it in ``crashes/`` (see
``test_crashes.py``) once its cause is fixed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metstandards.registry import Registry

from ._pipeline import PROGRAM, FuzzProject, encoded, make_project

pytestmark = [
    # Seconds of generated programs, and the command in subprocesses: not for the fast loop.
    pytest.mark.slow,
    # hypothesmith compiles what it generates, and Python warns about code like `1()`: not ours.
    pytest.mark.filterwarnings("ignore::SyntaxWarning:<string>"),
]
#: Programs from Python's grammar (made once: each call builds a parser of the grammar).
GRAMMAR = hypothesmith.from_grammar()
#: Programs from the grammar per run; 0 (unset) is the normal run's few hundred, the same each time.
EXAMPLES = int(os.environ.get("METSTANDARDS_FUZZ_EXAMPLES", "0"))


def _settings(normal: int, share: float) -> settings:
    """``normal`` examples in a normal run; in the manual mode ``share`` of the number asked for."""
    return settings(
        max_examples=max(1, int(EXAMPLES * share)) if EXAMPLES else normal,
        derandomize=not EXAMPLES,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> FuzzProject:
    return FuzzProject(tmp_path_factory.mktemp("fuzz"), registry)


@_settings(normal=250, share=1.0)
@given(program=GRAMMAR)
def test_programs_from_the_grammar(fuzz_project: FuzzProject, program: str) -> None:
    fuzz_project.check(encoded(program))


# What edited programs get: line breaks of every kind, a form feed, a NUL byte, a BOM, an
# encoding cookie, undecodable bytes, unbalanced brackets and quotes, a line continuation, and
# suppression comments (well-formed, unknown, unclosed) and statements that rules report.
EDITS = (
    *(b"\r", b"\r\n", b"\n", b"\x0c", b"\t", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe"),
    *(b"# -*- coding: latin-1 -*-\n", b"\xe9", b"(", b")]", b"'''", b'"', b"\\\n", b"\\"),
    *(b"  # metstandards: ignore[MS202]", b"  # noqa: MS401, XX1", b"  # metstandards: ignore["),
    *(b"# metstandards: ignore-file[MS101]\n", b"import pickle\npickle.load(f)\n"),
    *(b"torch.load(path)", b"np.random.default_rng()", b"print(api_token)\n", b"lr=1e-3"),
)


@st.composite
def edited_programs(draw: st.DrawFn) -> bytes:
    """A program from the grammar with one to three of ``EDITS`` inserted anywhere."""
    program = encoded(draw(GRAMMAR))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        at = draw(st.integers(min_value=0, max_value=len(program)))
        program = program[:at] + draw(st.sampled_from(EDITS)) + program[at:]
    return program


@_settings(normal=150, share=0.5)
@given(program=edited_programs())
def test_edited_programs(fuzz_project: FuzzProject, program: bytes) -> None:
    fuzz_project.check(program)


@_settings(normal=25, share=0.1)
@given(program=hypothesmith.from_node())
def test_programs_from_libcst_nodes(fuzz_project: FuzzProject, program: str) -> None:
    fuzz_project.check(encoded(program))


@_settings(normal=1, share=0.01)
@given(
    programs=st.lists(st.one_of(GRAMMAR.map(encoded), edited_programs()), min_size=24, max_size=30)
)
def test_the_command_never_prints_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, programs: list[bytes]
) -> None:
    """Whole projects of programs through ``metstandards lint`` (with more than 23 files, the
    worker pool): exit 0 or 1 and no traceback in every format, a JSON report that cached runs
    repeat, SARIF that is JSON and JUnit that is XML."""
    root = make_project(tmp_path_factory.mktemp("command"))
    for index, program in enumerate(programs):
        (root / PROGRAM.replace("program", f"program_{index}")).write_bytes(program)
    reports = [json.loads(_lint_command(root, "json", cached)) for cached in (False, True, True)]
    assert reports[0]["findings"] == reports[1]["findings"] == reports[2]["findings"]
    json.loads(_lint_command(root, "sarif", cached=True))
    ElementTree.fromstring(_lint_command(root, "junit", cached=True))
    for output_format in ("text", "github", "markdown"):
        _lint_command(root, output_format, cached=True)


def _lint_command(root: Path, output_format: str, cached: bool) -> str:
    """``metstandards lint`` in ``root``: its report, after checking how it ended."""
    command = [sys.executable, "-m", "metstandards", "lint", "-f", output_format]
    done = subprocess.run(
        [*command, *([] if cached else ["--no-cache"])],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout

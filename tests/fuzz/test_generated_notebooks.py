"""Fuzzing notebooks: JSON documents of every shape, bytes, and near-notebooks that break one
part of the format at a time (cells of unknown types, sources that are programs from Python's
grammar, magics or JSON, versions that do not exist). Whatever a file
named ``.ipynb`` holds, reading it gives a result (findings, or MS000 with the reason), never an
exception."""

from __future__ import annotations

import json
from typing import Any

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metstandards.engine import notebook
from metstandards.engine.analyze import FileResult
from metstandards.registry import Registry
from metstandards.rule import Role

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::SyntaxWarning:<string>"),
]
SETTINGS = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
CELL_TYPES = st.sampled_from(["code", "markdown", "raw", "unknown", 3, None])
SOURCES = st.one_of(
    hypothesmith.from_grammar(),
    st.lists(st.text(max_size=40), max_size=4),
    st.sampled_from(["%%bash\nls\n", "!pip install x\nx = 1", "a = !ls\nb?\n%time f()"]),
    JSON,
)


@st.composite
def near_notebooks(draw: st.DrawFn) -> dict[str, Any]:
    """A format-4 notebook whose cells, metadata or version may each be wrong."""
    cells = [
        {
            "cell_type": draw(CELL_TYPES),
            "id": f"c{number}",
            "metadata": draw(st.one_of(st.just({}), JSON)),
            "source": draw(SOURCES),
            "outputs": draw(st.one_of(st.just([]), JSON)),
            "execution_count": None,
        }
        for number in range(draw(st.integers(min_value=0, max_value=4)))
    ]
    return {
        "nbformat": draw(st.sampled_from([4, 4, 4, 3, 5, "4", None])),
        "nbformat_minor": draw(st.sampled_from([0, 4, 5, -1])),
        "metadata": draw(st.one_of(st.just({}), JSON)),
        "cells": draw(st.one_of(st.just(cells), JSON)),
    }


def _analyze(data: bytes, registry: Registry) -> FileResult:
    rules = [rule for rule in registry.rules.values() if rule.notebooks]
    return notebook.analyze_notebook(
        "notebooks/generated.ipynb", Role.OTHER, "", data, rules, registry.prefixes,
        max_code_bytes=2048 * 1024,
    )  # fmt: skip


@SETTINGS
@given(document=st.one_of(JSON, near_notebooks()))
def test_any_json_reads_as_findings_or_a_reason(registry: Registry, document: object) -> None:
    result = _analyze(json.dumps(document).encode(), registry)
    for finding in result.findings:
        assert finding.path == "notebooks/generated.ipynb"
        if finding.code == "MS000":
            assert finding.message.startswith("file not checked: ")


@SETTINGS
@given(data=st.binary(max_size=200))
def test_any_bytes_read_as_findings_or_a_reason(registry: Registry, data: bytes) -> None:
    result = _analyze(data, registry)
    assert all(f.path == "notebooks/generated.ipynb" for f in result.findings)

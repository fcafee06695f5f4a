"""The fence around libcst's internals: the walk's field-order table and the positions' private
``CodegenState`` are checked against libcst on first use, and where they no longer hold the engine
uses libcst's own visitor and ``PositionProvider``, with the same results."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import version

import libcst as cst
import pytest

from metstandards.engine import position_codegen, walk
from metstandards.engine.imports import ImportTable

from .test_fast_paths import SEMANTIC, SOURCES

Walker = Callable[..., None]
Ranges = dict[int, tuple[int, int, int, int]]
Listed = list[list[int]]


def test_the_shortcuts_hold_for_the_installed_libcst() -> None:
    """Fails on the day a libcst release breaks a shortcut: the engine still gives the right
    answers (through the fallbacks), only slower, until the shortcut is updated. The tests below
    that compare the fast paths themselves with libcst then say what changed."""
    installed = version("libcst")
    assert walk.chosen() is walk._fast_walk, f"libcst {installed}: walk._SOURCE_ORDER is stale"
    ranges = position_codegen.chosen()
    assert ranges is position_codegen._fast_ranges, f"libcst {installed}: ranges not its own"


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_the_fast_ranges_are_libcsts(name: str) -> None:
    """The differential test of the fast path itself: test_fast_paths.py compares whichever
    ``node_ranges`` the fence chose, which is libcst's own where the fence failed."""
    module = cst.parse_module(SOURCES[name])
    assert position_codegen._fast_ranges(module) == position_codegen.libcst_ranges(module)


def test_the_probe_uses_every_node_type_of_the_order_table() -> None:
    probe = cst.parse_module(walk.PROBE)
    seen: set[str] = set()

    class Types(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            seen.add(type(node).__name__)
            return True

    probe.visit(Types())
    assert set(walk._SOURCE_ORDER) <= seen


@pytest.fixture
def fresh_walk_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Empty the walk's per-type memo, so that a changed order table is read again (restored
    after the test)."""
    monkeypatch.setattr(walk, "_FIELDS", {})
    monkeypatch.setattr(walk, "_KINDS", {tuple: walk._SEQUENCE, list: walk._SEQUENCE})


@pytest.mark.parametrize("node_type", sorted(walk._SOURCE_ORDER))
@pytest.mark.usefixtures("fresh_walk_tables")
def test_the_walk_fence_notices_a_wrong_order_table(
    node_type: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each entry of the table is needed, and the probe shows it: without the entry the walk
    visits that node type's fields in declaration order, which is not libcst's."""
    table = {name: order for name, order in walk._SOURCE_ORDER.items() if name != node_type}
    monkeypatch.setattr(walk, "_SOURCE_ORDER", table)
    assert not walk._fast_walk_holds()


def _visits(walker: Walker, source: str) -> list[tuple[str, str, list[str]]]:
    """What rules see through ``walker``: each semantic node entered and left, in order, with
    the scope stack and the resolution of calls."""
    module = cst.parse_module(source)
    scopes: list[cst.CSTNode] = []
    imports = ImportTable()
    seen: list[tuple[str, str, list[str]]] = []

    def record(kind: str) -> walk.Handler:
        def handler(node: cst.CSTNode) -> None:
            resolved = imports.resolve(node.func) if isinstance(node, cst.Call) else None
            where = [type(scope).__name__ for scope in scopes]
            seen.append((kind, f"{type(node).__name__} {resolved}", where))

        return handler

    visitors = {node_type: [record("visit")] for node_type in SEMANTIC}
    leavers = {node_type: [record("leave")] for node_type in SEMANTIC}
    walker(module, visitors, leavers, imports, scopes)
    assert scopes == []
    return seen


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_the_visitor_walk_sees_what_the_fast_walk_sees(name: str) -> None:
    assert _visits(walk._visitor_walk, SOURCES[name]) == _visits(walk._fast_walk, SOURCES[name])


# A libcst release that visits a keyword argument's value before its keyword: the walk's table
# says otherwise, so the fence must choose libcst's visitor, whose order is then the truth.
REORDERED_LIBCST = """
import json, sys
import libcst as cst
from libcst._nodes.internal import visit_optional, visit_required

def value_first(self, visitor):
    value = visit_required(self, "value", self.value, visitor)
    keyword = visit_optional(self, "keyword", self.keyword, visitor)
    return self.with_changes(value=value, keyword=keyword)

cst.Arg._visit_and_replace_children = value_first

from metstandards.engine import walk
from metstandards.engine.imports import ImportTable

module = cst.parse_module("f(a=b, c=d(e=g))\\n")
names = []
walk.walk(module, {cst.Name: [lambda node: names.append(node.value)]}, {}, ImportTable(), [])
expected = []

class Names(cst.CSTVisitor):
    def visit_Name(self, node):
        expected.append(node.value)

module.visit(Names())
fast = walk.chosen() is walk._fast_walk
json.dump({"fast": fast, "walked": names, "libcst": expected}, sys.stdout)
"""


def _run(code: str, stdin: str = "") -> dict[str, object]:
    """Run ``code`` in a fresh interpreter (the fences decide at import) and read its JSON."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.slow
def test_a_libcst_that_reorders_fields_gets_the_visitor_walk() -> None:
    result = _run(REORDERED_LIBCST)
    assert result["fast"] is False
    assert result["walked"] == result["libcst"] == ["f", "b", "a", "d", "g", "e", "c"]


def test_the_position_fence_notices_wrong_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ranges that go wrong at line breaks (as they would if libcst changed how tokens reach
    the state) fail the fence."""
    monkeypatch.setattr(position_codegen, "_NEWLINE", re.compile("(?!)"))
    assert not position_codegen._fast_ranges_hold()


def _ranges_in_visit_order(source: str, ranges_of: Callable[[cst.Module], Ranges]) -> Listed:
    """Every node's range, in libcst's visit order: comparable across processes."""
    module = cst.parse_module(source)
    ranges = ranges_of(module)
    nodes: list[cst.CSTNode] = []

    class Nodes(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            nodes.append(node)
            return True

    module.visit(Nodes())
    return [list(ranges[id(node)]) for node in nodes]


# libcst without its private CodegenState: position_codegen must still import, and give
# libcst's own positions. The sources come on stdin.
WITHOUT_CODEGEN_STATE = """
import json, sys
import libcst as cst
sys.modules["libcst._nodes.internal"] = None  # `from libcst._nodes.internal import ...` fails

from metstandards.engine import position_codegen

def in_visit_order(source):
    module = cst.parse_module(source)
    ranges = position_codegen.node_ranges(module)
    nodes = []

    class Nodes(cst.CSTVisitor):
        def on_visit(self, node):
            nodes.append(node)
            return True

    module.visit(Nodes())
    return [ranges[id(node)] for node in nodes]

json.dump(
    {
        "fast": position_codegen.chosen() is position_codegen._fast_ranges,
        "fallback": position_codegen.chosen() is position_codegen.libcst_ranges,
        "ranges": {name: in_visit_order(source) for name, source in json.load(sys.stdin).items()},
    },
    sys.stdout,
)
"""


@pytest.mark.slow
def test_without_codegen_state_positions_come_from_libcst_and_are_the_same() -> None:
    result = _run(WITHOUT_CODEGEN_STATE, json.dumps(SOURCES))
    assert result["fast"] is False
    assert result["fallback"] is True
    fast = position_codegen._fast_ranges
    assert result["ranges"] == {
        name: _ranges_in_visit_order(source, fast) for name, source in SOURCES.items()
    }

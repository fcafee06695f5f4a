"""The engine's shortcuts give libcst's answers: the walk visits what libcst's visitor visits, in
the same order; positions are libcst's syntactic positions; rules load without loading libcst."""

from __future__ import annotations

import subprocess
import sys

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from metstandards.engine.imports import ImportTable
from metstandards.engine.position_codegen import node_ranges
from metstandards.engine.walk import walk

SOURCES = {
    "module": (
        "# header comment\n"
        "'''Docstring.'''\n"
        "from __future__ import annotations\n"
        "import numpy as np, torch.nn as nn\n"
        "from .sibling import (load as _load,)\n\n"
        "@decorator(arg=1)\n"
        "class Model(nn.Module, metaclass=Meta):\n"
        "    scale: float = 2.0\n\n"
        "    async def forward(self, x, *args, key=None, **kw) -> Tensor:\n"
        "        y = [v ** 2 for v in x if v] + list({k: v for k, v in kw.items()})\n"
        "        async with lock as held, other():\n"
        "            return (await f(x))[1:2, ::3] if y else lambda q=1: q\n\n"
        "def g():\n"
        "    try:\n"
        "        yield from np.random.rand(3)\n"
        "    except (ValueError, TypeError) as error:\n"
        "        raise RuntimeError(f'{error!r:>10} {x}') from None\n"
        "    finally:\n"
        "        del a[0], b.c\n"
        "    match command:\n"
        "        case [Point(x=0, y=0), *rest] | {'k': _, **others} if rest:\n"
        "            pass\n"
        "# footer comment\n"
    ),
    "windows newlines": "x = (\r\n    1,\r\n)\r\nprint(x)  # note\r\n",
    "old mac newlines": "x = 1\rif x:\r    y = 2\r",
    "no trailing newline": "def f():\n    return 1",
    "empty": "",
    "only comments": "# one\n\n# two\n",
    "tabs and unicode": 'if True:\n\tname = \'ßüé\' + """\nline"""\n\tprint(name, sep=\'\\t\')\n',
    "parentheses": "value = ((a.b)(c))[(d)]\nz = (yield)\n",
}

# Node types that carry meaning (not whitespace or punctuation); the walk must visit all of them.
SEMANTIC = (
    cst.Name,
    cst.Attribute,
    cst.Call,
    cst.Arg,
    cst.Subscript,
    cst.FunctionDef,
    cst.ClassDef,
    cst.Lambda,
    cst.Param,
    cst.Import,
    cst.ImportFrom,
    cst.ImportAlias,
    cst.SimpleString,
    cst.FormattedString,
    cst.Integer,
    cst.Float,
    cst.BinaryOperation,
    cst.Comparison,
    cst.IfExp,
    cst.ListComp,
    cst.DictComp,
    cst.Assign,
    cst.AnnAssign,
    cst.Return,
    cst.Raise,
    cst.Try,
    cst.With,
    cst.Match,
    cst.MatchClass,
    cst.Await,
    cst.Yield,
    cst.Del,
    cst.Decorator,
)


class _Recorder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, SEMANTIC):
            self.seen.append(("visit", id(node)))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, SEMANTIC):
            self.seen.append(("leave", id(original_node)))


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_walk_visits_and_leaves_like_libcsts_visitor(name: str) -> None:
    module = cst.parse_module(SOURCES[name])
    expected = _Recorder()
    module.visit(expected)
    seen: list[tuple[str, int]] = []
    visitors = {t: [lambda node: seen.append(("visit", id(node)))] for t in SEMANTIC}
    leavers = {t: [lambda node: seen.append(("leave", id(node)))] for t in SEMANTIC}
    walk(module, visitors, leavers, ImportTable(), [])
    assert seen == expected.seen


def test_walk_keeps_the_scope_stack_and_imports_current() -> None:
    module = cst.parse_module(SOURCES["module"])
    scopes: list[cst.CSTNode] = []
    imports = ImportTable()
    at_calls: list[tuple[str | None, list[str]]] = []

    def record(node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Call)
        names = [type(s).__name__ for s in scopes]
        at_calls.append((imports.resolve(node.func), names))

    walk(module, {cst.Call: [record]}, {}, imports, scopes)
    assert ("numpy.random.rand", ["FunctionDef"]) in at_calls
    assert (None, ["ClassDef", "FunctionDef"]) in at_calls  # other(), in Model.forward
    assert scopes == []


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_positions_are_libcsts_syntactic_positions(name: str) -> None:
    module = cst.parse_module(SOURCES[name])
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    ranges = node_ranges(module)
    assert len(ranges) == len(expected)
    for node, where in expected.items():
        start, end = where.start, where.end
        assert ranges[id(node)] == (start.line, start.column, end.line, end.column), node


@pytest.mark.slow
def test_rules_load_without_loading_libcst() -> None:
    """A run answered from the cache never parses; libcst's import must not be paid there.

    Rule modules may ``import libcst as cst`` and use ``cst.X`` inside functions and in
    annotations (with ``from __future__ import annotations``), but not at import time: a
    module-level ``cst.SimpleString`` loads libcst on every run.
    """
    code = (
        "from metstandards import registry\n"
        "def refuse(self, name):\n"
        "    raise RuntimeError(f'libcst.{name} is used at import time; defer it to a function')\n"
        "registry._DeferredModule.__getattr__ = refuse\n"
        "registry.load_registry()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]

"""Positions of every node from one code-generation pass, at about half of libcst's cost.

libcst's ``PositionProvidingCodegenState`` records a ``CodeRange`` of two ``CodePosition``
dataclasses per node, splits every token with a regular expression, enters a generator-based
context manager for each syntactic range and keys its table by the nodes (whose ``__hash__`` is
Python code). This state records the same ranges, by the same rules, as plain tuples keyed by
``id(node)``, and looks for line breaks only in tokens that have one. ``positions.py`` imports
this module on a file's first finding, so that runs answered from the cache never load libcst.

``CodegenState`` is private to libcst, so this is fenced: on first use the ranges are compared
with libcst's ``PositionProvider`` on ``walk.PROBE``, and where the class is gone or the ranges
differ (a libcst release that changed how code generation reports positions) ``node_ranges`` uses
``libcst_ranges``, libcst's provider itself: slower, never wrong. The verdict may come from an
earlier run with the same installation (``fences``); then libcst's metadata package, which only
the check and the fallback use, is not even imported.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

import libcst as cst

from metstandards.engine import fences
from metstandards.engine.walk import probe

if TYPE_CHECKING:
    from libcst._nodes.internal import CodegenState

#: (start line, start column, end line, end column); lines 1-based, columns 0-based.
Range = tuple[int, int, int, int]

_NEWLINE = re.compile(r"\r\n?|\n")


def _codegen_state() -> type:
    """libcst's private codegen state, or ``object`` where libcst no longer has it: a base that
    lacks the state's methods, so the fence at the end of this module fails."""
    try:
        from libcst._nodes.internal import CodegenState
    except ImportError:
        return object
    return CodegenState


if not TYPE_CHECKING:
    CodegenState = _codegen_state()


class _SyntacticRange:
    """What ``record_syntactic_position`` returns: records the node's range on exit."""

    __slots__ = ("column", "end_node", "line", "node", "start_node", "state")

    def __init__(
        self,
        state: _RangeState,
        node: cst.CSTNode,
        start_node: cst.CSTNode | None,
        end_node: cst.CSTNode | None,
    ) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node
        self.end_node = end_node
        self.line = state.line
        self.column = state.column

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        state = self.state
        ranges = state.ranges
        start_line, start_column = self.line, self.column
        end_line, end_column = state.line, state.column
        if self.start_node is not None:  # a range hoisted from a child node
            start_line, start_column = ranges[id(self.start_node)][:2]
        if self.end_node is not None:
            end_line, end_column = ranges[id(self.end_node)][2:]
        ranges[id(self.node)] = (start_line, start_column, end_line, end_column)


class _RangeState(CodegenState):
    """A codegen state that tracks line and column and records each node's syntactic range."""

    __slots__ = ("column", "line", "ranges", "starts")

    def __init__(self, module: cst.Module) -> None:
        super().__init__(module.default_indent, module.default_newline)
        self.line = 1
        self.column = 0
        self.ranges: dict[int, Range] = {}
        self.starts: list[tuple[int, int]] = []

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            segments = _NEWLINE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        line, column = self.starts.pop()
        # A syntactic range recorded inside the node's own codegen takes precedence.
        if id(node) not in self.ranges:
            self.ranges[id(node)] = (line, column, self.line, self.column)

    # libcst declares this as a generator-based context manager; any context manager will do.
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Any:
        return _SyntacticRange(self, node, start_node, end_node)


def _fast_ranges(module: cst.Module) -> dict[int, Range]:
    """The syntactic range of every node of ``module``, by ``id(node)``."""
    state = _RangeState(module)
    module._codegen(state)
    return state.ranges


def libcst_ranges(module: cst.Module) -> dict[int, Range]:
    """The same ranges from libcst's own ``PositionProvider`` (the fallback, and the reference)."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return {
        id(node): (where.start.line, where.start.column, where.end.line, where.end.column)
        for node, where in positions.items()
    }


def _fast_ranges_hold() -> bool:
    """Whether this module's ranges are libcst's on ``PROBE``; any error (a libcst that changed
    under it) is a no."""
    try:
        return _fast_ranges(probe()) == libcst_ranges(probe())
    except Exception:  # the fence must not break the import it guards
        return False


@functools.cache
def chosen() -> Callable[[cst.Module], dict[int, Range]]:
    """``_fast_ranges`` where they hold for the installed libcst (see the module docstring), else
    ``libcst_ranges``; decided once."""
    return _fast_ranges if fences.verdict("positions", _fast_ranges_hold) else libcst_ranges


def node_ranges(module: cst.Module) -> dict[int, Range]:
    """The syntactic range of every node of ``module``, by ``id(node)``."""
    return chosen()(module)

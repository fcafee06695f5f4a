"""Positions of every node from one code-generation pass, at about half of libcst's cost.

libcst's ``PositionProvidingCodegenState`` records a ``CodeRange`` of two ``CodePosition``
dataclasses per node, splits every token with a regular expression, enters a generator-based
context manager for each syntactic range and keys its table by the nodes (whose ``__hash__`` is
Python code). This state records the same ranges, by the same rules, as plain tuples keyed by
``id(node)``, and looks for line breaks only in tokens that have one. ``positions.py`` imports
this module on a file's first finding, so that runs answered from the cache never load libcst.
"""

from __future__ import annotations

import re
from types import TracebackType
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState

#: (start line, start column, end line, end column); lines 1-based, columns 0-based.
Range = tuple[int, int, int, int]

_NEWLINE = re.compile(r"\r\n?|\n")


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


def node_ranges(module: cst.Module) -> dict[int, Range]:
    """The syntactic range of every node of ``module``, by ``id(node)``."""
    state = _RangeState(module)
    module._codegen(state)
    return state.ranges

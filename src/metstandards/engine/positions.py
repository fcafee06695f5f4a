"""Source positions on demand: one code-generation pass per file, only for files with findings.

libcst's metadata wrapper deep-copies the tree and resolves positions for every node of every
file, which costs several parses. A linter needs positions for a handful of nodes, so the ranges
are computed in one code-generation pass (see ``position_codegen``), lazily, when the first
finding of a file asks for a location.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from metstandards.findings import Span

if TYPE_CHECKING:
    import libcst as cst

    from metstandards.engine.position_codegen import Range


class Positions:
    """Maps nodes of one module to spans; computed on first use."""

    __slots__ = ("_module", "_ranges")

    def __init__(self, module: cst.Module) -> None:
        self._module = module  # also keeps every node alive, so ids stay unique
        self._ranges: dict[int, Range] | None = None

    def span(self, node: cst.CSTNode) -> Span:
        if self._ranges is None:
            from metstandards.engine.position_codegen import node_ranges

            self._ranges = node_ranges(self._module)
        line, column, end_line, end_column = self._ranges[id(node)]
        return Span(line, column + 1, end_line, end_column + 1)

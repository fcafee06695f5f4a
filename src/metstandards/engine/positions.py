"""Source positions on demand: one code-generation pass per file, only for files with findings.

libcst's metadata wrapper deep-copies the tree and resolves positions for every node of every
file, which costs several parses. A linter needs positions for a handful of nodes, so this module
runs libcst's own position-recording code generator once, lazily, when the first finding of a
file asks for a location.
"""

from __future__ import annotations

import libcst as cst
from libcst._position import CodeRange
from libcst.metadata.position_provider import PositionProvidingCodegenState

from metstandards.findings import Span


class _Ranges:
    """The minimal provider object the codegen state writes ranges into."""

    __slots__ = ("_computed",)

    def __init__(self) -> None:
        self._computed: dict[cst.CSTNode, CodeRange] = {}


class Positions:
    """Maps nodes of one module to spans; computed on first use."""

    __slots__ = ("_module", "_ranges")

    def __init__(self, module: cst.Module) -> None:
        self._module = module
        self._ranges: dict[cst.CSTNode, CodeRange] | None = None

    def span(self, node: cst.CSTNode) -> Span:
        if self._ranges is None:
            ranges = _Ranges()
            state = PositionProvidingCodegenState(
                default_indent=self._module.default_indent,
                default_newline=self._module.default_newline,
                provider=ranges,
            )
            self._module._codegen(state)
            self._ranges = ranges._computed
        found = self._ranges[node]
        return Span(found.start.line, found.start.column + 1, found.end.line, found.end.column + 1)

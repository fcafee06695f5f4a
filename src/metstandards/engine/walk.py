"""One walk over a module for all rules, dispatching only on the node types rules ask for.

libcst's generic visitor costs about as much as parsing; this walk reads each node type's
child-bearing dataclass fields from a table computed once per type, skips whitespace and token
fields, and calls only the ``visit_<Type>``/``leave_<Type>`` methods that exist.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import libcst as cst

from metstandards.engine.imports import ImportTable

Handler = Callable[[cst.CSTNode], object]

# Fields that hold only whitespace, punctuation or operator tokens: never walked into. Rules
# that care about an operator read it from the parent node.
_SKIP_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "comma",
        "semicolon",
        "leading_lines",
        "lines_after_decorators",
        "header",
        "footer",
        "trailing_whitespace",
        "newline",
        "lbracket",
        "rbracket",
        "lbrace",
        "rbrace",
        "colon",
        "first_colon",
        "second_colon",
        "equal",
        "dot",
        "operator",
        "asynchronous",
        "relative",
        "arrow",
        "star",
        "whitespace",
    }
)
_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}
_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def _child_fields(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    names = tuple(
        field.name
        for field in dataclasses.fields(node_type)  # type: ignore[arg-type]
        if field.name not in _SKIP_FIELDS and not field.name.startswith("whitespace")
    )
    _FIELDS[node_type] = names
    return names


class _Leave:
    __slots__ = ("node",)

    def __init__(self, node: cst.CSTNode) -> None:
        self.node = node


def walk(
    module: cst.Module,
    visitors: dict[type[cst.CSTNode], Sequence[Handler]],
    leavers: dict[type[cst.CSTNode], Sequence[Handler]],
    imports: ImportTable,
    scopes: list[cst.CSTNode],
) -> None:
    """Walk ``module`` in source order, keeping ``imports`` and the ``scopes`` stack current."""
    stack: list[cst.CSTNode | _Leave] = [module]
    node_base = cst.CSTNode
    while stack:
        item = stack.pop()
        if type(item) is _Leave:
            node = item.node
            for handler in leavers.get(type(node), ()):
                handler(node)
            if isinstance(node, _SCOPES):
                scopes.pop()
            continue
        node = item  # type: ignore[assignment]
        node_type = type(node)
        if node_type is cst.Import or node_type is cst.ImportFrom:
            imports.add(node)  # type: ignore[arg-type]
        for handler in visitors.get(node_type, ()):
            handler(node)
        if node_type in leavers or isinstance(node, _SCOPES):
            stack.append(_Leave(node))
            if isinstance(node, _SCOPES):
                scopes.append(node)
        fields = _FIELDS.get(node_type) or _child_fields(node_type)
        children: list[cst.CSTNode] = []
        for name in fields:
            value = getattr(node, name)
            if isinstance(value, node_base):
                children.append(value)
            elif type(value) is tuple or type(value) is list:
                children.extend(child for child in value if isinstance(child, node_base))
        stack.extend(reversed(children))

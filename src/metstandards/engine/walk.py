"""One walk over a module for all rules, dispatching only on the node types rules ask for.

libcst's generic visitor costs about as much as parsing; this walk reads each node type's
child-bearing dataclass fields from a table computed once per type, skips whitespace and token
fields, and calls only the ``visit_<Type>``/``leave_<Type>`` methods that exist.

Per node it does a handful of dictionary lookups keyed by the exact type (no ``isinstance``, which
goes through ``ABCMeta`` for libcst nodes), and it never pushes a leaf (a ``Name``, a string, a
number) that no rule visits: leaves are about half of all nodes. Children come in source order,
the order of libcst's own visitor, which for a few node types is not the order their fields are
declared in (decorators come before a function's body, a keyword before its value).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import libcst as cst

from metstandards.engine.imports import ImportTable

if TYPE_CHECKING:
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

# Node types whose dataclass fields are not declared in source order, with the order libcst's own
# visitor uses (their ``_visit_and_replace_children``). Fields not named here keep their place.
_SOURCE_ORDER = {
    "Arg": ("keyword", "value"),
    "ClassDef": ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
    "ExceptHandler": ("type", "name", "body"),
    "ExceptStarHandler": ("type", "name", "body"),
    "FunctionDef": ("decorators", "name", "type_parameters", "params", "returns", "body"),
    "IfExp": ("body", "test", "orelse"),
    "MatchCase": ("pattern", "guard", "body"),
    "Parameters": (
        "posonly_params",
        "posonly_ind",
        "params",
        "star_arg",
        "kwonly_params",
        "star_kwarg",
    ),
    "SimpleStatementSuite": ("leading_whitespace", "body"),
    "TypeAlias": ("name", "type_parameters", "value"),
}

# What a value found in a field is, by its exact type.
_OTHER, _LEAF, _BRANCH, _SEQUENCE = range(4)
_KINDS: dict[type, int] = {tuple: _SEQUENCE, list: _SEQUENCE}
# Child-bearing field names per node type, last field first (the walk pushes onto a stack).
_FIELDS: dict[type, tuple[str, ...]] = {}


def _may_hold_node(annotation: object) -> bool:
    """False only for a field annotation that rules nodes out (``str``, ``bool``, a Literal)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return False
    if origin is not None:  # Union, Optional, Sequence
        return any(_may_hold_node(argument) for argument in typing.get_args(annotation))
    if isinstance(annotation, type):
        return issubclass(annotation, cst.CSTNode)
    return True  # a forward reference, or something unforeseen: look at the values


def _source_ordered(node_type: type[cst.CSTNode], names: list[str]) -> list[str]:
    order = _SOURCE_ORDER.get(node_type.__name__)
    if order is None or getattr(cst, node_type.__name__, None) is not node_type:
        return names
    placed = [name for name in order if name in names]
    slots = iter(placed)
    return [next(slots) if name in placed else name for name in names]


def _kind(value_type: type) -> int:
    """Classify a type met in a field for the first time, and remember it."""
    if not issubclass(value_type, cst.CSTNode):
        kind = _OTHER
    else:
        names = [
            field.name
            for field in dataclasses.fields(value_type)
            if field.name not in _SKIP_FIELDS
            and not field.name.startswith("whitespace")
            and _may_hold_node(field.type)
        ]
        names = _source_ordered(value_type, names)
        _FIELDS[value_type] = tuple(reversed(names))
        kind = _BRANCH if names else _LEAF
    _KINDS[value_type] = kind
    return kind


class _Leave:
    __slots__ = ("node",)

    def __init__(self, node: cst.CSTNode) -> None:
        self.node = node


class _Hooks:
    """What happens at the nodes some rule, the import table or the scope stack wants."""

    __slots__ = ("imports", "leavers", "scope_types", "scopes", "visitors", "wanted")

    def __init__(
        self,
        visitors: Mapping[type[cst.CSTNode], Sequence[Handler]],
        leavers: Mapping[type[cst.CSTNode], Sequence[Handler]],
        imports: ImportTable,
        scopes: list[cst.CSTNode],
    ) -> None:
        self.visitors = visitors
        self.leavers = leavers
        self.imports = imports
        self.scopes = scopes
        self.scope_types = {cst.FunctionDef, cst.ClassDef, cst.Lambda}
        self.wanted = {*visitors, *leavers, *self.scope_types, cst.Import, cst.ImportFrom}

    def enter(self, node: Any) -> bool:
        """Run the visitors; True when the node must be left again after its children."""
        node_type = type(node)
        if node_type is cst.Import or node_type is cst.ImportFrom:
            self.imports.add(node)
        for handler in self.visitors.get(node_type, ()):
            handler(node)
        if node_type in self.scope_types:
            self.scopes.append(node)
            return True
        return node_type in self.leavers

    def leave(self, node: Any) -> None:
        node_type = type(node)
        for handler in self.leavers.get(node_type, ()):
            handler(node)
        if node_type in self.scope_types:
            self.scopes.pop()


def walk(
    module: cst.Module,
    visitors: Mapping[type[cst.CSTNode], Sequence[Handler]],
    leavers: Mapping[type[cst.CSTNode], Sequence[Handler]],
    imports: ImportTable,
    scopes: list[cst.CSTNode],
) -> None:
    """Walk ``module`` in source order, keeping ``imports`` and the ``scopes`` stack current."""
    hooks = _Hooks(visitors, leavers, imports, scopes)
    wanted = hooks.wanted  # leaves are pushed only when something happens at them
    kinds = _KINDS
    fields_of = _FIELDS
    stack: list[Any] = []
    push = stack.append
    pop = stack.pop
    if kinds.get(type(module)) is None:
        _kind(type(module))
    push(module)
    while stack:
        node = pop()
        node_type = type(node)
        if node_type is _Leave:
            hooks.leave(node.node)
            continue
        if node_type in wanted and hooks.enter(node):
            push(_Leave(node))
        for name in fields_of.get(node_type, ()):
            value = getattr(node, name)
            value_type = type(value)
            kind = kinds.get(value_type)
            if kind is None:
                kind = _kind(value_type)
            if kind == _BRANCH or (kind == _LEAF and value_type in wanted):
                push(value)
            elif kind == _SEQUENCE:
                for child in reversed(value):
                    child_type = type(child)
                    kind = kinds.get(child_type)
                    if kind is None:
                        kind = _kind(child_type)
                    if kind == _BRANCH or (kind == _LEAF and child_type in wanted):
                        push(child)

"""One walk over a module for all rules, dispatching only on the node types rules ask for.

libcst's generic visitor costs about as much as parsing; this walk reads each node type's
child-bearing dataclass fields from a table computed once per type, skips whitespace and token
fields, and calls only the ``visit_<Type>``/``leave_<Type>`` methods that exist.

Per node it does a handful of dictionary lookups keyed by the exact type (no ``isinstance``, which
goes through ``ABCMeta`` for libcst nodes), and it never pushes a leaf (a ``Name``, a string, a
number) that no rule visits: leaves are about half of all nodes. Children come in source order,
the order of libcst's own visitor, which for a few node types is not the order their fields are
declared in (decorators come before a function's body, a keyword before its value).

That order is a hand-kept table of libcst internals (``_SOURCE_ORDER``), so it is fenced: on
the first walk the fast walk is compared with libcst's own visitor on ``PROBE``, and where they
differ (a libcst release that reorders, renames or adds fields) every walk goes through libcst's
visitor instead: slower, never wrong.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import libcst as cst

from metstandards.engine import fences
from metstandards.engine.imports import ImportTable

if TYPE_CHECKING:
    Handler = Callable[[cst.CSTNode], object]
    Walker = Callable[
        [
            cst.Module,
            Mapping[type[cst.CSTNode], Sequence[Handler]],
            Mapping[type[cst.CSTNode], Sequence[Handler]],
            ImportTable,
            list[cst.CSTNode],
        ],
        None,
    ]

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


def _skipped(field_name: str) -> bool:
    """Whether the walk never looks into a field of this name (whitespace, tokens)."""
    return field_name in _SKIP_FIELDS or field_name.startswith("whitespace")


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
            if not _skipped(field.name) and _may_hold_node(field.type)
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


def _fast_walk(
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


@functools.cache
def _hook_visitor() -> Callable[[_Hooks], cst.CSTVisitor]:
    """A libcst visitor that runs the walk's hooks; made on first use, since subclassing
    ``cst.CSTVisitor`` loads libcst, which importing this module must not."""

    class HookVisitor(cst.CSTVisitor):
        def __init__(self, hooks: _Hooks) -> None:
            super().__init__()
            self.hooks = hooks

        def on_visit(self, node: cst.CSTNode) -> bool:
            if type(node) in self.hooks.wanted:
                self.hooks.enter(node)
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            if type(original_node) in self.hooks.wanted:
                self.hooks.leave(original_node)

    return HookVisitor


def _visitor_walk(
    module: cst.Module,
    visitors: Mapping[type[cst.CSTNode], Sequence[Handler]],
    leavers: Mapping[type[cst.CSTNode], Sequence[Handler]],
    imports: ImportTable,
    scopes: list[cst.CSTNode],
) -> None:
    """``_fast_walk`` through libcst's own visitor (which also enters whitespace and tokens):
    what ``walk`` is where the fence fails."""
    module.visit(_hook_visitor()(_Hooks(visitors, leavers, imports, scopes)))


#: Python that uses every node type of ``_SOURCE_ORDER`` and most other syntax: the fences (this
#: module's and ``position_codegen``'s) compare the engine's shortcuts with libcst on it.
PROBE = r'''# comment
"""Docstring."""
from __future__ import annotations
import os.path as osp, sys
from .. import sibling as sib, other
from .pkg import (a as b,)  # trailing
type Alias[T: int, *Ts, **P] = list[T]

@decorator(arg=1, *args, **kwargs)
@other . attribute
class Model[T](Base, metaclass=Meta):
    scale: float = 2.0; count = 0

    async def forward(self, a, /, b: int = 1, *args, key=None, **kw) -> Tensor:
        y = [v ** 2 for v in a if v] + list({k: v for k, v in kw.items()})
        z = {v async for v in b} or (w for w in a) and not -a
        async with lock as (held, other), second():
            return (await f(a))[1:2, ::3, ...] if y else lambda q=1, *, r: q

def g(*, kwonly): global a; nonlocal b

def h[U](x: U) -> U:
    try:
        yield from osp.join(x, "a" "b", f"{x!r:>{10}} {x=}")
    except (ValueError, TypeError) as error:
        raise RuntimeError(b'bytes') from error
    else:
        del x[0], x.y
    finally:
        assert x, "message"
    try:
        pass
    except* OSError as group:
        raise
    while (n := len(x)) > 1 < 2 is not None:
        x @= x; x **= 2
        continue
    else:
        break
    for i, *rest in enumerate(x):
        if i: pass
        elif rest: ...
        else: print(i, sep="")
    match command:
        case [Point(x=0, y=0), *rest] | {"k": _, **others} if rest:
            pass
        case Klass(1, attr=2.5j) | None | -1 | 1 + 2j as named:
            pass
        case _:
            return not x
    with (
        open(x) as f,
    ):
        value = ((x.y)(z))[(w)]; t = 1, 2; (u) = (yield)
    return x if x else [*x, *y], {**x}, {1, 2}, ~x
'''


@functools.cache
def probe() -> cst.Module:
    """``PROBE``, parsed once for both fences."""
    return cst.parse_module(PROBE)


def _fast_visits(module: cst.Module) -> list[tuple[bool, int]]:
    """(entering, node id) for every node the fast walk visits, all node types wanted."""
    seen: list[tuple[bool, int]] = []
    # ``__mro__``, not ``issubclass``: libcst's ABCs answer "no" by searching every subclass.
    types = [t for t in vars(cst).values() if cst.CSTNode in getattr(t, "__mro__", ())]
    enter: list[Handler] = [lambda node: seen.append((True, id(node)))]
    leave: list[Handler] = [lambda node: seen.append((False, id(node)))]
    _fast_walk(module, dict.fromkeys(types, enter), dict.fromkeys(types, leave), ImportTable(), [])
    return seen


def _libcst_visits(module: cst.Module) -> tuple[list[tuple[bool, int]], set[int]]:
    """(entering, node id) for every node libcst's visitor visits, and the ids of the nodes it
    finds in fields the fast walk skips by design, or inside them."""
    seen: list[tuple[bool, int]] = []
    hidden: set[int] = set()
    inside = [False]

    class Recorder(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            seen.append((True, id(node)))
            if inside[-1]:
                hidden.add(id(node))
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            seen.append((False, id(original_node)))

        def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
            inside.append(inside[-1] or _skipped(attribute))

        def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
            inside.pop()

    module.visit(Recorder())
    return seen, hidden


def agrees_with_libcst(module: cst.Module) -> bool:
    """Whether the fast walk visits, on ``module``, what libcst's visitor visits outside the
    skipped fields, in the same order."""
    fast = _fast_visits(module)
    slow, hidden = _libcst_visits(module)
    visited = {node for _, node in fast}
    in_order = fast == [step for step in slow if step[1] in visited]
    return in_order and {node for _, node in slow} - visited <= hidden


def _fast_walk_holds() -> bool:
    """Whether the fast walk agrees with libcst on ``PROBE``; any error (a libcst that changed
    under it) is a no."""
    try:
        return agrees_with_libcst(probe())
    except Exception:  # the fence must not break the walk it guards
        return False


@functools.cache
def chosen() -> Walker:
    """The fast walk where its shortcuts hold for the installed libcst, else libcst's visitor.
    Decided on the first walk, not at import: a run answered from the cache imports this module
    and must not load libcst. The verdict may come from an earlier run (``fences``)."""
    return _fast_walk if fences.verdict("walk", _fast_walk_holds) else _visitor_walk


def walk(
    module: cst.Module,
    visitors: Mapping[type[cst.CSTNode], Sequence[Handler]],
    leavers: Mapping[type[cst.CSTNode], Sequence[Handler]],
    imports: ImportTable,
    scopes: list[cst.CSTNode],
) -> None:
    """Walk ``module`` in source order, keeping ``imports`` and the ``scopes`` stack current."""
    chosen()(module, visitors, leavers, imports, scopes)

"""What each name was bound to: the local data-flow model the MS3xx rules look names up in.

Where a name is assigned in view (same function, or the module, or ``self.x`` in the class), the
assigned value decides, not the name: `hf = os.environ["HF_TOKEN"]` is a secret, `token =
tokenizer.decode(ids)` and `token = redact(raw)` are not. Names whose origin is not in view
(parameters, globals of other modules, attributes) are judged by their name. This module keeps
the record of assignments and answers lookups; what a value is (a secret, a logger, ...) is
worked out by the layers above, lazily, when a lookup first needs it.

Nothing here imports or runs the code under check.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, NamedTuple

import libcst as cst

from metstandards.rule import Rule

if TYPE_CHECKING:
    from collections.abc import Callable

    from metstandards.engine.context import FileContext

MAX_DEPTH = 60  # evaluations nested deeper than this are not followed (no RecursionError)


class Kind(Enum):
    """What a name was bound to, where it matters to the rules."""

    UNSEEN = "unseen"  # a parameter, or unpacked from a call: judged by its name
    VALUE = "value"
    LOGGER = "logger"
    CONSOLE = "console"
    WRITER = "writer"  # a TensorBoard SummaryWriter
    RUN = "run"  # a W&B run
    ACCELERATOR = "accelerator"  # Hugging Face accelerate, which feeds several trackers
    EXPERIMENT_LOGGER = "experiment logger"  # a Lightning MLflow/W&B/TensorBoard logger
    NAMESPACE = "namespace"  # an argparse namespace


class Whole(Enum):
    """A whole mapping that holds secrets as a matter of course."""

    ENVIRON = "environ"
    COMMAND_LINE = "command line"  # every option (a secret only with a secret option)


@dataclass(frozen=True)
class Leak:
    """A secret-like value found inside an expression."""

    node: cst.CSTNode  # the expression as written
    origin: Leak | None = None  # for a name: the secret its assigned value held
    key: str | None = None  # the dict key or keyword that names the value as a secret
    namespace: bool = False  # a parsed command line: secret only if it has a secret option

    def needs_secret_option(self) -> bool:
        return self.namespace or (self.origin is not None and self.origin.needs_secret_option())


@dataclass(frozen=True)
class Binding:
    """What an assignment bound a name to, as far as the rules care."""

    kind: Kind
    leak: Leak | None = None
    mapping: Whole | None = None
    text: str | None = None  # the value of a string literal: an environment variable's name


UNSEEN = Binding(Kind.UNSEEN)
_PLAIN_VALUE = Binding(Kind.VALUE)
_NOW = 1 << 62  # the horizon of a lookup from the node being walked: every assignment so far


class _View(NamedTuple):
    """Where an expression's names are looked up: the scopes for a bare name (innermost first,
    the module last as 0), the class whose ``self.x`` are visible, and the position in the walk
    before which assignments count."""

    scopes: tuple[int, ...]
    owner: int | None
    horizon: int


class _Record:
    """One assignment: where it was made, and its binding once something asked about it."""

    __slots__ = ("evaluate", "position", "value", "view")

    def __init__(
        self,
        position: int,
        view: _View | None,
        evaluate: Callable[[], Binding] | None,
        value: Binding | None = None,
    ) -> None:
        self.position = position
        self.view = view
        self.evaluate = evaluate
        self.value = value


class Bindings(Rule):
    """The bookkeeping of assignments while the walk goes: what each name was bound to, in the
    scopes and at the position it is looked up from."""

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        #: (scope id, name) -> its assignments in walk order; the module is scope 0, and
        #: ``self.x`` is recorded in its class.
        self._records: dict[tuple[int, str], list[_Record]] = {}
        self._walked = 0  # assignments recorded so far: the position of the next one
        #: Where names are looked up while an assignment is evaluated (None: here and now).
        self._view: _View | None = None
        self._chains: dict[int, tuple[tuple[int, ...], int | None]] = {}  # by innermost scope
        #: Nested evaluations (expressions inside expressions, assignments behind names), bounded
        #: by MAX_DEPTH so that no input can exhaust Python's recursion limit.
        self._depth = 0
        #: The variables of the comprehensions being evaluated, innermost last.
        self._comprehensions: list[dict[str, Binding]] = []

    # -- bindings ---------------------------------------------------------------------------
    #
    # Every assignment is recorded with the view it was made in, and evaluated only when a check
    # asks about its name: most assignments are never looked at, and their values never cost a
    # thing. An evaluation looks names up as they were at the assignment.

    def _here(self, horizon: int) -> _View:
        """The view from the node being walked: the enclosing functions (and a class body the
        walk is directly in) then the module, for bare names; the enclosing class for
        ``self.x``; assignments before ``horizon``."""
        scopes = self.context.scopes
        innermost = id(scopes[-1]) if scopes else 0
        known = self._chains.get(innermost)
        if known is None:
            chain: list[int] = []
            owner = None
            for index in range(len(scopes) - 1, -1, -1):
                scope = scopes[index]
                if type(scope) is cst.ClassDef:
                    owner = owner or id(scope)
                    if index != len(scopes) - 1:
                        continue  # a class body's names are not visible in its methods
                chain.append(id(scope))
            known = self._chains[innermost] = ((*chain, 0), owner)
        return _View(*known, horizon)

    def _record(
        self, target: cst.BaseExpression, evaluate: Callable[[], Binding] | Binding
    ) -> None:
        """Record an assignment to a name or ``self.x`` (with its binding, or how to work it
        out); other targets are not followed."""
        view = self._here(self._walked)
        if type(target) is cst.Name:
            key = (view.scopes[0], target.value)
        else:
            attribute = _self_attribute(target)
            if attribute is None or view.owner is None:
                return
            key = (view.owner, attribute)
        if isinstance(evaluate, Binding):
            record = _Record(self._walked, view, None, evaluate)
        else:
            record = _Record(self._walked, view, evaluate)
        self._records.setdefault(key, []).append(record)
        self._walked += 1

    def binding(self, node: cst.BaseExpression) -> Binding | None:
        """What a name (or ``self.x``) was last bound to in view, None when not bound in view."""
        view = self._view or self._here(_NOW)
        if type(node) is cst.Name:
            name = node.value
            for variables in reversed(self._comprehensions):
                if name in variables:
                    return variables[name]
            for scope in view.scopes:
                found = self._latest((scope, name), view.horizon)
                if found is not None:
                    return found
            return None
        attribute = _self_attribute(node)
        if attribute is None or view.owner is None:
            return None
        # Set on the instance, or in the class body.
        found = self._latest((view.owner, attribute), view.horizon)
        return found or self._latest((view.owner, attribute[5:]), view.horizon)

    def _latest(self, key: tuple[int, str], horizon: int) -> Binding | None:
        for record in reversed(self._records.get(key, ())):
            if record.position < horizon:
                return self._evaluated(record)
        return None

    def _evaluated(self, record: _Record) -> Binding:
        if record.value is not None:
            return record.value
        if self._depth > MAX_DEPTH or record.evaluate is None:
            return UNSEEN  # a chain of names too long to follow: judged by its name
        saved = self._view, self._comprehensions
        self._view, self._comprehensions = record.view, []
        self._depth += 1
        try:
            record.value = record.evaluate()
        finally:
            self._view, self._comprehensions = saved
            self._depth -= 1
        return record.value

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Parameters shadow outer names, and are judged by their names."""
        params = node.params
        named = (*params.posonly_params, *params.params, *params.kwonly_params)
        # `*args` is a tuple and `**kwargs` a dict of arguments, never a namespace.
        stars = [star for star in (params.star_arg, params.star_kwarg) if type(star) is cst.Param]
        for param, binding in [(p, UNSEEN) for p in named] + [(p, _PLAIN_VALUE) for p in stars]:
            record = _Record(self._walked, None, None, binding)
            self._records.setdefault((id(node), param.name.value), []).append(record)
        self._walked += 1


def _self_attribute(node: cst.BaseExpression) -> str | None:
    """``"self.x"`` for ``self.x``/``cls.x``, else None."""
    if (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.value.value in ("self", "cls")
    ):
        return f"self.{node.attr.value}"
    return None

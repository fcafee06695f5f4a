"""Which values carry a secret, followed through expressions and assignments.

Values are followed through what copies them into text or containers (f-strings, `%`, `+`,
`.format`, `str()`, dicts, lists, `json.dumps`) and not through what reduces them (`len`,
`bool`, comparisons, slices, hashing and redaction helpers). The assignments of the walk are
recorded here too, each with how to work out its binding from its value, since that is where
the secrets a name holds come from.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import libcst as cst

from metstandards.engine.imports import dotted_name
from metstandards.rules.secrets._bindings import MAX_DEPTH, UNSEEN, Binding, Kind, Leak
from metstandards.rules.secrets._objects import PARSE_ARGS, Objects, calls, own_name
from metstandards.rules.secrets._words import is_redactor, words

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from metstandards.engine.context import FileContext

#: Verbs that start the name of a function returning a secret (`get_token`, `load_api_key`).
_GETTER_VERBS = frozenset(
    {"get", "load", "read", "fetch", "retrieve", "obtain", "request", "acquire", "refresh"}
    | {"generate", "create", "make", "issue", "find", "lookup", "resolve", "decrypt"}
)
_ENV_READERS = frozenset(
    {"os.getenv", "os.environ.get", "os.environ.pop", "os.environ.setdefault", "os.getenvb"}
)
_PASSWORD_PROMPTS = frozenset({"getpass.getpass"})
#: Calls whose result is their argument's content, in another shape.
_COPIES = frozenset(
    {
        *(f"builtins.{f}" for f in ("str", "repr", "ascii", "format", "bytes", "vars")),
        *(f"builtins.{f}" for f in ("dict", "list", "tuple", "set", "frozenset", "sorted")),
        *("json.dumps", "yaml.dump", "yaml.safe_dump", "pprint.pformat", "dataclasses.asdict"),
        *("omegaconf.OmegaConf.to_yaml", "omegaconf.OmegaConf.to_container"),
    }
)
#: The last names of the calls above: only these calls are resolved through the imports.
_RESOLVED_CALLS = frozenset(
    name.rsplit(".", 1)[1] for name in (*_ENV_READERS, *_PASSWORD_PROMPTS, *_COPIES)
)
#: Methods whose result carries their receiver's content (`token.strip()`).
_DERIVING = frozenset(
    {
        *("strip", "lstrip", "rstrip", "encode", "decode", "lower", "upper", "replace", "split"),
        *("copy", "items", "values", "get_secret_value", "to_dict", "model_dump", "dict"),
    }
)
#: Methods that put their arguments into a string.
_FORMATTING = frozenset({"format", "format_map", "join"})
_LOOKUPS = frozenset({"get", "pop", "setdefault"})
_KEYS = frozenset({"keys"})
_ITEMS = frozenset({"items"})

_NAMESPACE = Binding(Kind.NAMESPACE)


class Leaks(Objects):
    """Where the secret in a value came from, and what each assignment binds its names to."""

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._leak_of: dict[type[cst.CSTNode], Callable[[cst.CSTNode], Leak | None]] = {
            cst.Name: self._leak_named,
            cst.Attribute: self._leak_named,
            cst.Subscript: self._leak_subscript,
            cst.Call: self._leak_call,
            cst.Dict: self._leak_dict,
            cst.FormattedString: self._leak_fstring,
            cst.ConcatenatedString: self._leak_sides,
            cst.BinaryOperation: self._leak_sides,
            cst.BooleanOperation: self._leak_sides,
            cst.IfExp: self._leak_branches,
            cst.Tuple: self._leak_elements,
            cst.List: self._leak_elements,
            cst.Set: self._leak_elements,
            cst.ListComp: self._leak_comprehension,
            cst.SetComp: self._leak_comprehension,
            cst.GeneratorExp: self._leak_comprehension,
            cst.DictComp: self._leak_comprehension,
            cst.Await: self._leak_inner,
            cst.NamedExpr: self._leak_inner,
        }

    # -- assignments --------------------------------------------------------------------------

    def _assign(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            self._unpack(target, value)
        elif isinstance(target, cst.Subscript):
            self._store_item(target, value)
        else:
            self._record(target, lambda: self._classify(value))

    def _unpack(self, target: cst.Tuple | cst.List, value: cst.BaseExpression) -> None:
        """``a, b = x, y`` pairs up; ``args, rest = parser.parse_known_args()`` gives a
        namespace. Any other unpacking is not followed: ``user, password = get_credentials()``
        leaves each name to be judged by its own name."""
        targets = _targets(target)
        if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(targets):
            for part, element in zip(targets, value.elements, strict=True):
                self._assign(part, element.value)
            return
        for index, part in enumerate(targets):
            namespace = not index and calls(value, PARSE_ARGS)
            self._record(part, _NAMESPACE if namespace else UNSEEN)

    def _store_item(self, target: cst.Subscript, value: cst.BaseExpression) -> None:
        """``cfg["token"] = token`` puts a secret into ``cfg``."""
        container = target.value
        if type(container) is not cst.Name or len(target.slice) != 1:
            return
        index = target.slice[0].slice

        def evaluate() -> Binding:
            key = self.text(index.value) if isinstance(index, cst.Index) else None
            leak = self.leak(value) or (self._entry_leak(key, value) if key is not None else None)
            if leak is not None:
                return Binding(Kind.VALUE, leak=leak)
            return self.binding(container) or UNSEEN

        self._record(container, evaluate)

    def _classify(self, value: cst.BaseExpression) -> Binding:
        kind = self.kind_of(value)
        if kind is not None:
            return Binding(kind)
        return Binding(
            Kind.VALUE, leak=self.leak(value), mapping=self.mapping(value), text=self.text(value)
        )

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._assign(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assign(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        def evaluate() -> Binding:
            leak = self.leak(node.value)
            if leak is not None:
                return Binding(Kind.VALUE, leak=leak)
            return self.binding(node.target) or UNSEEN

        self._record(node.target, evaluate)

    def visit_For(self, node: cst.For) -> None:
        for index, part in enumerate(_targets(node.target)):
            self._record(part, partial(self._loop_binding, node.target, node.iter, index))

    def _loop_binding(
        self, target: cst.BaseExpression, iterable: cst.BaseExpression, index: int
    ) -> Binding:
        """The binding of a loop's ``index``-th variable. A loop variable is an element of what
        the loop runs over: secret only if that is. The keys of a mapping (`for name in
        os.environ`, `.keys()`, the first name of `.items()`) are names, not secrets. Unpacking
        a harmless iterable leaves each name to its name."""
        leak = self.leak(iterable)
        if not isinstance(target, (cst.Tuple, cst.List)):
            keys = self.qualified_name(iterable) == "os.environ" or calls(iterable, _KEYS)
            return Binding(Kind.VALUE, leak=None if keys else leak)
        if leak is None:
            return UNSEEN
        key = not index and len(target.elements) == 2 and calls(iterable, _ITEMS)
        return Binding(Kind.VALUE, leak=None if key else leak)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._assign(node.asname.name, node.item)

    # -- secrets in values ------------------------------------------------------------------

    def leak(self, expr: cst.BaseExpression) -> Leak | None:
        """The first secret-like value ``expr`` carries, or None."""
        handler = self._leak_of.get(type(expr))
        if handler is None or self._depth > MAX_DEPTH:
            return None
        self._depth += 1
        try:
            return handler(expr)
        finally:
            self._depth -= 1

    def _leak_named(self, node: cst.CSTNode) -> Leak | None:
        """A name or attribute: by what it was bound to in view, else by its own name. Imports
        are resolved only for the few names that need it: ``os.environ``, a module
        (``import pwd``) and an imported constant (``from config import TOKEN as hub``)."""
        assert isinstance(node, (cst.Name, cst.Attribute))
        found = self.binding(node)
        if found is not None and found.kind is not Kind.UNSEEN:
            if found.kind is Kind.NAMESPACE:
                return Leak(node, namespace=True)
            return Leak(node, origin=found.leak) if found.leak is not None else None
        name = node.value if isinstance(node, cst.Name) else node.attr.value
        unbound_name = found is None and isinstance(node, cst.Name)
        qualified = self.qualified_name(node) if unbound_name or name == "environ" else None
        if qualified == "os.environ":
            return Leak(node)
        if qualified is not None:
            if qualified.startswith("builtins.") or "." not in qualified:
                return None  # a builtin or an imported module
            name = qualified.rsplit(".", 1)[1]
        if self.secret_words.name(name):
            return Leak(node)
        return Leak(node, namespace=True) if name == "args" else None

    def _leak_subscript(self, node: cst.CSTNode) -> Leak | None:
        """``cfg["password"]`` by its key, ``os.environ["HF_TOKEN"]`` by the variable's name; a
        slice (``token[:4]``) shows a part on purpose; other indexes take the container's
        secret."""
        assert isinstance(node, cst.Subscript)
        if len(node.slice) != 1:
            return None
        index = node.slice[0].slice
        if not isinstance(index, cst.Index):
            return None
        key = self.text(index.value)
        if self.qualified_name(node.value) == "os.environ":
            return Leak(node) if key is not None and self.secret_words.env_var(key) else None
        if key is not None:
            return Leak(node) if self.secret_words.name(key) else None
        return self.leak(node.value)

    def _leak_call(self, node: cst.CSTNode) -> Leak | None:
        assert isinstance(node, cst.Call)
        func = node.func
        own = own_name(func)
        if own is None or is_redactor(own, dotted_name(func)):
            return None
        qualified = self.qualified_name(func) if own in _RESOLVED_CALLS else None
        if qualified in _ENV_READERS:
            key = self.text(node.args[0].value) if node.args else None
            return Leak(node) if key is not None and self.secret_words.env_var(key) else None
        if qualified in _COPIES:
            return self._first_leak(arg.value for arg in node.args)
        found = Leak(node) if qualified in _PASSWORD_PROMPTS else None
        if found is None and isinstance(func, cst.Attribute):
            found = self._leak_method(node, func)
        if found is None and self._is_secret_getter(own):
            found = Leak(node)
        return found

    def _is_secret_getter(self, own: str) -> bool:
        """A function named for the secret it returns: the secret alone (`token()`), or after a
        verb that gets one (`get_token()`, `load_credentials()`, `refresh_token()`). Not
        `check_token()` or `sample_token()`, nor a class (`DefaultAzureCredential()`), which
        builds an object whose repr is not the secret."""
        if (own[:1].isupper() and not own.isupper()) or not self.secret_words.name(own):
            return False
        parts = words(own)
        return parts[0] in _GETTER_VERBS or self.secret_words.name_is_secret_word(parts)

    def _leak_method(self, call: cst.Call, func: cst.Attribute) -> Leak | None:
        own = func.attr.value
        if own in _FORMATTING:
            return self._first_leak([func.value, *(arg.value for arg in call.args)])
        if own in _LOOKUPS and call.args:
            key = self.text(call.args[0].value)
            if key is not None:
                return Leak(call) if self.secret_words.name(key) else None
            return self.leak(func.value)
        if own in _DERIVING:
            return self.leak(func.value)
        return None

    def _leak_dict(self, node: cst.CSTNode) -> Leak | None:
        assert isinstance(node, cst.Dict)
        for element in node.elements:
            found = self.leak(element.value)
            if found is None and isinstance(element, cst.DictElement):
                key = self.text(element.key)
                found = self._entry_leak(key, element.value) if key is not None else None
            if found is not None:
                return found
        return None

    def _entry_leak(self, key: str, value: cst.BaseExpression) -> Leak | None:
        """A value stored under a secret-like key (``{"token": tok}``, ``token=tok``) is taken
        for the secret when it is data of unknown origin: a parameter, attribute or item, not a
        literal, a call's result or a name assigned in view from a harmless value."""
        if not self.secret_words.name(key):
            return None
        if isinstance(value, cst.FormattedString):
            holds_data = any(isinstance(p, cst.FormattedStringExpression) for p in value.parts)
        elif isinstance(value, (cst.Name, cst.Attribute)):
            found = self.binding(value)
            holds_data = found is None or found.kind is Kind.UNSEEN
            holds_data = holds_data and self.qualified_name(value) is None
        else:
            holds_data = isinstance(value, cst.Subscript)
        return Leak(value, key=key) if holds_data else None

    def _leak_fstring(self, node: cst.CSTNode) -> Leak | None:
        assert isinstance(node, cst.FormattedString)
        return self._first_leak(
            p.expression for p in node.parts if isinstance(p, cst.FormattedStringExpression)
        )

    def _leak_sides(self, node: cst.CSTNode) -> Leak | None:
        assert isinstance(node, (cst.BinaryOperation, cst.BooleanOperation, cst.ConcatenatedString))
        return self._first_leak((node.left, node.right))

    def _leak_branches(self, node: cst.CSTNode) -> Leak | None:
        """``"set" if token else "unset"``: only what the expression can evaluate to."""
        assert isinstance(node, cst.IfExp)
        return self._first_leak((node.body, node.orelse))

    def _leak_elements(self, node: cst.CSTNode) -> Leak | None:
        assert isinstance(node, (cst.Tuple, cst.List, cst.Set))
        return self._first_leak(element.value for element in node.elements)

    def _leak_comprehension(self, node: cst.CSTNode) -> Leak | None:
        """A comprehension copies what its variables take from what it runs over (see
        ``_loop_bindings``), unless it filters: ``if k != "token"`` and
        ``if k.startswith("SLURM_")`` are both taken as choosing what may be shown."""
        assert isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp))
        variables: dict[str, Binding] = {}
        loop: cst.CompFor | None = node.for_in
        while loop is not None:
            if loop.ifs:
                return None
            for index, part in enumerate(_targets(loop.target)):
                if isinstance(part, cst.Name):
                    variables[part.value] = self._loop_binding(loop.target, loop.iter, index)
            loop = loop.inner_for_in
        produced = (node.key, node.value) if isinstance(node, cst.DictComp) else (node.elt,)
        self._comprehensions.append(variables)
        try:
            return self._first_leak(produced)
        finally:
            self._comprehensions.pop()

    def _leak_inner(self, node: cst.CSTNode) -> Leak | None:
        assert isinstance(node, (cst.Await, cst.NamedExpr))
        return self.leak(node.expression if isinstance(node, cst.Await) else node.value)

    def _first_leak(self, exprs: Iterable[cst.BaseExpression]) -> Leak | None:
        for expr in exprs:
            found = self.leak(expr)
            if found is not None:
                return found
        return None


def _targets(target: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The names a loop or an unpacking assigns: ``a, b`` -> ``[a, b]``."""
    if isinstance(target, (cst.Tuple, cst.List)):
        return [element.value for element in target.elements]
    return [target]

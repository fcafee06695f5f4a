"""What an expression is, where the MS3xx rules need to know: a logger, console or tracker
object, an argparse namespace, the whole environment or command line, a string; and which
secret-like options the module's argparse parsers declare.

Objects are recognised only where provable: made by a known factory (resolved through the
imports) or bound in view to one. A name whose origin is not in view is never guessed to be a
logger.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import libcst as cst

from metstandards.engine.imports import dotted_name
from metstandards.rules.secrets._bindings import MAX_DEPTH, Bindings, Kind, Whole
from metstandards.rules.secrets._words import DEFAULT_SECRET_WORDS, SECRET_WORDS_OPTION, SecretWords

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from metstandards.engine.context import FileContext

PARSE_ARGS = frozenset({"parse_args", "parse_known_args"})
_PARSE_KNOWN_ARGS = frozenset({"parse_known_args"})
#: argparse actions that store no value given on the command line.
_FLAG_ACTIONS = frozenset(
    {"store_true", "store_false", "store_const", "append_const", "count", "help", "version"}
)

_LOGGER_OBJECTS = frozenset({"loguru.logger", "logging.root"})
_LOGGER_OBJECT_NAMES = frozenset(name.rsplit(".", 1)[1] for name in _LOGGER_OBJECTS)
#: Logger methods that return a logger again (`getLogger(...).getChild(...)`, structlog `bind`).
_LOGGER_DERIVING = frozenset({"getChild", "bind", "new", "opt"})
#: The calls that make loggers, consoles and trackers.
_OBJECT_FACTORIES = {
    **dict.fromkeys(("logging.getLogger", "logging.LoggerAdapter"), Kind.LOGGER),
    **dict.fromkeys(("structlog.get_logger", "structlog.getLogger"), Kind.LOGGER),
    **dict.fromkeys(("structlog.wrap_logger", "structlog.stdlib.get_logger"), Kind.LOGGER),
    "rich.console.Console": Kind.CONSOLE,
    "rich.get_console": Kind.CONSOLE,
    "torch.utils.tensorboard.SummaryWriter": Kind.WRITER,
    "torch.utils.tensorboard.writer.SummaryWriter": Kind.WRITER,
    "tensorboardX.SummaryWriter": Kind.WRITER,
    "wandb.init": Kind.RUN,
    "accelerate.Accelerator": Kind.ACCELERATOR,
}
_LIGHTNING_LOGGERS = ("lightning.pytorch.loggers.", "pytorch_lightning.loggers.")
#: The last names of the calls that make loggers, consoles, trackers and namespaces.
_FACTORY_NAMES = frozenset(
    {name.rsplit(".", 1)[1] for name in _OBJECT_FACTORIES} | PARSE_ARGS | _LOGGER_DERIVING
)

_PLAIN = frozenset({Kind.VALUE, Kind.UNSEEN})


class Objects(Bindings):
    """What bound names and expressions are (objects, mappings, strings), and the secret options
    of the module's argparse parsers."""

    OPTIONS: ClassVar[Mapping[str, tuple[str, ...]]] = {SECRET_WORDS_OPTION: DEFAULT_SECRET_WORDS}

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.secret_words = SecretWords(self.option(SECRET_WORDS_OPTION))
        #: The option strings of secret-like argparse options (``--api-key``), and their dests.
        self.secret_options: list[tuple[str, str]] = []

    # -- argparse -----------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "add_argument":
            self._note_option(node)

    def _note_option(self, call: cst.Call) -> None:
        """Record a secret-like option of an argparse parser: its dest (``dest=``, else the
        first long option, else the positional name) ends in a secret word, and it stores a
        value (``--use-auth-token`` with ``action="store_true"`` is a flag)."""
        flags = [self.text(arg.value) for arg in call.args if arg.keyword is None]
        names = [flag for flag in flags if flag]
        keywords = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
        action = keywords.get("action")
        if not names or (action is not None and self._is_flag(action)):
            return
        shown = next((name for name in names if name.startswith("--")), names[0])
        dest_node = keywords.get("dest")
        dest = self.text(dest_node) if dest_node is not None else None
        dest = dest or shown.lstrip("-").replace("-", "_")
        if self.secret_words.name(dest):
            self.secret_options.append((shown, dest))

    def _is_flag(self, action: cst.BaseExpression) -> bool:
        if self.qualified_name(action) == "argparse.BooleanOptionalAction":
            return True
        return self.text(action) in _FLAG_ACTIONS

    def options_text(self) -> str:
        return ", ".join(f"`{flag}`" for flag, _ in self.secret_options)

    # -- what objects are -------------------------------------------------------------------

    def kind_of(self, expr: cst.BaseExpression) -> Kind | None:
        """Logger, console, writer, tracker object or argparse namespace, where provable."""
        if self._depth > MAX_DEPTH:
            return None
        self._depth += 1
        try:
            return self._kind_of(expr)
        finally:
            self._depth -= 1

    def _kind_of(self, expr: cst.BaseExpression) -> Kind | None:
        if isinstance(expr, cst.Call):
            return self._kind_of_call(expr)
        if isinstance(expr, cst.IfExp):  # `Accelerator(...) if tracking else Accelerator()`
            return self.kind_of(expr.body) or self.kind_of(expr.orelse)
        if isinstance(expr, cst.BooleanOperation):  # `logger or logging.getLogger(__name__)`
            return self.kind_of(expr.left) or self.kind_of(expr.right)
        if isinstance(expr, cst.Subscript):  # `parser.parse_known_args()[0]`
            return Kind.NAMESPACE if calls(expr.value, _PARSE_KNOWN_ARGS) else None
        own = own_name(expr)
        if own in _LOGGER_OBJECT_NAMES and self.qualified_name(expr) in _LOGGER_OBJECTS:
            return Kind.LOGGER  # `from loguru import logger`
        found = self.binding(expr)
        return found.kind if found is not None and found.kind not in _PLAIN else None

    def _kind_of_call(self, call: cst.Call) -> Kind | None:
        func = call.func
        own = own_name(func)
        if own not in _FACTORY_NAMES and not (own or "").endswith("Logger"):
            return None
        qualified = self.qualified_name(func) or ""
        if qualified in _OBJECT_FACTORIES:
            return _OBJECT_FACTORIES[qualified]
        if qualified.startswith(_LIGHTNING_LOGGERS):
            return Kind.EXPERIMENT_LOGGER if qualified.endswith("Logger") else None
        if calls(call, PARSE_ARGS):  # `parser.parse_args()`, or the module's own helper
            return Kind.NAMESPACE
        if isinstance(func, cst.Attribute) and func.attr.value in _LOGGER_DERIVING:
            return Kind.LOGGER if self.kind_of(func.value) is Kind.LOGGER else None
        return None

    def is_namespace(self, expr: cst.BaseExpression) -> bool:
        """An argparse namespace: bound from ``parse_args()``, or named ``args`` (``args``,
        ``self.args``) where its origin is not in view."""
        found = self.binding(expr)
        if found is not None and found.kind is not Kind.UNSEEN:
            return found.kind is Kind.NAMESPACE
        if isinstance(expr, (cst.Call, cst.Subscript)):
            return self.kind_of(expr) is Kind.NAMESPACE
        name = dotted_name(expr) if isinstance(expr, (cst.Name, cst.Attribute)) else None
        return name is not None and name.rsplit(".", 1)[-1] == "args"

    def mapping(self, expr: cst.BaseExpression) -> Whole | None:
        """The whole environment or the whole command line, passed as one mapping:
        ``os.environ``, ``dict(os.environ)``, ``{**os.environ}``, ``vars(args)``,
        ``args.__dict__``, ``args`` itself, or a name bound to one of them."""
        inner = _unwrap_copy(expr, self.qualified_name)
        if isinstance(inner, cst.Call):
            func = inner.func
            if own_name(func) == "vars" and self.qualified_name(func) == "builtins.vars":
                inner = inner.args[0].value if len(inner.args) == 1 else inner
        elif isinstance(inner, cst.Attribute) and inner.attr.value == "__dict__":
            inner = inner.value
        elif own_name(inner) == "environ" and self.qualified_name(inner) == "os.environ":
            return Whole.ENVIRON
        if self.is_namespace(inner):
            return Whole.COMMAND_LINE
        found = self.binding(inner)
        return found.mapping if found is not None else None

    # -- strings ------------------------------------------------------------------------------

    def text(self, expr: cst.BaseExpression) -> str | None:
        """The string ``expr`` spells, a name bound to a literal included; an f-string's
        placeholders read as ``_`` (``f"{prefix}_TOKEN"`` -> ``"__TOKEN"``)."""
        if isinstance(expr, cst.SimpleString):
            value = expr.evaluated_value
            return value if isinstance(value, str) else None
        if isinstance(expr, cst.ConcatenatedString):  # `"a" "b" ...`, without recursion
            pieces: list[str] = []
            stack: list[cst.BaseExpression] = [expr]
            while stack:
                part = stack.pop()
                if isinstance(part, cst.ConcatenatedString):
                    stack += [part.right, part.left]
                    continue
                piece = self.text(part)
                if piece is None:
                    return None
                pieces.append(piece)
            return "".join(pieces)
        if isinstance(expr, cst.FormattedString):
            return "".join(
                part.value if isinstance(part, cst.FormattedStringText) else "_"
                for part in expr.parts
            )
        if isinstance(expr, cst.Name):
            found = self.binding(expr)
            return found.text if found is not None else None
        return None


def own_name(func: cst.BaseExpression) -> str | None:
    """The last name of what a call calls: ``f`` in ``a.b.f(...)`` and ``f(...)``."""
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else None


def calls(expr: cst.BaseExpression, names: frozenset[str]) -> bool:
    """Whether ``expr`` is a call of a function or method whose last name is in ``names``."""
    return isinstance(expr, cst.Call) and own_name(expr.func) in names


def _unwrap_copy(
    expr: cst.BaseExpression, qualified: Callable[[cst.CSTNode], str | None]
) -> cst.BaseExpression:
    """The mapping a whole copy is made of: ``dict(m)``, ``m.copy()``, ``{**m}``."""
    if isinstance(expr, cst.Call):
        func = expr.func
        own = own_name(func)
        if own == "dict" and len(expr.args) == 1 and qualified(func) == "builtins.dict":
            return expr.args[0].value
        if not expr.args and isinstance(func, cst.Attribute) and func.attr.value == "copy":
            return func.value
    if isinstance(expr, cst.Dict) and len(expr.elements) == 1:
        element = expr.elements[0]
        if isinstance(element, cst.StarredDictElement):
            return element.value
    return expr

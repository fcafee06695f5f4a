"""What the MS3xx rules share: which names mean a secret, and where a value came from.

Deciding whether a value is a secret is the hard part of both rules, and the traps are specific
to ML code, where "token" usually means a tokenizer token. Three ideas carry the decision:

- Names are split into whole snake/camel words, and a secret word must be the *last* word of the
  name: English compounds put the thing last, so `hf_token` is a token while `token_ids`,
  `token_file` and `api_key_env` are ids, a file and the name of an environment variable.
  `token` after an ML word (`pad_token`, `eos_token`, `next_token`) is a vocabulary entry.
- Where a name is assigned in view (same function, or the module), the assigned value decides,
  not the name: `hf = os.environ["HF_TOKEN"]` is a secret, `token = tokenizer.decode(ids)` and
  `token = redact(raw)` are not. Names whose origin is not in view (parameters, globals of other
  modules, attributes) are judged by their name.
- Values are followed through what copies them into text or containers (f-strings, `%`, `+`,
  `.format`, `str()`, dicts, lists, `json.dumps`) and not through what reduces them (`len`,
  `bool`, comparisons, slices, hashing and redaction helpers).

Nothing here imports or runs the code under check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache, partial
from typing import TYPE_CHECKING, ClassVar, NamedTuple

import libcst as cst

from metstandards.engine.imports import dotted_name
from metstandards.rule import Rule

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from metstandards.engine.context import FileContext

#: The option both rules read, and its default: the words of the catalogue (RULES.md, MS301).
SECRET_WORDS_OPTION = "secret-words"
DEFAULT_SECRET_WORDS = (
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "access_key",
    "secret_key",
    "private_key",
    "credential",
    "credentials",
    "authorization",
    "bearer",
    "client_secret",
    "sas_token",
)

#: Words before `token` that make it a vocabulary entry of a language or vision model.
_ML_TOKEN_WORDS = frozenset(
    {
        *("pad", "eos", "bos", "unk", "mask", "cls", "sep", "eot", "eod", "sot", "special"),
        *("start", "end", "stop", "class", "register", "query", "image", "img", "text", "vision"),
        *("patch", "word", "next", "new", "prev", "last", "first", "sample", "sampled", "to"),
        *("num", "max", "min", "input", "output", "target", "prompt", "dummy", "placeholder"),
    }
)
#: Words that make a name a switch or a question about a secret (`has_token`, `use_auth_token`,
#: `HF_HUB_DISABLE_IMPLICIT_TOKEN`), not the secret.
_SWITCH_WORDS = frozenset(
    {"is", "has", "use", "enable", "disable", "no", "allow", "require", "skip"}
)
#: Environment variables are secret-like with one more word (`CDSAPI_KEY`, `WANDB_API_KEY`).
_ENV_EXTRA_WORDS = (("key",),)

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_REDACTING = (
    "mask",
    "redact",
    "obfuscate",
    "hash",
    "hide",
    "scrub",
    "censor",
    "sanitiz",
    "sanitis",
)
#: Verbs that start the name of a function returning a secret (`get_token`, `load_api_key`).
_GETTER_VERBS = frozenset(
    {"get", "load", "read", "fetch", "retrieve", "obtain", "request", "acquire", "refresh"}
    | {"generate", "create", "make", "issue", "find", "lookup", "resolve", "decrypt"}
)
_MAX_DEPTH = 60  # evaluations nested deeper than this are not followed (no RecursionError)


@lru_cache(maxsize=4096)
def words(name: str) -> tuple[str, ...]:
    """The lower-case snake/camel words of ``name``, numbers dropped: ``getAPIKey2`` ->
    ``("get", "api", "key")``; ``--hf-token`` -> ``("hf", "token")``."""
    return tuple(w.lower() for w in _WORD.findall(name) if not w.isdigit())


class SecretWords:
    """The project's secret words, and the test a name must pass to be secret-like."""

    def __init__(self, configured: Sequence[str]) -> None:
        self._words = tuple(w for w in (words(entry) for entry in configured) if w)
        self._env_words = self._words + _ENV_EXTRA_WORDS
        self._known: dict[str, bool] = {}

    def name(self, name: str) -> bool:
        """Whether a variable, attribute, key or option called ``name`` holds a secret."""
        known = self._known.get(name)
        if known is None:
            known = self._known[name] = _ends_with_secret(words(name), self._words)
        return known

    def name_is_secret_word(self, parts: tuple[str, ...]) -> bool:
        """Whether ``parts`` are exactly one secret word (``api_key``), nothing before it."""
        return parts in self._words

    def env_var(self, name: str) -> bool:
        """Whether the environment variable ``name`` holds a secret. ``$PWD`` is the shell's
        working directory, not a password."""
        return name.upper() != "PWD" and _ends_with_secret(words(name), self._env_words)


def _ends_with_secret(parts: tuple[str, ...], secret_words: tuple[tuple[str, ...], ...]) -> bool:
    for word in secret_words:
        size = len(word)
        if len(parts) < size or parts[-size:] != word:
            continue
        before = parts[:-size]
        if word == ("token",) and before and before[-1] in _ML_TOKEN_WORDS:
            continue
        if _SWITCH_WORDS.intersection(before):
            continue
        return True
    return False


def is_redactor(own: str, qualified: str | None) -> bool:
    """Whether a call to ``own`` (its last name) or ``qualified`` hides its argument: named like
    *mask*/*redact*/*obfuscate*/*hash* (`hashlib.sha256`, builtin `hash` included), or
    *hide*/*scrub*/*censor*/*sanitize* (`_hide_secrets(options)`, seen in real code)."""
    text = f"{own} {qualified or ''}".lower()
    return any(part in text for part in _REDACTING)


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


_PLAIN = frozenset({Kind.VALUE, Kind.UNSEEN})
_UNSEEN = Binding(Kind.UNSEEN)
_NAMESPACE = Binding(Kind.NAMESPACE)
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
_PARSE_ARGS = frozenset({"parse_args", "parse_known_args"})
_PARSE_KNOWN_ARGS = frozenset({"parse_known_args"})
_KEYS = frozenset({"keys"})
_ITEMS = frozenset({"items"})
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


#: Where a params sink takes its mapping: (position or None for keyword only, keywords).
ParamsAt = tuple[int | None, tuple[str, ...]]


class Shape(Enum):
    """Which arguments of a sink carry what it records."""

    ALL = "all"
    PAIR = "pair"  # (key, value): `mlflow.log_param`, `mlflow.set_tag`, `add_text`
    PARAMS = "params"  # a mapping of run parameters, at `Sink.params`: MS302's sinks


_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "critical", "exception", "log", "fatal"}
)
_LOGURU_METHODS = _LOG_METHODS | {"trace", "success"}

#: What a sink is: (writes to a tracker, which arguments it records, where its params are).
SinkSpec = tuple[bool, Shape, ParamsAt | None]
_LOGGED: SinkSpec = (False, Shape.ALL, None)
_TRACKED: SinkSpec = (True, Shape.ALL, None)
_PAIR: SinkSpec = (True, Shape.PAIR, None)
_SINK_FUNCTIONS: dict[str, SinkSpec] = {
    **{f"logging.{method}": _LOGGED for method in _LOG_METHODS},
    **dict.fromkeys(("builtins.print", "rich.print", "pprint.pprint", "pprint.pp"), _LOGGED),
    **dict.fromkeys(("warnings.warn", "click.echo", "click.secho"), _LOGGED),
    **dict.fromkeys(("mlflow.log_param", "mlflow.set_tag"), _PAIR),
    **dict.fromkeys(("mlflow.set_tags", "wandb.log", "wandb.run.log"), _TRACKED),
    "mlflow.log_params": (True, Shape.PARAMS, (0, ("params",))),
    "wandb.config.update": (True, Shape.PARAMS, (0, ("d",))),
    "wandb.run.config.update": (True, Shape.PARAMS, (0, ("d",))),
    "wandb.init": (True, Shape.PARAMS, (None, ("config",))),
}
#: Sink methods by the kind of object they are called on.
_SINK_METHODS: dict[tuple[Kind, str], SinkSpec] = {
    **{(Kind.LOGGER, method): _LOGGED for method in _LOGURU_METHODS},
    (Kind.CONSOLE, "print"): _LOGGED,
    (Kind.CONSOLE, "log"): _LOGGED,
    (Kind.WRITER, "add_text"): _PAIR,
    (Kind.RUN, "log"): _TRACKED,
    (Kind.RUN, "config.update"): (True, Shape.PARAMS, (0, ("d",))),
    (Kind.ACCELERATOR, "log"): _TRACKED,
    (Kind.ACCELERATOR, "init_trackers"): (True, Shape.PARAMS, (1, ("config",))),
    (Kind.EXPERIMENT_LOGGER, "log_hyperparams"): (True, Shape.PARAMS, (0, ("params",))),
}
_LIGHTNING_LOGGERS = ("lightning.pytorch.loggers.", "pytorch_lightning.loggers.")
#: The last names of the calls that make loggers, consoles, trackers and namespaces.
_FACTORY_NAMES = frozenset(
    {name.rsplit(".", 1)[1] for name in _OBJECT_FACTORIES} | _PARSE_ARGS | _LOGGER_DERIVING
)
#: The last names of every sink: other calls are dismissed before any name resolution.
_SINK_NAMES = frozenset(
    {name.rsplit(".", 1)[1] for name in _SINK_FUNCTIONS}
    | {method.rsplit(".", 1)[-1] for _, method in _SINK_METHODS}
)


@dataclass(frozen=True)
class Sink:
    """A call that writes what it gets to a log, a console or an experiment tracker."""

    call: cst.Call
    tracker: bool
    shape: Shape
    params: ParamsAt | None = None  # for Shape.PARAMS: where the run's parameters are given

    def params_argument(self) -> cst.Arg | None:
        return argument(self.call, *self.params) if self.params is not None else None


class SecretFlow(Rule):
    """The bookkeeping both MS3xx rules need while the walk goes: what each name was bound to,
    and which secret options the module's argparse parsers declare."""

    OPTIONS: ClassVar[Mapping[str, tuple[str, ...]]] = {SECRET_WORDS_OPTION: DEFAULT_SECRET_WORDS}

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.secret_words = SecretWords(self.option(SECRET_WORDS_OPTION))
        #: (scope id, name) -> its assignments in walk order; the module is scope 0, and
        #: ``self.x`` is recorded in its class.
        self._records: dict[tuple[int, str], list[_Record]] = {}
        self._walked = 0  # assignments recorded so far: the position of the next one
        #: Where names are looked up while an assignment is evaluated (None: here and now).
        self._view: _View | None = None
        self._chains: dict[int, tuple[tuple[int, ...], int | None]] = {}  # by innermost scope
        #: Nested evaluations (expressions inside expressions, assignments behind names), bounded
        #: by _MAX_DEPTH so that no input can exhaust Python's recursion limit.
        self._depth = 0
        #: The option strings of secret-like argparse options (``--api-key``), and their dests.
        self.secret_options: list[tuple[str, str]] = []
        #: The variables of the comprehensions being evaluated, innermost last.
        self._comprehensions: list[dict[str, Binding]] = []
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
        if self._depth > _MAX_DEPTH or record.evaluate is None:
            return _UNSEEN  # a chain of names too long to follow: judged by its name
        saved = self._view, self._comprehensions
        self._view, self._comprehensions = record.view, []
        self._depth += 1
        try:
            record.value = record.evaluate()
        finally:
            self._view, self._comprehensions = saved
            self._depth -= 1
        return record.value

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
            namespace = not index and _calls(value, _PARSE_ARGS)
            self._record(part, _NAMESPACE if namespace else _UNSEEN)

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
            return self.binding(container) or _UNSEEN

        self._record(container, evaluate)

    def _classify(self, value: cst.BaseExpression) -> Binding:
        kind = self.kind_of(value)
        if kind is not None:
            return Binding(kind)
        return Binding(
            Kind.VALUE, leak=self.leak(value), mapping=self.mapping(value), text=self.text(value)
        )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Parameters shadow outer names, and are judged by their names."""
        params = node.params
        named = (*params.posonly_params, *params.params, *params.kwonly_params)
        # `*args` is a tuple and `**kwargs` a dict of arguments, never a namespace.
        stars = [star for star in (params.star_arg, params.star_kwarg) if type(star) is cst.Param]
        for param, binding in [(p, _UNSEEN) for p in named] + [(p, _PLAIN_VALUE) for p in stars]:
            record = _Record(self._walked, None, None, binding)
            self._records.setdefault((id(node), param.name.value), []).append(record)
        self._walked += 1

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
            return self.binding(node.target) or _UNSEEN

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
            keys = self.qualified_name(iterable) == "os.environ" or _calls(iterable, _KEYS)
            return Binding(Kind.VALUE, leak=None if keys else leak)
        if leak is None:
            return _UNSEEN
        key = not index and len(target.elements) == 2 and _calls(iterable, _ITEMS)
        return Binding(Kind.VALUE, leak=None if key else leak)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._assign(node.asname.name, node.item)

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
        if self._depth > _MAX_DEPTH:
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
            return Kind.NAMESPACE if _calls(expr.value, _PARSE_KNOWN_ARGS) else None
        own = _own_name(expr)
        if own in _LOGGER_OBJECT_NAMES and self.qualified_name(expr) in _LOGGER_OBJECTS:
            return Kind.LOGGER  # `from loguru import logger`
        found = self.binding(expr)
        return found.kind if found is not None and found.kind not in _PLAIN else None

    def _kind_of_call(self, call: cst.Call) -> Kind | None:
        func = call.func
        own = _own_name(func)
        if own not in _FACTORY_NAMES and not (own or "").endswith("Logger"):
            return None
        qualified = self.qualified_name(func) or ""
        if qualified in _OBJECT_FACTORIES:
            return _OBJECT_FACTORIES[qualified]
        if qualified.startswith(_LIGHTNING_LOGGERS):
            return Kind.EXPERIMENT_LOGGER if qualified.endswith("Logger") else None
        if _calls(call, _PARSE_ARGS):  # `parser.parse_args()`, or the module's own helper
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
            if _own_name(func) == "vars" and self.qualified_name(func) == "builtins.vars":
                inner = inner.args[0].value if len(inner.args) == 1 else inner
        elif isinstance(inner, cst.Attribute) and inner.attr.value == "__dict__":
            inner = inner.value
        elif _own_name(inner) == "environ" and self.qualified_name(inner) == "os.environ":
            return Whole.ENVIRON
        if self.is_namespace(inner):
            return Whole.COMMAND_LINE
        found = self.binding(inner)
        return found.mapping if found is not None else None

    # -- sinks --------------------------------------------------------------------------------

    def sink(self, call: cst.Call) -> Sink | None:
        """The sink ``call`` writes to, if it is one; most calls are dismissed by their last
        name before any name is resolved."""
        func = call.func
        own = func.attr.value if isinstance(func, cst.Attribute) else None
        if own is not None and own not in _SINK_NAMES:
            return None
        qualified = self.qualified_name(func) or ""
        spec = _SINK_FUNCTIONS.get(qualified)
        if spec is None and qualified.startswith("loguru.logger.") and own in _LOGURU_METHODS:
            spec = _LOGGED
        if spec is None and isinstance(func, cst.Attribute):
            spec = self._method_sink(func)
        return Sink(call, *spec) if spec is not None else None

    def _method_sink(self, func: cst.Attribute) -> SinkSpec | None:
        own = func.attr.value
        receiver = func.value
        if own == "update" and isinstance(receiver, cst.Attribute):  # `run.config.update(...)`
            if receiver.attr.value != "config":
                return None
            receiver, own = receiver.value, "config.update"
        kind = self.kind_of(receiver)
        return _SINK_METHODS.get((kind, own)) if kind is not None else None

    def recorded(self, sink: Sink) -> Iterator[tuple[cst.Arg, Leak]]:
        """Every argument of ``sink`` that carries a secret, with the secret."""
        call = sink.call
        if sink.shape is Shape.PAIR:
            key_arg = argument(call, 0, ("key", "tag"))
            value_arg = argument(call, 1, ("value", "text_string"))
            key = self.text(key_arg.value) if key_arg is not None else None
            if value_arg is not None:
                leak = self.leak(value_arg.value) or (
                    self._entry_leak(key, value_arg.value) if key is not None else None
                )
                if leak is not None:
                    yield value_arg, leak
            return
        for arg in call.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            leak = self.leak(arg.value)
            if leak is None and keyword is not None:  # structlog, loguru: `token=...`
                leak = self._entry_leak(keyword, arg.value)
            if leak is not None:
                yield arg, leak

    # -- secrets in values ------------------------------------------------------------------

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

    def leak(self, expr: cst.BaseExpression) -> Leak | None:
        """The first secret-like value ``expr`` carries, or None."""
        handler = self._leak_of.get(type(expr))
        if handler is None or self._depth > _MAX_DEPTH:
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
        own = _own_name(func)
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

    # -- messages -----------------------------------------------------------------------------

    def source(self, node: cst.CSTNode, limit: int = 60) -> str:
        text = " ".join(self.context.module.code_for_node(node).split())
        return text if len(text) <= limit else text[: limit - 3] + "..."

    def describe(self, leak: Leak) -> str:
        """How a finding names the secret, and where a name's value came from:
        `hf` (holds `os.environ["HF_TOKEN"]`)."""
        if leak.origin is None:
            return self._describe_source(leak, " (", ")")
        source = leak.origin
        while source.origin is not None:
            source = source.origin
        return f"`{self.source(leak.node)}` (holds {self._describe_source(source, ', ', '')})"

    def _describe_source(self, leak: Leak, opening: str, closing: str) -> str:
        shown = f"`{self.source(leak.node)}`"
        if leak.key is not None:
            return f"{shown} under the key `{leak.key}`"
        if leak.namespace:
            return f"{shown}{opening}the parsed command line, with {self.options_text()}{closing}"
        if self.qualified_name(leak.node) == "os.environ":
            return f"{shown}{opening}all environment variables, credentials included{closing}"
        return shown


def _self_attribute(node: cst.BaseExpression) -> str | None:
    """``"self.x"`` for ``self.x``/``cls.x``, else None."""
    if (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.value.value in ("self", "cls")
    ):
        return f"self.{node.attr.value}"
    return None


def _targets(target: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The names a loop or an unpacking assigns: ``a, b`` -> ``[a, b]``."""
    if isinstance(target, (cst.Tuple, cst.List)):
        return [element.value for element in target.elements]
    return [target]


def _own_name(func: cst.BaseExpression) -> str | None:
    """The last name of what a call calls: ``f`` in ``a.b.f(...)`` and ``f(...)``."""
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else None


def _calls(expr: cst.BaseExpression, names: frozenset[str]) -> bool:
    """Whether ``expr`` is a call of a function or method whose last name is in ``names``."""
    return isinstance(expr, cst.Call) and _own_name(expr.func) in names


def _unwrap_copy(
    expr: cst.BaseExpression, qualified: Callable[[cst.CSTNode], str | None]
) -> cst.BaseExpression:
    """The mapping a whole copy is made of: ``dict(m)``, ``m.copy()``, ``{**m}``."""
    if isinstance(expr, cst.Call):
        func = expr.func
        own = _own_name(func)
        if own == "dict" and len(expr.args) == 1 and qualified(func) == "builtins.dict":
            return expr.args[0].value
        if not expr.args and isinstance(func, cst.Attribute) and func.attr.value == "copy":
            return func.value
    if isinstance(expr, cst.Dict) and len(expr.elements) == 1:
        element = expr.elements[0]
        if isinstance(element, cst.StarredDictElement):
            return element.value
    return expr


def argument(call: cst.Call, position: int | None, keywords: tuple[str, ...]) -> cst.Arg | None:
    """The argument given at ``position`` (None: keyword only) or by one of ``keywords``."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in keywords:
            return arg
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    if position is None or len(positional) <= position:
        return None
    return positional[position]

"""Where secrets must not go: the sinks of the MS3xx rules, what they record, and how a
finding names the secret. ``SecretFlow``, the class both rules subclass, is the last layer of
the analysis (words, bindings, objects, leaks, sinks).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

import libcst as cst

from metstandards.rules.secrets._bindings import Kind, Leak
from metstandards.rules.secrets._leaks import Leaks

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


class SecretFlow(Leaks):
    """What both MS3xx rules call while the walk goes: the sink a call writes to, the secrets its
    arguments carry, and the words a finding names them with."""

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


def argument(call: cst.Call, position: int | None, keywords: tuple[str, ...]) -> cst.Arg | None:
    """The argument given at ``position`` (None: keyword only) or by one of ``keywords``."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in keywords:
            return arg
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    if position is None or len(positional) <= position:
        return None
    return positional[position]

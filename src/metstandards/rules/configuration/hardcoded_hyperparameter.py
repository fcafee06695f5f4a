from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

import libcst as cst

from metstandards.engine.imports import dotted_name
from metstandards.rule import Rule
from metstandards.rules.configuration._regions import region

if TYPE_CHECKING:
    from metstandards.engine.context import FileContext

#: The catalogue's keywords that are a hyperparameter on any call.
KEYWORDS = (
    "lr", "learning_rate", "weight_decay", "momentum", "betas", "batch_size", "epochs",
    "max_epochs", "num_epochs", "n_epochs", "max_steps", "warmup_steps", "dropout",
    "dropout_rate", "hidden_size", "hidden_dim", "num_layers", "n_layers", "num_heads", "n_heads",
    "embed_dim", "patience", "n_estimators", "min_samples_leaf", "l1_ratio",
)  # fmt: skip
# Keywords that mean a hyperparameter only on certain APIs (see ``_api_meaning``).
_API_KEYWORDS = frozenset({"p", "gamma", "step_size", "max_depth", "alpha", "C"})
# Values that switch a mechanism off rather than tune it: no dropout, no batching (one sample
# at a time, as weather models on global fields, per-sample evaluation and inference run).
_SWITCHED_OFF = {"dropout": 0, "dropout_rate": 0, "p": 0, "batch_size": 1}
# torch.optim.lr_scheduler constructors that take hyperparameters positionally.
_SCHEDULER_POSITIONS = {
    "StepLR": {1: "step_size", 2: "gamma"},
    "MultiStepLR": {2: "gamma"},
    "ExponentialLR": {1: "gamma"},
}
_ESTIMATOR_PACKAGES = ("sklearn.", "xgboost.", "lightgbm.")
# Running-statistics layers: their `momentum` is an averaging constant, not the optimizer's.
_NORMALISATION_LAYERS = ("BatchNorm", "InstanceNorm")
# Module names and directories that hold configuration: literals there are the config.
_CONFIG_MODULES = frozenset({"config.py", "settings.py", "defaults.py", "constants.py"})
_CONFIG_DIRS = frozenset({"conf", "config", "configs"})
# What a checkpoint fixes: the shape of the network and the dropout it was trained with. An
# optimizer's `lr` is not fixed by `optimizer.load_state_dict(...)` in a fresh run.
_ARCHITECTURE = frozenset(
    {
        "hidden_size", "hidden_dim", "num_layers", "n_layers", "num_heads", "n_heads",
        "embed_dim", "dropout", "dropout_rate", "p",
    }
)  # fmt: skip
# Methods that put checkpoint weights into a model.
_WEIGHT_LOADERS = frozenset({"load_state_dict", "load", "load_weights"})
# Positional hyperparameters sit among the first three arguments (see ``_positional``).
_MAX_POSITION = 3


def is_config_module(path: str) -> bool:
    """Whether ``path`` (relative, POSIX) is a module that is configuration by its name."""
    *directories, filename = path.split("/")
    return filename in _CONFIG_MODULES or not _CONFIG_DIRS.isdisjoint(directories)


def _number(node: cst.BaseExpression) -> float | None:
    """The value of a numeric literal (``3``, ``1e-3``, ``-1``), else None. Exact type tests:
    ``isinstance`` on libcst nodes goes through ``ABCMeta`` and this runs for every argument."""
    sign = 1.0
    if type(node) is cst.UnaryOperation and type(node.operator) in (cst.Minus, cst.Plus):
        sign = -1.0 if type(node.operator) is cst.Minus else 1.0
        node = node.expression
    if type(node) is cst.Integer:
        digits = node.value.replace("_", "")
        # Decimals through float: `int()` refuses more than 4300 digits; 0x/0o/0b have no limit.
        return sign * (float(digits) if digits.isdigit() else int(digits, 0))
    if type(node) is cst.Float:
        return sign * float(node.value.replace("_", ""))
    return None


def _literal(node: cst.BaseExpression) -> bool:
    """A number, or a non-empty tuple/list of numbers (``betas=(0.9, 0.999)``)."""
    if isinstance(node, (cst.Tuple, cst.List)):
        return bool(node.elements) and all(_number(e.value) is not None for e in node.elements)
    return _number(node) is not None


def _hardcoded(keyword: str, value: cst.BaseExpression) -> bool:
    """Whether ``keyword=value`` fixes a hyperparameter. ``-1`` is the "no limit"/"all" sentinel
    (Lightning's ``max_steps=-1``), and a zero dropout or a batch of one switches the mechanism
    off: neither is a tuned value."""
    if not _literal(value):
        return False
    number = _number(value)
    return number is None or (number != -1 and number != _SWITCHED_OFF.get(keyword))


def _cli_defaults(call: cst.Call) -> bool:
    """``parser.set_defaults(lr=1e-3)``: argparse defaults, the command line's configuration."""
    return type(call.func) is cst.Attribute and call.func.attr.value == "set_defaults"


def _api_meaning(qualified: str, keyword: str) -> bool:
    """Whether an API-specific keyword is a hyperparameter of the API ``qualified``."""
    module, _, own = qualified.rpartition(".")
    if keyword == "p":
        return (module == "torch.nn" and "Dropout" in own) or (
            module == "torch.nn.functional" and "dropout" in own
        )
    if keyword in ("gamma", "step_size"):
        return module == "torch.optim.lr_scheduler"
    # max_depth, alpha, C: scikit-learn, XGBoost and LightGBM estimators (classes).
    return qualified.startswith(_ESTIMATOR_PACKAGES) and own[:1].isupper()


def _positional(qualified: str) -> dict[int, str]:
    """Hyperparameters ``qualified`` takes by position: index -> parameter name."""
    module, _, own = qualified.rpartition(".")
    if module == "torch.optim" and own[:1].isupper():
        return {1: "lr"}
    if module == "torch.optim.lr_scheduler":
        return _SCHEDULER_POSITIONS.get(own, {})
    if module == "torch.nn" and "Dropout" in own:
        return {0: "p"}
    if module == "torch.nn.functional" and "dropout" in own:
        return {1: "p"}
    return {}


class HardcodedHyperparameter(Rule):
    """A hyperparameter written as a number at the call that uses it.

    ## What it does
    Flags a numeric literal (negative numbers, `1e-3`, and tuples or lists of numbers such as
    `betas=(0.9, 0.999)` included) passed in package code as one of the keywords of the
    `hyperparameter-keywords` option, at any call site: `lr`, `learning_rate`, `weight_decay`,
    `momentum`, `betas`, `batch_size`, `epochs`, `max_epochs`, `num_epochs`, `n_epochs`,
    `max_steps`, `warmup_steps`, `dropout`, `dropout_rate`, `hidden_size`, `hidden_dim`,
    `num_layers`, `n_layers`, `num_heads`, `n_heads`, `embed_dim`, `patience`, `n_estimators`,
    `min_samples_leaf`, `l1_ratio`. Some keywords are flagged only on the APIs where they are a
    hyperparameter, with names resolved through imports: `p` on `torch.nn.Dropout*` (and the
    other `torch.nn` dropout layers and `torch.nn.functional` dropout functions), `gamma` and
    `step_size` on `torch.optim.lr_scheduler.*`, `max_depth`, `alpha` and `C` on scikit-learn,
    XGBoost and LightGBM estimator classes. Positional forms are flagged too: the learning rate
    of `torch.optim.SGD(params, 0.1)`, the rate of `nn.Dropout(0.3)`, and `StepLR(opt, 30, 0.1)`
    / `MultiStepLR(opt, milestones, 0.5)` / `ExponentialLR(opt, 0.9)`.

    Not flagged, because the value is already a default, a preset or switched off:
    - defaults in a `def` signature (including calls written there);
    - class-level field defaults: dataclass, pydantic, attrs, and any other class attribute
      (a class body declares the settable fields of a schema whose base may be the project's
      own, which imports cannot resolve);
    - modules that are configuration: `config.py`, `settings.py`, `defaults.py`,
      `constants.py`, anything under `conf/`, `config/`, `configs/`;
    - a module-level table of named presets, `SIZES = {"124M": Geometry(n_layers=12), ...}`:
      the user picks a preset by name in the configuration, and the table defines what the
      name means (published architectures whose weights are loaded by that name);
    - argparse defaults, `add_argument("--lr", default=1e-3)` and `parser.set_defaults(lr=...)`:
      they are the command line's configuration; and dict displays such as `{"lr": 1e-3}`,
      which are not call keywords;
    - a zero dropout (`dropout=0`, `nn.Dropout(0.0)`: dropout off), `batch_size=1` (batching
      off: one global field, one sample per step, as in inference and per-sample evaluation),
      and the sentinel `-1` ("no limit" in Lightning's `max_steps=-1`/`max_epochs=-1`, "all"
      elsewhere); other negative numbers are flagged;
    - the architecture of a checkpoint: `hidden_size`, `hidden_dim`, `num_layers`,
      `n_layers`, `num_heads`, `n_heads`, `embed_dim` and dropout rates in a call whose result
      is bound to a name (`model`, `self.net`) that then gets weights in the same function
      (for `self.` names: the same class), through `.load_state_dict(...)`, `.load(...)`,
      `.load_weights(...)` or a `load*(model, ...)` function: those values must match the
      weights being loaded, so they are not free to tune. Training settings are still
      flagged there: `opt = Adam(params, lr=1e-3); opt.load_state_dict(...)` resumes, but a
      fresh run uses the literal;
    - `momentum` of `torch.nn` `BatchNorm*`/`InstanceNorm*` layers (a running-average
      constant, not the optimizer's momentum), matplotlib's `alpha` (an opacity), test code.

    A fixed architecture detail written at a call inside a model library (`nn.Dropout(0.5)` in
    a head, `dropout_rate=0.1` for every block) is flagged: users of the model cannot tune it.
    Expose it as a constructor argument or a settings field. Expressions (`lr=base_lr * 4`,
    `hidden_dim=4 * embed_dim`) are derived values and are not flagged. There is no automatic
    fix: which configuration key a value belongs to is the project's decision.

    ## Why is this bad?
    A learning rate or batch size buried in a call cannot be changed without editing code, is
    missing from the run's logged configuration, and silently differs between the experiment
    that produced a model and the one that is re-run to reproduce it. The WG3 standard keeps
    every value someone may tune in configuration (YAML, Hydra, a config dataclass), where it is
    versioned and logged with the run.

    ## Example
    ```python
    import torch

    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999))
    loader = DataLoader(dataset, batch_size=32)
    ```

    ## Use instead
    ```python
    import torch

    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.optim.lr, betas=cfg.optim.betas)
    loader = DataLoader(dataset, batch_size=cfg.data.batch_size)
    ```

    ## Options
    `hyperparameter-keywords` in `[tool.metstandards.options]`: the keywords flagged on any
    call (default: the list above). `hyperparameter-keywords = [...]` replaces it,
    `extend-hyperparameter-keywords = [...]` adds to it. The API-specific keywords and positional
    forms are fixed: they mean a hyperparameter only on the APIs listed.
    """

    code = "MS401"
    name = "hardcoded-hyperparameter"
    OPTIONS: ClassVar[Mapping[str, tuple[str, ...]]] = {"hyperparameter-keywords": KEYWORDS}

    VALID = (
        "import torch\nopt = torch.optim.Adam(model.parameters(), lr=cfg.optim.lr)\n",
        "def train(model, lr=1e-3, batch_size=32):\n    return fit(model, lr=lr)\n",
        "from dataclasses import dataclass, field\n\n@dataclass\nclass Optim:\n"
        "    lr: float = 1e-3\n    kwargs: dict = field(default_factory=lambda: dict(lr=1e-3))\n",
        "from pydantic import BaseModel, Field\n\nclass Train(BaseModel):\n"
        "    max_epochs: int = Field(100, ge=1)\n",
        "import torch.nn as nn\nlayer = nn.TransformerEncoderLayer(512, 8, dropout=0.0)\n"
        "drop = nn.Dropout(0)\n",
        "import matplotlib.pyplot as plt\nplt.plot(x, y, alpha=0.3)\n",
        "import lightning as L\ntrainer = L.Trainer(max_steps=-1, max_epochs=cfg.epochs)\n",
        "import argparse\np = argparse.ArgumentParser()\n"
        "p.add_argument('--lr', type=float, default=1e-3)\n",
        "import torch.nn as nn\nbn = nn.BatchNorm2d(64, momentum=0.01)\n",
        "import numpy as np\nnoise = np.random.default_rng(0).random(3) * 0.1\n"
        "levels = np.quantile(x, q=0.9)\n",
        "from torch.optim.lr_scheduler import StepLR\n"
        "sched = StepLR(optimizer, cfg.step_size, gamma=cfg.gamma)\n",
        "import torch\nx = torch.nn.functional.dropout(x, p=self.p, training=self.training)\n",
        "import random\np = random.gauss(0, 1)\nbeta = scipy.stats.gamma(a=2.0, gamma=0.5)\n",
        "def load(path):\n    model = AFNO(embed_dim=768, num_layers=12).eval()\n"
        "    model.load_state_dict(torch.load(path, weights_only=True))\n    return model\n",
        "SIZES = {'124M': Geometry(n_layers=12, n_heads=12), '355M': Geometry(n_layers=24)}\n",
        {"pkg/config.py": "OPTIM = dict(lr=1e-3, weight_decay=0.01)\n"},
        {"pkg/configs/model.py": "MODEL = Model(num_layers=12, num_heads=8)\n"},
        {"tests/test_train.py": "import torch\nopt = torch.optim.SGD(params, lr=0.1)\n"},
    )
    INVALID = (
        "import torch\nopt = torch.optim.Adam(model.parameters(), lr=1e-3)\n",
        "import torch\nopt = torch.optim.AdamW(params, lr=cfg.lr, betas=(0.9, 0.95))\n",
        "from torch.optim import SGD\nopt = SGD(params, 0.1, momentum=0.9)\n",
        "from torch.utils.data import DataLoader\nloader = DataLoader(ds, batch_size=32)\n",
        "import lightning as L\ntrainer = L.Trainer(max_epochs=100)\n",
        "import torch.nn as nn\ndrop = nn.Dropout(p=0.1)\n",
        "from torch import nn\ndrop = nn.Dropout2d(0.25)\n",
        "from torch.optim.lr_scheduler import StepLR\nsched = StepLR(opt, step_size=30)\n",
        "from torch.optim import lr_scheduler\nsched = lr_scheduler.StepLR(opt, 30, gamma=0.1)\n",
        "import torch\nsched = torch.optim.lr_scheduler.ExponentialLR(opt, 0.95)\n",
        "from sklearn.linear_model import Ridge\nmodel = Ridge(alpha=1.0)\n",
        "import xgboost as xgb\nmodel = xgb.XGBRegressor(max_depth=6, n_estimators=500)\n",
        "from lightgbm import LGBMRegressor\nmodel = LGBMRegressor(min_samples_leaf=20)\n",
        "from sklearn.svm import SVR\nmodel = SVR(C=10)\n",
        "import torch.nn as nn\nrnn = nn.LSTM(32, hidden_size=128, num_layers=2)\n",
        "callbacks = [EarlyStopping(monitor='val_loss', patience=5)]\n",
        "def main():\n    train(model, lr=-0.5)\n",
        "def build():\n    model = AFNO(embed_dim=768)\n    model.train()\n    return model\n",
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._keywords = frozenset(self.option("hyperparameter-keywords"))
        self._off = is_config_module(context.path)
        # How many parameter defaults, class fields and preset tables enclose the walk.
        self._defaults = 0
        self._resolved: tuple[cst.Call | None, str | None] = (None, None)
        # What each enclosing assignment statement binds (``model``, ``self.net``), innermost last.
        self._targets: list[str | None] = []
        # Architecture findings in values bound to a name, kept until the module is read: a
        # model whose weights are then loaded into it has the architecture of its checkpoint.
        self._pending: list[tuple[tuple[int, str], cst.Arg, str]] = []
        self._loaded: set[tuple[int, str]] = set()

    def visit_Param(self, node: cst.Param) -> None:
        if node.default is not None:
            self._defaults += 1

    def leave_Param(self, node: cst.Param) -> None:
        if node.default is not None:
            self._defaults -= 1

    def _declares_defaults(self, value: cst.BaseExpression | None) -> bool:
        """Whether an assignment of ``value`` here declares defaults or presets: a class-body
        field (dataclass, pydantic, attrs, or any schema class), or a module-level table of named
        presets (``SIZES = {"small": Geometry(n_layers=6), ...}``)."""
        scopes = self.context.scopes
        if scopes:
            return isinstance(scopes[-1], cst.ClassDef)
        return isinstance(value, cst.Dict)

    def _enter(self, target: cst.BaseExpression | None, value: cst.BaseExpression | None) -> None:
        self._defaults += self._declares_defaults(value)
        self._targets.append(dotted_name(target) if target is not None else None)

    def _leave(self, value: cst.BaseExpression | None) -> None:
        self._defaults -= self._declares_defaults(value)
        self._targets.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        self._enter(node.targets[0].target if len(node.targets) == 1 else None, node.value)

    def leave_Assign(self, node: cst.Assign) -> None:
        self._leave(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._enter(node.target, node.value)

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._leave(node.value)

    def _binding(self, name: str) -> tuple[int, str]:
        return region(self.context.scopes, name), name

    def _note_loading(self, call: cst.Call) -> None:
        """Remember names that get weights: ``model.load_state_dict(...)``, ``net.load(...)``,
        ``load_checkpoint(model, path)``."""
        func = call.func
        if type(func) is cst.Attribute:
            own = func.attr.value
        elif type(func) is cst.Name:
            own = func.value
        else:
            return
        if type(func) is cst.Attribute and own in _WEIGHT_LOADERS:
            loaded = [func.value]
        elif own.lstrip("_").startswith("load"):
            loaded = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
        else:
            return
        for value in loaded:
            name = dotted_name(value)
            if name is not None:
                self._loaded.add(self._binding(name))

    def _callee(self, call: cst.Call) -> str | None:
        """The qualified name ``call`` calls, resolved at most once per call."""
        if self._resolved[0] is not call:
            self._resolved = (call, self.qualified_name(call.func))
        return self._resolved[1]

    def visit_Call(self, node: cst.Call) -> None:
        if self._off:
            return
        self._note_loading(node)
        if self._defaults or _cli_defaults(node):
            return
        for index, arg in enumerate(node.args):
            if arg.star:
                break  # positions after `*args` are unknown
            if arg.keyword is not None:
                self._check_keyword(node, arg, arg.keyword.value)
            elif index < _MAX_POSITION and _number(arg.value) is not None:
                qualified = self._callee(node)
                parameter = _positional(qualified).get(index) if qualified else None
                if parameter and _hardcoded(parameter, arg.value):
                    self._report(node, arg, parameter)

    def _check_keyword(self, call: cst.Call, arg: cst.Arg, keyword: str) -> None:
        if keyword in self._keywords:
            if keyword == "momentum" and self._normalisation_layer(call):
                return
            if _hardcoded(keyword, arg.value):
                self._report(call, arg, keyword)
        elif keyword in _API_KEYWORDS and _hardcoded(keyword, arg.value):
            qualified = self._callee(call)
            if qualified and _api_meaning(qualified, keyword):
                self._report(call, arg, keyword)

    def _normalisation_layer(self, node: cst.Call) -> bool:
        qualified = self._callee(node) or ""
        return qualified.startswith("torch.nn.") and any(
            layer in qualified for layer in _NORMALISATION_LAYERS
        )

    def _report(self, call: cst.Call, arg: cst.Arg, parameter: str) -> None:
        code = self.context.module.code_for_node
        message = (
            f"hard-coded hyperparameter `{parameter}` = `{code(arg.value)}` in the call to "
            f"`{code(call.func)}`: changing it needs a code edit and the run's logged "
            f"configuration does not show it; read it from the configuration instead (e.g. "
            f"`{parameter}=cfg.{parameter}`), see `metstandards explain MS401`"
        )
        target = self._targets[-1] if self._targets else None
        if target is None or parameter not in _ARCHITECTURE:
            self.report(arg, message)
        else:
            self._pending.append((self._binding(target), arg, message))

    def leave_Module(self, node: cst.Module) -> None:
        for binding, arg, message in self._pending:
            if binding not in self._loaded:
                self.report(arg, message)

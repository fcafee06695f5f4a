from __future__ import annotations

import libcst as cst

from metstandards.rule import Rule
from metstandards.rules.serialization._families import resolve

_PICKLE_READERS = {
    "pickle.load": "pickle.load",
    "pickle.loads": "pickle.loads",
    "_pickle.load": "pickle.load",
    "_pickle.loads": "pickle.loads",
    "cloudpickle.load": "cloudpickle.load",
    "cloudpickle.loads": "cloudpickle.loads",
    "dill.load": "dill.load",
    "dill.loads": "dill.loads",
    "joblib.load": "joblib.load",
    "pickle.Unpickler": "pickle.Unpickler",
    "_pickle.Unpickler": "pickle.Unpickler",
    "dill.Unpickler": "dill.Unpickler",
}
_ADVICE = (
    "store weights as safetensors or ONNX, or load tensors with "
    "`torch.load(..., weights_only=True)`"
)
#: The last name of every reader above: other calls are not resolved at all.
_CANDIDATES = frozenset(name.rsplit(".", 1)[-1] for name in ("torch.load", *_PICKLE_READERS))


def _keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def _is_literal(arg: cst.Arg | None, value: str) -> bool:
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == value


class UnsafeModelLoad(Rule):
    """Loading a model artifact with a reader that can execute arbitrary code.

    ## What it does
    Flags `torch.load(...)` without `weights_only=True` (a literal `weights_only=False` too),
    `pickle.load`/`pickle.loads`, `pickle.Unpickler` (constructed or subclassed), `joblib.load`,
    `dill.load(s)`, `cloudpickle.load(s)` and `numpy.load(..., allow_pickle=True)` in package
    code. Names are resolved through imports, so `from torch import load` and
    `import pickle as pkl` are caught as well, and so is a project's re-export of the library
    under its own name (`from pkg.lazy import torch`, a lazy-import proxy).

    ## Why is this bad?
    Unpickling runs code chosen by whoever wrote the file. A checkpoint downloaded from a shared
    bucket, a model hub or a colleague's scratch directory can take over the training node, and
    with it the credentials of the HPC account. Since PyTorch 2.6 `weights_only=True` is the
    default, but code that passes `False` or targets older versions is still exposed.

    ## Example
    ```python
    import torch

    state = torch.load(checkpoint_path)
    ```

    ## Use instead
    ```python
    import torch

    state = torch.load(checkpoint_path, weights_only=True)
    ```
    or `safetensors.torch.load_file`, or an ONNX export for inference.

    ## Options
    None. `weights_only=<variable>` and `allow_pickle=<variable>` are trusted (the caller
    decides). `numpy.load` with a literal `allow_pickle=True` is checked although the
    catalogue does not list it: it unpickles object arrays exactly like `pickle.load`.
    A `# noqa: S301` written
    for bandit or ruff does not silence this rule: use `# metstandards: ignore[MS202]` where a
    trusted pickle is really meant.
    """

    code = "MS202"
    name = "unsafe-model-load"
    notebooks = True

    VALID = (
        "import torch\nstate = torch.load(path, weights_only=True)\n",
        "import torch\nstate = torch.load(path, map_location='cpu', weights_only=trusted)\n",
        "from safetensors.torch import load_file\nstate = load_file(path)\n",
        "import json\nconfig = json.load(handle)\n",
        "def load(path):\n    return open(path).read()\n\nload('x')\n",
        "import yaml\ncfg = yaml.safe_load(stream)\n",
        "import numpy as np\nmask = np.load(path)\n",
        "from safetensors import torch\nstate = torch.load(blob)\n",
    )
    INVALID = (
        "import torch\nstate = torch.load(path)\n",
        "import torch\nstate = torch.load(path, weights_only=False)\n",
        "from torch import load\nstate = load(path, map_location='cpu')\n",
        "import pickle\nwith open(p, 'rb') as f:\n    model = pickle.load(f)\n",
        "import pickle as pkl\nmodel = pkl.loads(blob)\n",
        "import joblib\nmodel = joblib.load('model.joblib')\n",
        "import dill\nfn = dill.load(f)\n",
        "import pickle\nclass Restricted(pickle.Unpickler):\n    pass\n",
        "import pickle\nobj = pickle.Unpickler(f).load()\n",
        "import numpy as np\ngraph = np.load(path, allow_pickle=True)\n",
        "from pkg.lazy import torch\nmodel = torch.load(path, weights_only=False)\n",
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        # A bare name may be an alias (`from torch import load as torch_load`): always resolved.
        if isinstance(func, cst.Attribute) and func.attr.value not in _CANDIDATES:
            return
        name = resolve(self, func)
        if name == "torch.load":
            self._check_torch_load(node)
        elif name == "numpy.load" and _is_literal(_keyword(node, "allow_pickle"), "True"):
            self.report(
                node,
                "`numpy.load(..., allow_pickle=True)` unpickles object arrays and can execute "
                f"arbitrary code; store plain arrays, or {_ADVICE}",
            )
        elif name in _PICKLE_READERS:
            self.report(
                node,
                f"`{_PICKLE_READERS[name]}` can execute arbitrary code hidden in its input; "
                f"{_ADVICE}",
            )

    def _check_torch_load(self, node: cst.Call) -> None:
        weights_only = _keyword(node, "weights_only")
        if weights_only is None:
            self.report(
                node,
                "`torch.load` without `weights_only=True` unpickles arbitrary objects; "
                "pass `weights_only=True` or store weights as safetensors",
            )
        elif _is_literal(weights_only, "False"):
            self.report(
                node,
                "`torch.load(..., weights_only=False)` unpickles arbitrary objects; "
                "pass `weights_only=True` or store weights as safetensors",
            )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for base in node.bases:
            name = self.qualified_name(base.value)
            if name in ("pickle.Unpickler", "_pickle.Unpickler", "dill.Unpickler"):
                message = f"`{node.name.value}` subclasses `{name}` and unpickles arbitrary code"
                self.report(node.name, f"{message}; {_ADVICE}")

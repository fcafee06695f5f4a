from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import libcst as cst

from metstandards.findings import Span
from metstandards.rule import FileFacts, ProjectFinding, ProjectRule, Role
from metstandards.rules.seeding._calls import callee, passes

if TYPE_CHECKING:
    from metstandards.engine.context import FileContext

_NUMPY_DRAWS = frozenset(
    {
        "beta", "binomial", "bytes", "chisquare", "choice", "dirichlet", "exponential", "f",
        "gamma", "geometric", "gumbel", "hypergeometric", "laplace", "logistic", "lognormal",
        "logseries", "multinomial", "multivariate_normal", "negative_binomial",
        "noncentral_chisquare", "noncentral_f", "normal", "pareto", "permutation", "poisson",
        "power", "rand", "randint", "randn", "random", "random_integers", "random_sample", "ranf",
        "rayleigh", "sample", "shuffle", "standard_cauchy", "standard_exponential",
        "standard_gamma", "standard_normal", "standard_t", "triangular", "uniform", "vonmises",
        "wald", "weibull", "zipf",
    }
)
_RANDOM_DRAWS = frozenset(
    {
        "random", "uniform", "triangular", "randint", "randrange", "choice", "choices", "shuffle",
        "sample", "gauss", "normalvariate", "lognormvariate", "expovariate", "vonmisesvariate",
        "gammavariate", "betavariate", "paretovariate", "weibullvariate", "binomialvariate",
        "getrandbits", "randbytes",
    }
)
_TORCH_DRAWS = frozenset(
    {
        "rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like", "normal",
        "bernoulli", "multinomial", "poisson",
    }
)
_TENSOR_DRAWS = frozenset({"normal_", "uniform_", "random_", "bernoulli_", "exponential_"})
_INIT_DRAWS = frozenset(
    {
        "uniform_", "normal_", "trunc_normal_", "xavier_uniform_", "xavier_normal_",
        "kaiming_uniform_", "kaiming_normal_", "orthogonal_", "sparse_", "uniform", "normal",
        "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal", "orthogonal",
        "sparse",
    }
)
_TIMM_DRAWS = frozenset({"trunc_normal_", "trunc_normal_tf_"})
_TF_DRAWS = frozenset(
    {"normal", "uniform", "truncated_normal", "categorical", "gamma", "poisson", "shuffle"}
)
# Module -> (its draw functions, the library whose global state they use, the argument that
# makes a draw independent of that state).
_DRAWS = {
    "numpy.random": (_NUMPY_DRAWS, "numpy", ""),
    "random": (_RANDOM_DRAWS, "random", ""),
    "torch": (_TORCH_DRAWS, "torch", "generator"),
    "torch.nn.init": (_INIT_DRAWS, "torch", "generator"),
    "tensorflow.random": (_TF_DRAWS, "tensorflow", "seed"),
}

_ALL = ("numpy", "random", "torch")
_SEEDS: dict[str, tuple[str, ...]] = {
    "numpy.random.seed": ("numpy",),
    "random.seed": ("random",),
    "torch.manual_seed": ("torch",),
    "torch.random.manual_seed": ("torch",),
    "torch.cuda.manual_seed": ("torch",),
    "torch.cuda.manual_seed_all": ("torch",),
    "tensorflow.random.set_seed": ("tensorflow",),
    "tensorflow.compat.v1.set_random_seed": ("tensorflow",),
    "tensorflow.compat.v1.random.set_random_seed": ("tensorflow",),
    "keras.utils.set_random_seed": (*_ALL, "tensorflow"),
    "tensorflow.keras.utils.set_random_seed": (*_ALL, "tensorflow"),
}
# Called with no seed or ``None``, these reseed from OS entropy: not a seed.
_SEED_PARAMETER = {"numpy.random.seed": "seed", "random.seed": "a"}
_SEED_ALL = frozenset({"seed_everything", "set_seed"})

_CANDIDATES = (
    _NUMPY_DRAWS
    | _RANDOM_DRAWS
    | _TORCH_DRAWS
    | _TENSOR_DRAWS
    | _INIT_DRAWS
    | _TIMM_DRAWS
    | _TF_DRAWS
    | _SEED_ALL
    | {name.rsplit(".", 1)[1] for name in _SEEDS}
)

_ADVICE = {
    "numpy": (
        "numpy's global random state",
        "call `np.random.seed(cfg.seed)` once at start-up, or better draw from a "
        "`np.random.default_rng(cfg.seed)` passed in",
    ),
    "random": (
        "Python's global `random` state",
        "call `random.seed(cfg.seed)` once at start-up, or draw from a `random.Random(cfg.seed)`",
    ),
    "torch": (
        "torch's global RNG",
        "call `torch.manual_seed(cfg.seed)` (or `lightning.seed_everything(cfg.seed)`) once at "
        "start-up, or pass a seeded `generator=`",
    ),
    "tensorflow": (
        "TensorFlow's global RNG",
        "call `tf.random.set_seed(cfg.seed)` once at start-up, or pass an op-level `seed=`",
    ),
}


class GlobalRngNeverSeeded(ProjectRule):
    """Package code draws from a library's global random state that nothing in the package seeds.

    ## What it does
    Collects, over the whole project, the draws package code makes from the global random state
    of numpy (`np.random.<draw>`), Python's `random` (`random.<draw>`), torch (`torch.rand`,
    `randn`, `randint`, `randperm`, `*_like`, `normal`, `bernoulli`, `multinomial`, `poisson`;
    tensor methods `.normal_()`, `.uniform_()`, `.random_()`, `.bernoulli_()`,
    `.exponential_()` in files that import torch; `torch.nn.init` random initialisers; timm's
    `trunc_normal_`) and TensorFlow (`tf.random.<draw>`), and the calls that seed each of them
    (`np.random.seed`, `random.seed`, `torch.manual_seed`, `torch.cuda.manual_seed(_all)`,
    `tf.random.set_seed`, `keras.utils.set_random_seed`). Every draw from a library that no
    package code seeds is a finding, one per draw site, naming the library.

    A call to any function named `seed_everything` or `set_seed` (Lightning's, transformers',
    accelerate's, or the project's own) counts as seeding numpy, `random` and torch together.
    `keras.utils.set_random_seed` seeds all four. `np.random.seed()`/`random.seed()` without a
    seed (or with `None`) reseed from OS entropy and do not count.

    Not draws: layers that initialise or drop out implicitly (`nn.Linear(...)`, `nn.Dropout`),
    torch draws with an explicit `generator=`, `tf.random` draws with an op-level `seed=` (TF
    combines it with a fixed default global seed, which is reproducible), and methods of an
    explicit generator (`rng.normal()`; unseeded generators are MS101's business).

    ## Why is this bad?
    Without a seed the global state starts from OS entropy (numpy, `random`) or a per-process
    random seed, so weight initialisation, crops, shuffles and sampled noise differ on every
    run: a change in forecast skill cannot be told apart from luck, and a failing run cannot be
    repeated. Seeding only in the tests does not make training or inference reproducible.

    ## Example
    ```python
    # pkg/data.py
    import numpy as np

    def random_crop(field, size):
        y0 = np.random.randint(0, field.shape[0] - size)
        return field[y0 : y0 + size]
    ```

    ## Use instead
    ```python
    # pkg/train.py
    import lightning

    def main(cfg):
        lightning.seed_everything(cfg.seed)
        ...
    ```
    or, better for library code, take a generator: `rng.integers(...)` with
    `rng = np.random.default_rng(cfg.seed)` passed in.

    ## Options
    None. A seed call anywhere in package code counts, inside a function or an
    `if __name__ == "__main__":` block too: whether it runs before the draws is a control-flow
    question the rule does not try to answer. Draws in code only reached at inference time are
    findings as well: sampled noise and ensemble perturbations must be reproducible too. Seeds in
    tests, docs and examples do not count. A model library that leaves seeding to the
    application training it gets the findings too; the fix there is a `generator=`/`rng`
    parameter, or, where the project decides seeding is its callers' job, `ignore = ["MS102"]`.
    """

    code = "MS102"
    name = "global-rng-never-seeded"
    roles: ClassVar[frozenset[Role]] = frozenset({Role.PACKAGE})

    VALID = (
        {
            "pkg/data.py": "import numpy as np\n\ndef crop():\n    return np.random.randint(9)\n",
            "pkg/train.py": "import numpy as np\n\ndef main(cfg):\n    np.random.seed(cfg.seed)\n",
        },
        {
            "pkg/model.py": "import torch\nfrom torch import nn\n\nw = torch.empty(3, 3)\n"
            "nn.init.xavier_uniform_(w)\nnoise = torch.randn(3)\nw.normal_(0.0, 0.02)\n",
            "pkg/cli.py": "import lightning as L\n\nL.seed_everything(42)\n",
        },
        "import torch\nfrom torch import nn\n\nlayer = nn.Linear(4, 4)\ndrop = nn.Dropout(0.1)\n"
        "x = torch.randn(2, 4, generator=gen)\nw = torch.empty(4).normal_(generator=gen)\n",
        "import tensorflow as tf\nx = tf.random.normal([3], seed=7)\n",
        "import numpy as np\nrng = np.random.default_rng(0)\nx = rng.normal(size=3)\n",
        {
            "pkg/train.py": "from transformers import set_seed\nimport random\n\n"
            "set_seed(0)\nrandom.shuffle(items)\n",
        },
    )
    INVALID = (
        "import numpy as np\ny0 = np.random.randint(0, 100)\n",
        "import random\nrandom.shuffle(files)\n",
        "import torch\nfrom torch import nn\n\nw = torch.empty(3, 3)\nnn.init.kaiming_normal_(w)\n",
        "import torch\nnoise = torch.randn(3, 64, 64)\n",
        "import torch\nw = torch.empty(3)\nw.normal_(0.0, 0.02)\n",
        "from timm.layers import trunc_normal_\ntrunc_normal_(w, std=0.02)\n",
        "import tensorflow as tf\nx = tf.random.uniform([3])\n",
        {
            "pkg/data.py": "import numpy as np\nnp.random.shuffle(files)\n",
            "tests/test_data.py": "import numpy as np\nnp.random.seed(0)\n",
        },
        {
            "pkg/data.py": "import numpy as np\nnp.random.shuffle(files)\n",
            "pkg/train.py": "import numpy as np\nimport torch\n\ntorch.manual_seed(0)\n"
            "np.random.seed()\n",
        },
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._draws: list[tuple[str, str | None, cst.Call]] = []
        self._seeds: set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        found = callee(self, node, _CANDIDATES)
        if found is None:
            return
        called, name = found
        if name is None or name.startswith("builtins."):
            method = isinstance(node.func, cst.Attribute)
            if method and called in _TENSOR_DRAWS and self.context.imports.binds("torch"):
                self._draw(node, "torch", f"Tensor.{called}", "generator")
            elif called in _SEED_ALL:
                self._seeds.update(_ALL)
            return
        if name in _SEEDS:
            parameter = _SEED_PARAMETER.get(name)
            if parameter is None or passes(node, parameter, 0):
                self._seeds.update(_SEEDS[name])
        elif called in _SEED_ALL:
            self._seeds.update(_ALL)
        else:
            self._classify_draw(node, name, called)

    def _classify_draw(self, node: cst.Call, name: str, called: str) -> None:
        module = name[: -len(called) - 1]
        if module in _DRAWS:
            draws, library, parameter = _DRAWS[module]
            if called in draws:
                self._draw(node, library, parameter=parameter)
        elif name.startswith("timm.") and called in _TIMM_DRAWS:
            self._draw(node, "torch")

    def _draw(
        self, node: cst.Call, library: str, shown: str | None = None, parameter: str = ""
    ) -> None:
        """Note a draw, unless it passes its own ``generator=``/``seed=``."""
        if not (parameter and passes(node, parameter)):
            self._draws.append((library, shown, node))

    def facts(self) -> dict[str, Any]:
        """Seeded libraries, and the draws from the others with their spans (locating a node
        costs a code-generation pass over the file: skipped where this file seeds the library
        itself, as such draws can never be findings)."""
        draws = []
        for library, shown, node in self._draws:
            if library in self._seeds:
                continue
            span = self.span(node)
            text = shown or self.context.module.code_for_node(node.func)
            draws.append([library, text, span.line, span.column, span.end_line, span.end_column])
        return {"draws": draws, "seeds": sorted(self._seeds)}

    @classmethod
    def decide(cls, files: Sequence[FileFacts]) -> Iterable[ProjectFinding]:
        seeded = {library for file in files for library in file.facts["seeds"]}
        for file in files:
            for library, shown, *span in file.facts["draws"]:
                if library in seeded:
                    continue
                state, advice = _ADVICE[library]
                yield ProjectFinding(
                    file.path,
                    Span(*span),
                    f"`{shown}` draws from {state}, and no package code seeds it: results "
                    f"differ on every run; {advice}",
                )

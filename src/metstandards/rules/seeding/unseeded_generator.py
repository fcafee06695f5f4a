from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from metstandards.engine.imports import dotted_name
from metstandards.rule import Rule
from metstandards.rules.seeding._calls import callee, passes

if TYPE_CHECKING:
    from metstandards.engine.context import FileContext

# Constructors of explicit RNGs -> (seed parameter, its position).
_SEEDED_BY = {
    "numpy.random.default_rng": ("seed", 0),
    "numpy.random.RandomState": ("seed", 0),
    "numpy.random.PCG64": ("seed", 0),
    "numpy.random.PCG64DXSM": ("seed", 0),
    "numpy.random.MT19937": ("seed", 0),
    "numpy.random.Philox": ("seed", 0),
    "numpy.random.SFC64": ("seed", 0),
    "random.Random": ("x", 0),
}
_TF_NON_DETERMINISTIC = frozenset(
    {
        "tensorflow.random.Generator.from_non_deterministic_state",
        "tensorflow.random.experimental.Generator.from_non_deterministic_state",
    }
)
_TORCH_SEEDERS = frozenset({"manual_seed", "set_state"})
_MODULE = 0  # the region of code outside any class or function
_CANDIDATES = frozenset(
    {name.rsplit(".", 1)[1] for name in _SEEDED_BY} | {"Generator", "from_non_deterministic_state"}
)


def _key(target: cst.BaseExpression) -> str | None:
    """What a generator is known by for the seeding search: ``gen`` for ``gen`` and ``self.gen``."""
    name = dotted_name(target)
    return name.rsplit(".", 1)[-1] if name is not None else None


class UnseededGenerator(Rule):
    """An explicit random generator created without a seed.

    ## What it does
    Flags `numpy.random.default_rng()`, `numpy.random.RandomState()`, numpy bit generators
    (`PCG64()`, `PCG64DXSM()`, `MT19937()`, `Philox()`, `SFC64()`, so `Generator(PCG64())` too),
    `random.Random()` and `tf.random.Generator.from_non_deterministic_state()` when no seed is
    given or the seed is the literal `None`; and `torch.Generator()` when nothing calls
    `.manual_seed(...)` or `.set_state(...)` on it in the same class (outside classes: the same
    function; for a module-level generator: anywhere in the module). The generator is matched by
    the name it is stored under (`gen`, `self.gen`), or by a chained
    `torch.Generator().manual_seed(seed)`.

    ## Why is this bad?
    A numpy or Python generator without a seed takes fresh entropy from the OS: crops, shuffles,
    noise and ensemble perturbations differ on every run, so a forecast skill change cannot be told
    apart from luck and a bug cannot be reproduced. A `torch.Generator()` that is never seeded is
    the opposite trap: it starts from torch's fixed default seed, so every such generator gives
    the same stream whatever the run's configured seed is.

    ## Example
    ```python
    import numpy as np

    rng = np.random.default_rng()
    ```

    ## Use instead
    ```python
    import numpy as np

    rng = np.random.default_rng(cfg.seed)
    ```
    and for torch, `gen = torch.Generator(device=device); gen.manual_seed(cfg.seed)`.

    ## Options
    None. A seed given as a name, attribute, call or any expression other than `None` counts as
    seeded (the rule cannot know its value); so do `*args`/`**kwargs` that may carry one.
    `jax.random.key`/`PRNGKey` always take a seed and are never flagged, nor is
    `random.SystemRandom`, which is meant to be unpredictable.
    """

    code = "MS101"
    name = "unseeded-generator"

    VALID = (
        "import numpy as np\nrng = np.random.default_rng(cfg.seed)\n",
        "from numpy.random import default_rng\nrng = default_rng(seed=42)\n",
        "import numpy as np\nrs = np.random.RandomState(seed)\n",
        "import numpy as np\nrng = np.random.Generator(np.random.PCG64(sequence.spawn(1)[0]))\n",
        "import random\nrng = random.Random(config.seed)\n",
        "import jax\nkey = jax.random.PRNGKey(0)\nkey2 = jax.random.key(seed)\n",
        "import torch\ngen = torch.Generator().manual_seed(seed)\n",
        "import torch\n\ndef loader(ds, seed):\n    g = torch.Generator()\n"
        "    g.manual_seed(seed)\n    return DataLoader(ds, generator=g)\n",
        "import torch\n\nclass Sampler:\n    def __init__(self):\n"
        "        self.gen = torch.Generator()\n\n"
        "    def set_epoch(self, epoch):\n        self.gen.manual_seed(self.seed + epoch)\n",
        "import numpy as np\n\ndef make_rng(**kw):\n    return np.random.default_rng(**kw)\n",
    )
    INVALID = (
        "import numpy as np\nrng = np.random.default_rng()\n",
        "import numpy as np\nrng = np.random.default_rng(None)\n",
        "import numpy as np\nrs = np.random.RandomState(seed=None)\n",
        "from numpy.random import Generator, PCG64\nrng = Generator(PCG64())\n",
        "import random\nrng = random.Random()\n",
        "import torch\nloader = DataLoader(ds, shuffle=True, generator=torch.Generator())\n",
        "import torch\n\ndef noise(shape):\n    g = torch.Generator()\n    g.seed()\n"
        "    return torch.randn(shape, generator=g)\n",
        "import tensorflow as tf\ng = tf.random.Generator.from_non_deterministic_state()\n",
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # The targets of the assignments being walked, innermost last: a generator made in
        # ``gen = torch.Generator()`` or ``gen = gen or torch.Generator()`` is known as ``gen``.
        self._assignments: list[cst.BaseExpression | None] = []
        # ``torch.Generator()`` calls seeded by a chained ``.manual_seed(...)``.
        self._chained: set[int] = set()
        # (region, name) pairs on which ``.manual_seed``/``.set_state`` is called.
        self._seeded: set[tuple[int, str]] = set()
        self._torch_generators: list[tuple[cst.Call, int, str | None]] = []

    def _region(self) -> int:
        """Where a torch generator's seeding is looked for: the innermost class, else the
        innermost function, else the module."""
        scopes = self.context.scopes
        for scope in reversed(scopes):
            if isinstance(scope, cst.ClassDef):
                return id(scope)
        return id(scopes[-1]) if scopes else _MODULE

    def visit_Assign(self, node: cst.Assign) -> None:
        self._assignments.append(node.targets[0].target if len(node.targets) == 1 else None)

    def leave_Assign(self, node: cst.Assign) -> None:
        self._assignments.pop()

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._assignments.append(node.target)

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._assignments.pop()

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in _TORCH_SEEDERS:
            self._note_seeding(node.func)
            return
        found = callee(self, node, _CANDIDATES)
        if found is None:
            return
        name = found[1]
        if name == "torch.Generator":
            target = self._assignments[-1] if self._assignments else None
            key = _key(target) if target is not None else None
            self._torch_generators.append((node, self._region(), key))
        elif name in _SEEDED_BY:
            parameter, position = _SEEDED_BY[name]
            if not passes(node, parameter, position):
                called = self.context.module.code_for_node(node.func)
                self.report(
                    node,
                    f"`{called}` is created without a seed: results differ on every run; pass a "
                    f"seed from the config, e.g. `{called}(cfg.seed)`",
                )
        elif name in _TF_NON_DETERMINISTIC:
            self.report(
                node,
                "`Generator.from_non_deterministic_state()` seeds from the OS: results differ on "
                "every run; use `tf.random.Generator.from_seed(cfg.seed)`",
            )

    def _note_seeding(self, func: cst.Attribute) -> None:
        if isinstance(func.value, cst.Call):
            self._chained.add(id(func.value))
            return
        key = _key(func.value)
        if key is not None:
            # A module-level generator may be seeded from any function of the module.
            self._seeded.update({(self._region(), key), (_MODULE, key)})

    def leave_Module(self, node: cst.Module) -> None:
        for call, region, key in self._torch_generators:
            if id(call) in self._chained or (key is not None and (region, key) in self._seeded):
                continue
            self.report(
                call,
                "`torch.Generator()` gets no `.manual_seed(...)` here: it starts from torch's "
                "fixed default seed, so the configured seed has no effect and every such "
                "generator gives the same stream; call `.manual_seed(cfg.seed)` on it",
            )

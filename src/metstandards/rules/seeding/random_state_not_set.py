from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from metstandards.rule import Rule
from metstandards.rules.seeding._calls import callee, keyword, passes

if TYPE_CHECKING:
    from metstandards.engine.context import FileContext

# scikit-learn APIs that are random whenever they are called.
_ALWAYS_RANDOM = frozenset(
    {
        "train_test_split", "ShuffleSplit", "StratifiedShuffleSplit", "GroupShuffleSplit",
        "RandomForestRegressor", "RandomForestClassifier", "ExtraTreesRegressor",
        "ExtraTreesClassifier", "GradientBoostingRegressor", "GradientBoostingClassifier", "KMeans",
        "MiniBatchKMeans", "TSNE", "MLPRegressor", "MLPClassifier", "SGDRegressor", "SGDClassifier",
        "SGDOneClassSVM",
    }
)
# Cross-validation splitters that are random only with ``shuffle=True``.
_SHUFFLING_SPLITTERS = frozenset({"KFold", "StratifiedKFold", "GroupKFold", "StratifiedGroupKFold"})
_RANDOM_SVD_SOLVERS = frozenset({"randomized", "arpack"})
_PANDAS_MAKERS = frozenset({"pandas.DataFrame", "pandas.Series", "pandas.concat"})
_PANDAS_MAKER_NAMES = frozenset(name.rsplit(".", 1)[1] for name in _PANDAS_MAKERS)
_CANDIDATES = _ALWAYS_RANDOM | _SHUFFLING_SPLITTERS | {"PCA", "shuffle", "sample"}
# ``DataFrame.sample(n, frac, replace, weights, random_state, ...)``
_SAMPLE_RANDOM_STATE_POSITION = 4


def _is_constant(node: cst.BaseExpression | None, value: str) -> bool:
    return isinstance(node, cst.Name) and node.value == value


def _string(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


class RandomStateNotSet(Rule):
    """A stochastic scikit-learn or pandas API called without `random_state`.

    ## What it does
    Flags, when no `random_state=` is passed (or it is the literal `None`):
    `sklearn.model_selection.train_test_split` (unless `shuffle=False`), `ShuffleSplit` and its
    stratified/group variants, `KFold`/`StratifiedKFold`/`GroupKFold`/`StratifiedGroupKFold`
    with `shuffle=True`, `RandomForest*`, `ExtraTrees*`, `GradientBoosting*`, `KMeans`,
    `MiniBatchKMeans`, `PCA(svd_solver="randomized"|"arpack")`, `TSNE`, `MLP*`, `SGD*`,
    `sklearn.utils.shuffle`; and `.sample(...)` on a value that is provably a pandas object in
    the same scope: the direct result of, or a name last assigned from, `pd.DataFrame(...)`,
    `pd.Series(...)`, `pd.concat(...)` or `pd.read_*(...)`. Names are resolved through imports.

    ## Why is this bad?
    These APIs draw from numpy's global state when `random_state` is missing: the train/test
    split, the folds, the fitted trees or clusters and the sampled rows change on every run, so
    verification scores of a post-processing model cannot be reproduced or compared fairly.
    Even with `np.random.seed(...)` at start-up the result depends on every draw made before
    it, so adding or reordering unrelated code silently changes the split.

    ## Example
    ```python
    from sklearn.ensemble import RandomForestRegressor

    model = RandomForestRegressor(n_estimators=cfg.n_estimators)
    ```

    ## Use instead
    ```python
    from sklearn.ensemble import RandomForestRegressor

    model = RandomForestRegressor(n_estimators=cfg.n_estimators, random_state=cfg.seed)
    ```

    ## Options
    None. `**kwargs` in the call may carry `random_state` and is trusted. Estimators chosen at run
    time (`ESTIMATORS[name](...)`, `getattr(ensemble, name)(...)`) are not resolved and not
    flagged. Only literal arguments decide randomness: `KFold(shuffle=flag)` is not flagged
    (scikit-learn rejects a `random_state` when shuffling is off), nor is `PCA` with a
    non-literal `svd_solver`; `train_test_split(shuffle=flag)` is, since there `random_state` is
    harmless either way. `.sample(...)` on a value whose pandas type is not visible in the same
    scope (a parameter, a name reassigned from another call) is not flagged.
    """

    code = "MS103"
    name = "random-state-not-set"

    VALID = (
        "from sklearn.model_selection import train_test_split\n"
        "a, b = train_test_split(x, test_size=0.2, random_state=cfg.seed)\n",
        "from sklearn.model_selection import train_test_split\n"
        "a, b = train_test_split(x, shuffle=False)\n",
        "from sklearn.model_selection import KFold\nfolds = KFold(n_splits=5)\n",
        "from sklearn.decomposition import PCA\npca = PCA(n_components=10)\n",
        "from sklearn.ensemble import RandomForestRegressor\n"
        "model = RandomForestRegressor(**cfg.forest)\n",
        "from sklearn import ensemble\nmodel = getattr(ensemble, cfg.estimator)()\n",
        "import pandas as pd\ndf = pd.read_csv(path)\nrows = df.sample(frac=0.1, random_state=0)\n",
        "rows = table.sample(frac=0.1)\n",
    )
    INVALID = (
        "from sklearn.model_selection import train_test_split\n"
        "a, b = train_test_split(x, test_size=0.2)\n",
        "from sklearn.ensemble import RandomForestRegressor\n"
        "model = RandomForestRegressor(n_estimators=100, random_state=None)\n",
        "from sklearn.model_selection import StratifiedKFold\n"
        "folds = StratifiedKFold(n_splits=5, shuffle=True)\n",
        "from sklearn import decomposition\npca = decomposition.PCA(8, svd_solver='randomized')\n",
        "import sklearn.cluster\nkm = sklearn.cluster.KMeans(n_clusters=4)\n",
        "from sklearn.utils import shuffle\nx, y = shuffle(x, y)\n",
        "import pandas as pd\ndf = pd.read_parquet(path)\nrows = df.sample(n=100)\n",
        "import pandas as pd\nrows = pd.DataFrame(data).sample(frac=1.0)\n",
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # (scope, name) pairs last assigned a pandas object.
        self._pandas: set[tuple[int, str]] = set()

    def _scope(self) -> int:
        scopes = self.context.scopes
        return id(scopes[-1]) if scopes else 0

    def _makes_pandas(self, node: cst.BaseExpression) -> bool:
        if not isinstance(node, cst.Call):
            return False
        own = node.func.attr.value if isinstance(node.func, cst.Attribute) else None
        if own is not None and own not in _PANDAS_MAKER_NAMES and not own.startswith("read_"):
            return False
        name = self.qualified_name(node.func)
        return name is not None and (name in _PANDAS_MAKERS or name.startswith("pandas.read_"))

    def _is_pandas(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return (self._scope(), node.value) in self._pandas
        return self._makes_pandas(node)

    def leave_Assign(self, node: cst.Assign) -> None:
        """Track names bound to pandas objects. On leaving, so that in ``df = df.sample(...)`` the
        call still sees the old binding."""
        pandas = self._makes_pandas(node.value)
        for target in node.targets:
            self._bind(target.target, pandas)

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, self._makes_pandas(node.value))

    def _bind(self, target: cst.BaseExpression, pandas: bool) -> None:
        scope = self._scope()
        if isinstance(target, cst.Name):
            if pandas:
                self._pandas.add((scope, target.value))
            else:
                self._pandas.discard((scope, target.value))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value, False)

    def visit_Call(self, node: cst.Call) -> None:
        found = callee(self, node, _CANDIDATES)
        if found is None:
            return
        own, name = found
        if own == "sample":
            self._check_sample(node)
        elif name is not None and name.startswith("sklearn.") and self._random(node, own, name):
            if passes(node, "random_state"):
                return
            shown = self.context.module.code_for_node(node.func)
            self.report(
                node,
                f"`{shown}(...)` without `random_state`: its result changes on every run; pass "
                "`random_state=` from the config, e.g. `random_state=cfg.seed`",
            )

    @staticmethod
    def _random(node: cst.Call, own: str, name: str) -> bool:
        if own == "train_test_split":
            return not _is_constant(keyword(node, "shuffle"), "False")
        if own in _ALWAYS_RANDOM:
            return True
        if own in _SHUFFLING_SPLITTERS:
            return _is_constant(keyword(node, "shuffle"), "True")
        if own == "PCA":
            return _string(keyword(node, "svd_solver")) in _RANDOM_SVD_SOLVERS
        return name == "sklearn.utils.shuffle"

    def _check_sample(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or not self._is_pandas(func.value):
            return
        if passes(node, "random_state", _SAMPLE_RANDOM_STATE_POSITION):
            return
        shown = self.context.module.code_for_node(func)
        self.report(
            node,
            f"`{shown}(...)` without `random_state`: the sampled rows change on every run; pass "
            "`random_state=cfg.seed`",
        )

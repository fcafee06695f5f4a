from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import libcst as cst

from metstandards.rule import FileFacts, ProjectFinding, ProjectRule, Role, Span
from metstandards.rules.serialization._families import (
    BY_KEY,
    CANDIDATE_NAMES,
    HUGGING_FACE,
    KERAS,
    module_of,
    normalise,
    reader_family,
    resolve,
    suffixes,
    writer_family,
)

if TYPE_CHECKING:
    from metstandards.engine.context import FileContext

#: Calls that give a keras model, after normalisation (``tf.keras.Sequential`` -> ``keras...``).
_KERAS_MODELS = frozenset({"Model", "Sequential", "Functional", "load_model", "clone_model"})
#: Destinations that do not outlive the process: in-memory buffers and temporary files.
_TRANSIENT = frozenset(
    {
        "io.BytesIO",
        "io.StringIO",
        "tempfile.NamedTemporaryFile",
        "tempfile.TemporaryFile",
        "tempfile.SpooledTemporaryFile",
    }
)
_TRAIN = "import torch\n\ndef save(model, path):\n    torch.save(model.state_dict(), path)\n"


def _last_name(func: cst.BaseExpression) -> str | None:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def _kept(call: cst.Call) -> bool:
    """`NamedTemporaryFile(delete=False)`: the atomic-write idiom, renamed into place later."""
    return any(
        arg.keyword is not None
        and arg.keyword.value == "delete"
        and isinstance(arg.value, cst.Name)
        and arg.value.value == "False"
        for arg in call.args
    )


def _is_keras_model(name: str | None) -> bool:
    if name is None:
        return False
    name = normalise(name)
    return name.startswith("keras.") and (
        name.rsplit(".", 1)[-1] in _KERAS_MODELS or name.startswith("keras.applications.")
    )


class SaveWithoutRoundtripTest(ProjectRule):
    """Package code writes a model artifact that no test ever reads back.

    ## What it does
    Collects, across the project, the artifact families that package code writes — `torch.save`,
    `pickle.dump(s)`, `joblib.dump`, `numpy.save(z)`, keras `Model.save`/`save_model`,
    `.save_pretrained`, `torch.onnx.export`/`onnx.save`, mlflow `<flavor>.save_model|log_model`,
    safetensors `save_file` — and reports each family once, at its first write site (by path,
    then line), when the test suite never calls that family's reader: neither directly
    (`torch.load`, `pickle.load`, `joblib.load`, `numpy.load`, `keras.models.load_model`,
    `.from_pretrained`, `onnx.load`/`onnxruntime.InferenceSession`, `mlflow.<flavor>.load_model`,
    safetensors `load_file`/`safe_open`) nor through one project function that calls it. A
    project without tests gets the finding too.

    ## Why is this bad?
    A checkpoint that cannot be read back is found out on the day it is needed: after a
    two-week training run, or when an operational suite restarts from it. Renamed modules,
    changed state-dict keys, tensors on the wrong device and unpicklable closures all pass a
    test that only writes. Only a save -> load -> compare test proves the artifact is usable.

    ## Example
    ```python
    # pkg/train.py
    torch.save(model.state_dict(), out_dir / "model.pt")
    # tests/test_train.py only checks that model.pt exists
    ```

    ## Use instead
    ```python
    # tests/test_train.py
    def test_checkpoint_roundtrip(tmp_path):
        save_checkpoint(model, tmp_path / "model.pt")
        state = torch.load(tmp_path / "model.pt", weights_only=True)
        assert state.keys() == model.state_dict().keys()
    ```

    ## Options
    None. Decisions where the catalogue is silent:

    - Any reader call in test code counts, in a test, a helper or a `conftest.py` fixture.
      Readers in package code, `examples/` or `docs/` do not: they run in no test.
    - One level of indirection: a test call reaches a reader when it names a package function
      or method whose body calls it. A call resolved through the test's imports matches the
      function's qualified name (or a dotted tail of it, for a project root above the import
      root); a call that resolves into the project under another path (a re-export) or not at
      all (`checkpoint.load()` on an object) matches by the function's name. A call of a class
      counts as a call of its `__init__`. A call resolved to another library never matches a
      project function by name (`json.load` is not `pkg.io.load`). Property access and deeper
      chains are not followed.
    - A project module that re-exports a library under its own name
      (`from pkg.lazy import torch`, a lazy-import proxy) is that library.
    - keras `x.save(...)` counts only where `x` is provably a keras model in the same function:
      assigned from `keras.Model/Sequential/load_model/...`, a `keras.applications` model, or a
      parameter annotated as one. `.save_pretrained(...)`/`.from_pretrained(...)` count on any
      object: the names are the Hugging Face convention.
    - `pickle` includes `cloudpickle` and `dill` (their files load with each other's readers).
    - Not persistence, so not a write site: a writer nested in its own family's reader
      (`pickle.loads(pickle.dumps(x))`), or one writing to an `io.BytesIO`/`io.StringIO`
      buffer or a `tempfile` file (or its `.name`) opened in the same function; not with
      `delete=False`, the atomic-write idiom that renames the file into place.
    - xarray, netCDF and Zarr data I/O is out of scope.
    """

    code = "MS201"
    name = "save-without-roundtrip-test"
    roles = frozenset({Role.PACKAGE, Role.TEST})

    VALID = (
        {
            "pkg/train.py": _TRAIN,
            "tests/test_train.py": (
                "import torch\nfrom pkg.train import save\n\n"
                "def test_roundtrip(tmp_path, model):\n"
                "    save(model, tmp_path / 'm.pt')\n"
                "    assert torch.load(tmp_path / 'm.pt', weights_only=True)\n"
            ),
        },
        {
            "pkg/io.py": (
                "import torch\n\n"
                "def save_model(model, path):\n    torch.save(model.state_dict(), path)\n\n"
                "def load_model(path):\n    return torch.load(path, weights_only=True)\n"
            ),
            "tests/test_io.py": (
                "from pkg.io import load_model, save_model\n\n"
                "def test_roundtrip(tmp_path, model):\n"
                "    save_model(model, tmp_path / 'm.pt')\n"
                "    assert load_model(tmp_path / 'm.pt')\n"
            ),
        },
        {
            "pkg/export.py": "def export(model, out):\n    model.save(out)\n",
            "tests/test_export.py": "def test_nothing():\n    pass\n",
        },
        {
            "pkg/copy.py": (
                "import pickle\n\ndef clone(obj):\n    return pickle.loads(pickle.dumps(obj))\n"
            ),
        },
        {
            "pkg/data.py": "import xarray as xr\n\ndef write(ds, path):\n    ds.to_zarr(path)\n",
        },
    )
    INVALID = (
        {
            "pkg/train.py": _TRAIN,
            "tests/test_train.py": (
                "from pkg.train import save\n\n"
                "def test_save(tmp_path, model):\n"
                "    save(model, tmp_path / 'm.pt')\n"
                "    assert (tmp_path / 'm.pt').exists()\n"
            ),
        },
        {"pkg/stats.py": "import numpy as np\n\ndef store(path, a):\n    np.save(path, a)\n"},
        {
            "pkg/export.py": (
                "from tensorflow import keras\n\n"
                "def export(path):\n    model = keras.Sequential([])\n    model.save(path)\n"
            ),
            "tests/test_export.py": "import torch\n\ndef test_load():\n    torch.load('x.pt')\n",
        },
        {
            "pkg/hub.py": "def publish(model, out):\n    model.save_pretrained(out)\n",
            "tests/test_hub.py": "def test_publish():\n    pass\n",
        },
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._module = module_of(context.path)
        self._is_test = context.role is Role.TEST
        # Package code: first write site per family, and the families each function reads.
        self._saves: dict[str, tuple[str, Span]] = {}
        self._loaders: dict[str, set[str]] = defaultdict(set)
        # Test code: families read directly, and every function the tests call.
        self._reads: set[str] = set()
        self._calls: set[str] = set()
        # Per enclosing scope: names bound to a keras model, or to a buffer or temporary file.
        self._keras: dict[int, set[str]] = defaultdict(set)
        self._transient: dict[int, set[str]] = defaultdict(set)
        self._round_trips: set[int] = set()

    def _scope(self) -> int:
        scopes = self.context.scopes
        return id(scopes[-1]) if scopes else 0

    # -- bindings that make a later call provable -------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self._is_test:
            return
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            hint = param.annotation
            if hint is not None and _is_keras_model(self.qualified_name(hint.annotation)):
                self._keras[id(node)].add(param.name.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._is_test or not isinstance(node.value, cst.Call):
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._bind(target.target.value, node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if self._is_test or not isinstance(node.item, cst.Call) or node.asname is None:
            return
        if isinstance(node.asname.name, cst.Name):
            self._bind(node.asname.name.value, node.item)

    def _bind(self, name: str, call: cst.Call) -> None:
        produced = self.qualified_name(call.func)
        if produced in _TRANSIENT and not _kept(call):
            self._transient[self._scope()].add(name)
        elif _is_keras_model(produced):
            self._keras[self._scope()].add(name)

    # -- calls ----------------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        last = _last_name(node.func)
        if self._is_test:
            self._record_test_call(node, last)
        elif last in CANDIDATE_NAMES or isinstance(node.func, cst.Name):  # a Name may be an alias
            self._record_package_call(node, last)

    def _family(self, node: cst.Call, last: str | None) -> tuple[str | None, str | None, str]:
        """(writer family, reader family, the call as written in the message)."""
        if last == "save_pretrained" and isinstance(node.func, cst.Attribute):
            return HUGGING_FACE, None, ".save_pretrained"
        if last == "from_pretrained" and isinstance(node.func, cst.Attribute):
            return None, HUGGING_FACE, ".from_pretrained"
        name = resolve(self, node.func)
        if name is None:
            func = node.func
            if (
                last == "save"
                and isinstance(func, cst.Attribute)
                and isinstance(func.value, cst.Name)
                and func.value.value in self._keras[self._scope()]
            ):
                return KERAS, None, "Model.save"
            return None, None, ""
        name = normalise(name)
        return writer_family(name), reader_family(name), name

    def _record_test_call(self, node: cst.Call, last: str | None) -> None:
        if last in CANDIDATE_NAMES or isinstance(node.func, cst.Name):
            reads = self._family(node, last)[1]
            if reads is not None:
                self._reads.add(reads)
        name = self.qualified_name(node.func)
        if name is not None and not name.startswith("builtins."):
            self._calls.add(name)
        elif name is None and last is not None:
            self._calls.add(last)

    def _record_package_call(self, node: cst.Call, last: str | None) -> None:
        writes, reads, written = self._family(node, last)
        if reads is not None:
            self._record_reader(node, reads)
        if writes is None or writes in self._saves or id(node) in self._round_trips:
            return
        if self._writes_transient(node):
            return
        self._saves[writes] = (written, self.span(node))

    def _record_reader(self, node: cst.Call, family: str) -> None:
        # `pickle.loads(pickle.dumps(x))` copies in memory: its writer is not a write site.
        for arg in node.args:
            self._round_trips.add(id(arg.value))
        # Every enclosing function is a loader; an `__init__` makes its class one (a test
        # calls `Class(...)`, not `__init__`).
        path = [self._module] if self._module else []
        for scope in self.context.scopes:
            if not isinstance(scope, (cst.FunctionDef, cst.ClassDef)):
                break
            name = scope.name.value
            if isinstance(scope, cst.FunctionDef):
                loader = path if name == "__init__" else [*path, name]
                self._loaders[".".join(loader)].add(family)
            path.append(name)

    def _writes_transient(self, node: cst.Call) -> bool:
        """Whether the writer's destination is a buffer or temporary file (`tmp`, `tmp.name`)."""
        transient = self._transient.get(self._scope(), set())
        for arg in node.args:
            value = arg.value
            if isinstance(value, cst.Attribute) and value.attr.value == "name":
                value = value.value
            if isinstance(value, cst.Name) and value.value in transient:
                return True
            if isinstance(value, cst.Call) and self.qualified_name(value.func) in _TRANSIENT:
                return not _kept(value)
        return False

    def facts(self) -> dict[str, Any]:
        if self._is_test:
            return {"reads": sorted(self._reads), "calls": sorted(self._calls)}
        return {
            "module": self._module,
            "saves": [
                [family, written, span.line, span.column, span.end_line, span.end_column]
                for family, (written, span) in sorted(self._saves.items())
            ],
            "loaders": {name: sorted(families) for name, families in sorted(self._loaders.items())},
        }

    @classmethod
    def decide(cls, files: Sequence[FileFacts]) -> Iterable[ProjectFinding]:
        package = [f for f in files if f.role is Role.PACKAGE]
        tests = [f for f in files if f.role is Role.TEST]
        # Loaders by every dotted suffix of their qualified name: `pkg.io.load_model` is also
        # `io.load_model` and `load_model` (re-exports, calls on objects, a root above `pkg`).
        loaders: dict[str, set[str]] = defaultdict(set)
        for file in package:
            for qualified, families in file.facts["loaders"].items():
                for suffix in suffixes(qualified):
                    loaders[suffix].update(families)
        project = {part for f in package for part in f.facts["module"].split(".") if part}

        covered: set[str] = set()
        for file in tests:
            covered.update(file.facts["reads"])
            for call in file.facts["calls"]:
                head, _, _ = call.partition(".")
                if call in loaders:
                    covered.update(loaders[call])
                elif head in project:  # into the project, under another path
                    covered.update(loaders.get(call.rsplit(".", 1)[-1], ()))

        first: dict[str, tuple[str, Span, str]] = {}
        for file in package:
            for family, written, *where in file.facts["saves"]:
                if family in covered:
                    continue
                site = (file.path, Span(*where), written)
                if family not in first or site[:2] < first[family][:2]:
                    first[family] = site
        for family, (path, span, written) in sorted(first.items()):
            yield ProjectFinding(path, span, _message(family, written, bool(tests)))


def _message(family: str, written: str, has_tests: bool) -> str:
    kind = BY_KEY[family]
    reader = kind.reader_hint
    if family == "mlflow":
        reader = f"`{written.rsplit('.', 1)[0]}.load_model`"
    where = "no test reads one back" if has_tests else "the project has no tests to read one back"
    return (
        f"`{written}` writes a {kind.label} artifact, but {where} with {reader}, directly or "
        "through a project loader; add a test that saves, reloads and compares"
    )

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import libcst as cst

from metstandards.findings import Severity
from metstandards.rule import FileFacts, ProjectFinding, ProjectRule, Role, Span
from metstandards.rules.serialization._families import module_of, suffixes

if TYPE_CHECKING:
    from metstandards.engine.context import FileContext

#: Writer -> the readers that undo it: the catalogue's pairs (both spellings of serialise).
PAIRS: dict[str, tuple[str, ...]] = {
    "save": ("load",),
    "to_dict": ("from_dict",),
    "to_json": ("from_json",),
    "to_yaml": ("from_yaml",),
    "to_config": ("from_config",),
    "to_file": ("from_file",),
    "serialize": ("deserialize", "deserialise"),
    "serialise": ("deserialise", "deserialize"),
    "dump": ("load",),
    "to_onnx": ("from_onnx",),
    "to_bytes": ("from_bytes",),
    "save_pretrained": ("from_pretrained",),
}
_PAIRED = frozenset(reader for readers in PAIRS.values() for reader in readers)
#: Public names like these read something back. Outside the catalogue's pairs they are taken
#: as the inverse of any writer, named after what they read: `from_checkpoint`,
#: `load_precomputed`, `from_serialized`, `restore`, `read_stats`.
_READER_PREFIXES = ("load", "from_", "read_", "restore", "deserial")
#: `dump` often means "print for debugging" or "render into a visitor": it is a writer only when
#: its body writes: opens a file, or calls a `dump`/`save`-like function of an imported library.
_DUMP_EVIDENCE = frozenset(
    {"dump", "dumps", "safe_dump", "dump_all", "save", "savez", "savez_compressed"}
)
_PATH_WRITES = frozenset({"write_text", "write_bytes"})
#: Parameter names of a destination, not of data to convert: `save(self, path)`.
_DESTINATIONS = frozenset(
    {"f", "p", "fp", "fh", "stream", "handle", "buffer", "buf", "out", "output", "writer"}
    | {"dest", "destination", "location", "target", "where"}
)
_DESTINATION_SUFFIXES = ("path", "file", "dir", "directory", "folder", "filename", "fname", "uri")
_UNKNOWN = "?"


def _reads(name: str) -> bool:
    return name == "read" or name.startswith(_READER_PREFIXES)


def _writes_itself(node: cst.FunctionDef) -> bool:
    """Whether a writer method writes its own object, at most to a destination it is given.

    `to_json(self)` and `save(self, path)` do; `to_json(self, value)`, `serialize(self, event)`
    and `save(self, key, value)` write an argument: the class is a codec or a store (flask's
    JSON tags, an example database), whose inverse is a different method or class.
    """
    if any(
        isinstance(d.decorator, cst.Name) and d.decorator.value in ("staticmethod", "classmethod")
        for d in node.decorators
    ):
        return False
    params = node.params
    positional = [*params.posonly_params, *params.params][1:]  # without `self`
    required = [p for p in (*positional, *params.kwonly_params) if p.default is None]
    if not required:
        return True
    if len(required) > 1:
        return False
    name = required[0].name.value.lower()
    return name in _DESTINATIONS or name.endswith(_DESTINATION_SUFFIXES)


def _base_expression(arg: cst.Arg) -> cst.BaseExpression:
    value = arg.value
    while isinstance(value, (cst.Subscript, cst.Call)):  # Generic[T], namedtuple("P", ...)
        value = value.value if isinstance(value, cst.Subscript) else value.func
    return value


class AsymmetricSerialization(ProjectRule):
    """A class can write itself out but has no matching method to read itself back.

    ## What it does
    Reports a public method of a class that writes the object — `save`, `to_dict`, `to_json`,
    `to_yaml`, `to_config`, `to_file`, `serialize`, `dump`, `to_onnx`, `to_bytes`,
    `save_pretrained` — when the class has no matching reader: `load`, `from_dict`, `from_json`,
    `from_yaml`, `from_config`, `from_file`, `deserialize`, `load`, `from_onnx`, `from_bytes`,
    `from_pretrained`. Readers inherited from a base class defined in the project count; a
    class with a base from a third-party library is assumed complete.

    ## Why is this bad?
    A writer without a reader leaves every user to reinvent the inverse: the config or
    normaliser statistics saved next to a checkpoint are parsed by hand, slightly differently,
    in each inference script, and the format drifts. Keeping both halves on the class keeps them
    in step and makes a round-trip test one line.

    ## Example
    ```python
    @dataclass
    class NormaliserStats:
        mean: list[float]
        std: list[float]

        def to_json(self) -> str:
            return json.dumps(asdict(self))
    ```

    ## Use instead
    ```python
    @dataclass
    class NormaliserStats:
        mean: list[float]
        std: list[float]

        def to_json(self) -> str:
            return json.dumps(asdict(self))

        @classmethod
        def from_json(cls, text: str) -> "NormaliserStats":
            return cls(**json.loads(text))
    ```

    ## Options
    None. Decisions where the catalogue is silent:

    - A class with any base from a third-party library is assumed complete (the reader may be
      inherited, e.g. pydantic, `nn.Module`, Lightning); so is one whose base cannot be seen
      (a star import, a name from a sibling distribution of a namespace package). Builtin and
      standard-library bases (`object`, `ABC`, `Generic`, `Enum`, `NamedTuple`, `Protocol`,
      `dict`...) provide no readers.
    - Readers count whatever their kind: method, `classmethod`, `staticmethod`, a class-level
      assignment (`load = classmethod(_load)`), and a public module-level function of the same
      module (`def load_graph(path)` beside `GraphBuilder.save`): the `json.dump`/`json.load`
      style of API.
    - A reader named after what it reads rather than after a catalogue pair — `from_checkpoint`,
      `from_serialized`, `load_precomputed`, `restore`, `read_stats` (any public `load*`,
      `from_*`, `read`/`read_*`, `restore*`, `deserial*` outside the pairs) — is taken as the
      inverse of every writer of the class: real code names its inverses that way. The
      catalogue's own readers stay paired: a class with `save`/`load` and a bare `to_dict` is
      still told to add `from_dict`.
    - The British `serialise` is checked like `serialize` (either spelling of the reader counts).
    - `dump` is a writer only when its body writes: it opens a file, calls `Path.write_text`/
      `write_bytes`, or calls a `dump`/`save`-like function of an imported library. A `dump`
      that prints a tree for debugging or renders into a visitor (`dump(self, dumper)`) is not
      serialization.
    - A writer must write its own object: no required parameter besides `self`, or one that
      names a destination (`path`, `file`, `fp`, `stream`, `out_dir`, `*_path`...). A method
      that converts or stores an argument — `to_json(self, value)`, `serialize(self, event)`,
      `save(self, key, value)`, a `staticmethod`/`classmethod` — belongs to a codec or a
      store, whose inverse lives elsewhere by design.
    - Private and dunder methods are ignored, both as writers and as readers.
    """

    code = "MS203"
    name = "asymmetric-serialization"
    severity = Severity.WARNING
    roles = frozenset({Role.PACKAGE})

    VALID = (
        "class Stats:\n    def to_dict(self):\n        return {}\n\n"
        "    @classmethod\n    def from_dict(cls, data):\n        return cls()\n",
        "import pydantic\n\nclass Config(pydantic.BaseModel):\n"
        "    def to_yaml(self):\n        return ''\n",
        "class Tree:\n    def dump(self, depth=0):\n        print(' ' * depth, self)\n",
        "class Model:\n    def save(self, path):\n        pass\n\n\n"
        "def load(path):\n    return Model()\n",
        "class _Cache:\n    def _save(self):\n        pass\n",
        {
            "pkg/base.py": (
                "class Artifact:\n    @classmethod\n"
                "    def load(cls, path):\n        return cls()\n"
            ),
            "pkg/stats.py": (
                "from pkg.base import Artifact\n\n"
                "class Stats(Artifact):\n    def save(self, path):\n        pass\n"
            ),
        },
    )
    INVALID = (
        "import json\n\nclass Stats:\n    def to_json(self):\n        return json.dumps({})\n",
        "from abc import ABC\n\nclass Store(ABC):\n    def save(self, path):\n        pass\n",
        "import json\n\nclass Index:\n    def dump(self, path):\n"
        "        with open(path, 'w') as f:\n            json.dump({}, f)\n",
        {
            "pkg/base.py": "class Artifact:\n    pass\n",
            "pkg/stats.py": (
                "from pkg.base import Artifact\n\n"
                "class Stats(Artifact):\n    def to_dict(self):\n        return {}\n"
            ),
        },
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._module = module_of(context.path)
        self._classes: list[dict[str, Any]] = []
        self._open: list[dict[str, Any]] = []  # the classes being walked, innermost last
        self._dump_methods: dict[int, dict[str, Any]] = {}  # `dump` FunctionDef -> its class
        self._functions: set[str] = set()

    def _class_body(self) -> dict[str, Any] | None:
        """The class whose body directly holds the node being visited, if any."""
        scopes = self.context.scopes
        if scopes and isinstance(scopes[-1], cst.ClassDef) and self._open:
            return self._open[-1]
        return None

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        names = [
            s.name.value
            for s in self.context.scopes
            if isinstance(s, (cst.ClassDef, cst.FunctionDef))
        ]
        info: dict[str, Any] = {
            "name": ".".join(filter(None, [self._module, *names, node.name.value])),
            "bases": [self._base(arg) for arg in node.bases],
            "writers": [],
            "readers": [],
            "pending": {},  # `dump` methods waiting for evidence that they write
        }
        self._open.append(info)
        self._classes.append(info)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        info = self._open.pop()
        for name, span in info.pop("pending").items():
            if span is not None:
                info["writers"].append([name, *span])

    def _base(self, arg: cst.Arg) -> str:
        expression = _base_expression(arg)
        name = self.qualified_name(expression)
        if name is not None:
            return name
        if isinstance(expression, cst.Name):
            return f"{self._module}.{expression.value}" if self._module else expression.value
        return _UNKNOWN

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        if name.startswith("_"):
            return
        owner = self._class_body()
        if owner is None:
            if not self.context.scopes and _reads(name):
                self._functions.add(name)
            return
        if _reads(name):
            owner["readers"].append(name)
        if name not in PAIRS or any(w[0] == name for w in owner["writers"]):
            return
        if not _writes_itself(node):
            return
        span = self.span(node.name)
        where = [span.line, span.column, span.end_line, span.end_column]
        if name == "dump":
            owner["pending"].setdefault(name, None)
            self._dump_methods[id(node)] = {"owner": owner, "where": where}
        else:
            owner["writers"].append([name, *where])

    def visit_Assign(self, node: cst.Assign) -> None:
        owner = self._class_body()
        if owner is None:
            return
        for target in node.targets:
            name = target.target.value if isinstance(target.target, cst.Name) else ""
            if _reads(name):
                owner["readers"].append(name)

    def visit_Call(self, node: cst.Call) -> None:
        if not self._dump_methods:
            return
        method = next(
            (s for s in reversed(self.context.scopes) if isinstance(s, cst.FunctionDef)), None
        )
        dump = self._dump_methods.get(id(method))
        if dump is None or not self._writes(node):
            return
        dump["owner"]["pending"]["dump"] = dump["where"]

    def _writes(self, node: cst.Call) -> bool:
        func = node.func
        if isinstance(func, cst.Attribute):
            if func.attr.value in _PATH_WRITES:
                return True
            last = func.attr.value
        elif isinstance(func, cst.Name):
            last = func.value
        else:
            return False
        if last == "open":
            return self.qualified_name(func) == "builtins.open"
        return last in _DUMP_EVIDENCE and self.qualified_name(func) is not None

    def facts(self) -> dict[str, Any]:
        return {
            "module": self._module,
            "classes": [
                {**info, "readers": sorted(set(info["readers"]))} for info in self._classes
            ],
            "functions": sorted(self._functions),
        }

    @classmethod
    def decide(cls, files: Sequence[FileFacts]) -> Iterable[ProjectFinding]:
        project = _Project(files)
        for file in files:
            functions = set(file.facts["functions"])
            for info in file.facts["classes"]:
                if not info["writers"]:
                    continue
                readers = project.readers(info["name"], set())
                if readers is None:
                    continue
                readers |= functions
                if not readers <= _PAIRED:
                    continue  # an inverse named after what it reads
                for writer, *where in info["writers"]:
                    if readers.isdisjoint(PAIRS[writer]):
                        message = _message(info["name"], writer, PAIRS[writer][0])
                        yield ProjectFinding(file.path, Span(*where), message)


class _Project:
    """The project's classes, to follow base classes that are defined in it."""

    def __init__(self, files: Sequence[FileFacts]) -> None:
        self.classes: dict[str, dict[str, Any]] = {}
        named: dict[str, set[str]] = defaultdict(set)
        for file in files:
            for info in file.facts["classes"]:
                self.classes[info["name"]] = info
                for suffix in suffixes(info["name"]):
                    named[suffix].add(info["name"])
        #: Every dotted suffix of a class name that only one class has.
        self.named = {suffix: names.pop() for suffix, names in named.items() if len(names) == 1}
        self.parts = {part for f in files for part in f.facts["module"].split(".") if part}

    def find(self, base: str) -> str | None:
        """The project class ``base`` names: exactly, by a unique dotted suffix (a project root
        above the import root), or by its own name where it points into the project (a
        re-export: ``from pkg import Artifact``)."""
        if base in self.classes:
            return base
        if base in self.named:
            return self.named[base]
        if base.split(".", 1)[0] in self.parts:
            return self.named.get(base.rsplit(".", 1)[-1])
        return None

    def readers(self, name: str, seen: set[str]) -> set[str] | None:
        """The readers class ``name`` has, own and inherited; None if it may have unseen ones."""
        info = self.classes[name]
        found = set(info["readers"])
        seen.add(name)
        for written in info["bases"]:
            root = written.split(".", 1)[0]
            if root == "builtins" or (root in sys.stdlib_module_names and root not in self.parts):
                continue
            base = self.find(written)
            if base is None:
                return None  # third-party, a sibling distribution, or not visible
            if base in seen:
                continue
            inherited = self.readers(base, seen)
            if inherited is None:
                return None
            found |= inherited
        return found


def _message(owner: str, writer: str, reader: str) -> str:
    short = owner.rsplit(".", 1)[-1]
    kind = "classmethod " if reader.startswith("from_") else ""
    return (
        f"`{short}.{writer}` writes the object out, but `{short}` has no `{reader}` to read it "
        f"back; add a {kind}`{reader}` beside it (and a round-trip test), so users do not "
        "re-implement the inverse"
    )

"""Artifact families of MS201: which writer persists what, and which reader reads it back.

Function families are recognised by qualified name only (after import resolution), so a
project's own `save()` or `load()` never looks like a library writer. The two method-name
families are handled by the rule: `.save_pretrained`/`.from_pretrained` (a name specific enough
to mean the Hugging Face convention on any object) and keras `Model.save` (only on a value that
is provably a keras model). The name helpers at the end are shared by the MS2xx rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from metstandards.engine.imports import dotted_name

if TYPE_CHECKING:
    import libcst as cst

    from metstandards.rule import Rule


@dataclass(frozen=True)
class Family:
    """One artifact format: its writers and readers by qualified name, and what to tell users."""

    key: str
    label: str
    reader_hint: str
    writers: frozenset[str] = frozenset()
    readers: frozenset[str] = frozenset()
    writer_pattern: re.Pattern[str] | None = None
    reader_pattern: re.Pattern[str] | None = None

    def writes(self, name: str) -> bool:
        return name in self.writers or bool(self.writer_pattern and self.writer_pattern.match(name))

    def reads(self, name: str) -> bool:
        return name in self.readers or bool(self.reader_pattern and self.reader_pattern.match(name))


_PICKLERS = ("pickle", "_pickle", "cloudpickle", "dill")

KERAS = "keras"
HUGGING_FACE = "save_pretrained"

FAMILIES = (
    Family(
        "torch",
        "PyTorch",
        "`torch.load(..., weights_only=True)`",
        frozenset({"torch.save", "torch.serialization.save"}),
        frozenset({"torch.load", "torch.serialization.load"}),
    ),
    Family(
        "pickle",
        "pickle",
        "`pickle.load`",
        frozenset(f"{m}.{f}" for m in _PICKLERS for f in ("dump", "dumps", "Pickler")),
        frozenset(f"{m}.{f}" for m in _PICKLERS for f in ("load", "loads", "Unpickler")),
    ),
    Family(
        "joblib", "joblib", "`joblib.load`", frozenset({"joblib.dump"}), frozenset({"joblib.load"})
    ),
    Family(
        "numpy",
        "NumPy",
        "`numpy.load`",
        frozenset({"numpy.save", "numpy.savez", "numpy.savez_compressed"}),
        frozenset({"numpy.load"}),
    ),
    Family(
        KERAS,
        "keras model",
        "`keras.models.load_model`",
        frozenset({"keras.models.save_model", "keras.saving.save_model"}),
        frozenset({"keras.models.load_model", "keras.saving.load_model"}),
    ),
    Family(HUGGING_FACE, "Hugging Face", "`.from_pretrained(...)`"),
    Family(
        "onnx",
        "ONNX model",
        "`onnx.load` or `onnxruntime.InferenceSession`",
        frozenset({"torch.onnx.export", "onnx.save", "onnx.save_model"}),
        frozenset({"onnx.load", "onnx.load_model", "onnxruntime.InferenceSession"}),
    ),
    Family(
        "mlflow",
        "MLflow model",
        "`mlflow.<flavor>.load_model`",
        writer_pattern=re.compile(r"mlflow\.\w+\.(save_model|log_model)$"),
        reader_pattern=re.compile(r"mlflow\.\w+\.load_model$"),
    ),
    Family(
        "safetensors",
        "safetensors",
        "safetensors `load_file` or `safe_open`",
        writer_pattern=re.compile(r"safetensors\.(\w+\.)?(save_file|save_model)$"),
        reader_pattern=re.compile(r"safetensors\.(\w+\.)?(load_file|load_model|load|safe_open)$"),
    ),
)
BY_KEY = {family.key: family for family in FAMILIES}

#: Last name components of every writer or reader above: calls with any other name are not
#: resolved at all.
CANDIDATE_NAMES = frozenset(
    {
        *(name.rsplit(".", 1)[-1] for f in FAMILIES for name in (*f.writers, *f.readers)),
        "save_model",
        "log_model",
        "load_model",
        "save_file",
        "load_file",
        "safe_open",
        "save_pretrained",
        "from_pretrained",
    }
)

#: Libraries whose module object projects re-export under its own name
#: (``from pkg.lazy import torch``, a lazy-import proxy).
_LIBRARIES = frozenset(
    {
        "torch",
        "pickle",
        "numpy",
        "joblib",
        "dill",
        "cloudpickle",
        "onnx",
        "onnxruntime",
        "mlflow",
        "safetensors",
        "keras",
        "tensorflow",
    }
)

_KERAS_ALIASES = ("tensorflow.keras.", "tensorflow.python.keras.", "tf_keras.")


def normalise(name: str) -> str:
    """One spelling per API: ``tensorflow.keras.models.load_model`` -> ``keras.models...``."""
    for alias in _KERAS_ALIASES:
        if name.startswith(alias):
            return "keras." + name[len(alias) :]
    return name


def resolve(rule: Rule, func: cst.BaseExpression) -> str | None:
    """``func``'s qualified name, seeing through a project's re-export of a library module.

    ``from anemoi.inference.lazy import torch`` binds ``torch`` to a project attribute that *is*
    torch (a lazy proxy): ``torch.load`` there resolves to ``anemoi.inference.lazy.torch.load``
    and is read as ``torch.load``. Only names imported under the library's own name count, and
    never from another library (``from safetensors import torch`` stays ``safetensors.torch``).
    """
    name = rule.qualified_name(func)
    written = dotted_name(func)
    if name is None or written is None or name == written:
        return name
    if (
        written.split(".", 1)[0] in _LIBRARIES
        and name.split(".", 1)[0] not in _LIBRARIES
        and name.endswith("." + written)
    ):
        return written
    return name


def writer_family(name: str) -> str | None:
    """The family whose writer ``name`` (qualified, normalised) is, if any."""
    return next((f.key for f in FAMILIES if f.writes(name)), None)


def reader_family(name: str) -> str | None:
    """The family whose reader ``name`` (qualified, normalised) is, if any."""
    return next((f.key for f in FAMILIES if f.reads(name)), None)


def module_of(path: str) -> str:
    """The dotted module a project file defines: ``src/pkg/io.py`` -> ``pkg.io``.

    Like the engine's relative-import resolution, this assumes the project root is the import
    root (with an optional ``src/``); rules match names by dotted suffix where that is not so.
    """
    parts = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    if parts and parts[0] == "src":
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def suffixes(name: str) -> list[str]:
    """``a.b.f`` -> ``a.b.f``, ``b.f``, ``f``: a name as imported when the project root lies above
    the import root (``sdist-1.0/src/pkg``) or when a package re-exports it."""
    parts = name.split(".")
    return [".".join(parts[index:]) for index in range(len(parts))]

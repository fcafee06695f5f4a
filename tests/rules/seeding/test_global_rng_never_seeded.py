"""MS102 decides over the whole project: seeds anywhere in package code, draws everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from metstandards.config import load_config
from metstandards.engine.runner import run_lint
from metstandards.registry import Registry

DATA = "import numpy as np\n\ndef crop():\n    return np.random.randint(9)\n"
TRAIN = "import numpy as np\n\ndef main(seed):\n    np.random.seed(seed)\n"
MODEL = "import torch\nx = torch.rand(3)\n"


def test_linting_one_file_still_sees_the_seed_in_another(lint_project) -> None:
    files = {"pkg/data.py": DATA, "pkg/train.py": TRAIN}
    assert lint_project(files, select=("MS102",), targets=("pkg/data.py",)).findings == []


def test_findings_are_reported_only_in_the_files_asked_for(lint_project) -> None:
    files = {"pkg/data.py": DATA, "pkg/other.py": DATA}
    result = lint_project(files, select=("MS102",), targets=("pkg/other.py",))
    assert [(f.path, f.line) for f in result.findings] == [("pkg/other.py", 4)]


def test_a_warm_run_gives_the_same_findings(tmp_path: Path, registry: Registry) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    (tmp_path / "pkg" / "data.py").write_text(DATA)
    (tmp_path / "pkg" / "model.py").write_text(MODEL)
    config = load_config(tmp_path, registry)
    cold = run_lint(config, registry, [], workers=1)
    warm = run_lint(config, registry, [], workers=1)
    assert warm.files_from_cache == 2
    found = [(f.path, f.line) for f in warm.findings if f.code == "MS102"]
    assert found == [(f.path, f.line) for f in cold.findings if f.code == "MS102"]
    assert found == [("pkg/data.py", 4), ("pkg/model.py", 2)]


@pytest.mark.parametrize(
    ("source", "library", "advice"),
    [
        ("import numpy as np\nnp.random.shuffle(x)\n", "numpy's global", "np.random.seed"),
        ("import random\nrandom.random()\n", "Python's global `random`", "random.seed"),
        ("import torch\ntorch.randperm(9)\n", "torch's global RNG", "torch.manual_seed"),
        ("import tensorflow as tf\ntf.random.shuffle(x)\n", "TensorFlow's", "tf.random.set_seed"),
    ],
)
def test_message_names_the_library_and_its_seed(
    lint_project, source: str, library: str, advice: str
) -> None:
    (finding,) = lint_project({"pkg/a.py": source}, select=("MS102",)).findings
    assert library in finding.message
    assert advice in finding.message


def test_tensorflow_is_not_seeded_by_seed_everything(lint_project) -> None:
    files = {
        "pkg/train.py": "import lightning\nlightning.seed_everything(0)\n",
        "pkg/aug.py": "import tensorflow as tf\nimport torch\n"
        "x = tf.random.uniform([2])\ny = torch.rand(2)\n",
    }
    result = lint_project(files, select=("MS102",))
    assert [(f.path, f.line) for f in result.findings] == [("pkg/aug.py", 3)]


def test_tensor_methods_count_only_where_torch_is_imported(lint_project) -> None:
    files = {"pkg/a.py": "def init(layer):\n    layer.weight.normal_()\n"}
    assert lint_project(files, select=("MS102",)).findings == []

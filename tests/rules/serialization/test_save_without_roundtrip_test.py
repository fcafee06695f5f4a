"""MS201 across a project: where the finding lands, what it says, and what counts as a reader."""

from __future__ import annotations

import pytest

from metstandards.findings import Severity

TRAIN = "import torch\n\ndef train(model, path):\n    torch.save(model, path)\n"


def _ms201(lint_project, files, **kwargs):
    return [f for f in lint_project(files, select=("MS201",), **kwargs).findings]


def test_one_finding_per_family_at_the_first_site_by_path_then_line(lint_project) -> None:
    files = {
        "pkg/b.py": "import torch\n\ntorch.save(a, 'a.pt')\n",
        "pkg/a.py": (
            "import torch\nimport numpy as np\n\n"
            "np.save('x.npy', x)\ntorch.save(b, 'b.pt')\ntorch.save(c, 'c.pt')\n"
        ),
        "tests/test_a.py": "def test_nothing():\n    pass\n",
    }
    found = _ms201(lint_project, files)
    assert [(f.path, f.line) for f in found] == [("pkg/a.py", 4), ("pkg/a.py", 5)]
    assert all(f.severity is Severity.ERROR for f in found)


def test_message_names_writer_and_reader(lint_project) -> None:
    (finding,) = _ms201(lint_project, {"pkg/train.py": TRAIN, "tests/test_x.py": "x = 1\n"})
    assert "`torch.save`" in finding.message
    assert "`torch.load(..., weights_only=True)`" in finding.message
    assert "no test reads one back" in finding.message


def test_project_without_tests_is_told_so(lint_project) -> None:
    (finding,) = _ms201(lint_project, {"pkg/train.py": TRAIN})
    assert "has no tests" in finding.message


def test_mlflow_message_names_the_flavor_reader(lint_project) -> None:
    files = {"pkg/reg.py": "import mlflow.sklearn\n\nmlflow.sklearn.log_model(m, 'model')\n"}
    (finding,) = _ms201(lint_project, files)
    assert "`mlflow.sklearn.load_model`" in finding.message


@pytest.mark.parametrize(
    "test_source",
    [
        "import torch\n\ndef test_it(p):\n    torch.load(p, weights_only=True)\n",
        "from torch import load\n\ndef test_it(p):\n    load(p)\n",
        "from pkg.train import restore\n\ndef test_it(p):\n    restore(p)\n",
        "import pkg.train\n\ndef test_it(p):\n    pkg.train.restore(p)\n",
        "def test_it(trainer, p):\n    trainer.restore(p)\n",
        "from pkg import Model\n\ndef test_it(p):\n    Model.from_checkpoint(p)\n",
        "from pkg.train import Loader\n\ndef test_it(p):\n    Loader(p)\n",
    ],
    ids=[
        "direct",
        "aliased",
        "imported-loader",
        "module-loader",
        "method-by-name",
        "classmethod-re-export",
        "constructor",
    ],
)
def test_reader_reached_directly_or_through_one_project_function(lint_project, test_source) -> None:
    package = TRAIN + (
        "\n\ndef restore(path):\n    return torch.load(path, weights_only=True)\n"
        "\n\nclass Model:\n    @classmethod\n    def from_checkpoint(cls, path):\n"
        "        return torch.load(path, weights_only=True)\n"
        "\n\nclass Loader:\n    def __init__(self, path):\n"
        "        self.state = torch.load(path, weights_only=True)\n"
    )
    files = {
        "pkg/__init__.py": "from pkg.train import Model\n",
        "pkg/train.py": package,
        "tests/test_train.py": test_source,
    }
    assert _ms201(lint_project, files) == []


def test_a_same_named_library_call_is_not_a_project_loader(lint_project) -> None:
    files = {
        "pkg/train.py": TRAIN + "\n\ndef load(p):\n    return torch.load(p, weights_only=True)\n",
        "tests/test_train.py": "import json\n\ndef test_it(f):\n    json.load(f)\n",
    }
    assert len(_ms201(lint_project, files)) == 1


def test_readers_in_package_code_or_examples_do_not_count(lint_project) -> None:
    files = {
        "pkg/train.py": TRAIN + "\nstate = torch.load('m.pt', weights_only=True)\n",
        "examples/reload.py": "import torch\ntorch.load('m.pt', weights_only=True)\n",
        "tests/test_train.py": "def test_nothing():\n    pass\n",
    }
    assert len(_ms201(lint_project, files)) == 1


def test_writers_in_tests_are_not_write_sites(lint_project) -> None:
    files = {"tests/test_io.py": "import torch\n\ndef test_it(m, p):\n    torch.save(m, p)\n"}
    assert _ms201(lint_project, files) == []


@pytest.mark.parametrize(
    "source",
    [
        "from tensorflow import keras\n\ndef f(p):\n    m = keras.models.load_model(p)\n"
        "    m.save(p)\n",
        "import tensorflow as tf\n\ndef f(m: tf.keras.Model, p):\n    m.save(p)\n",
        "import keras\n\ndef f(p):\n    m = keras.applications.ResNet50()\n    m.save(p)\n",
        "import keras\n\ndef f(m, p):\n    keras.saving.save_model(m, p)\n",
    ],
)
def test_keras_writers_need_a_provable_keras_model(lint_project, source) -> None:
    (finding,) = _ms201(lint_project, {"pkg/export.py": source})
    assert "keras.models.load_model" in finding.message


@pytest.mark.parametrize(
    "source",
    [
        "from tensorflow import keras\n\nm = keras.Sequential()\n\ndef f(m, p):\n    m.save(p)\n",
        "def f(image, p):\n    image.save(p)\n",
        "import keras\n\ndef f(p):\n    m = build()\n    m.save(p)\n",
    ],
    ids=["other-scope", "untyped", "unknown-factory"],
)
def test_save_on_an_unproven_object_is_not_keras(lint_project, source) -> None:
    assert _ms201(lint_project, {"pkg/export.py": source}) == []


def test_keras_reader_through_tensorflow_covers_keras_writer(lint_project) -> None:
    files = {
        "pkg/export.py": "import keras\n\ndef f(p):\n    m = keras.Sequential()\n    m.save(p)\n",
        "tests/test_export.py": "import tensorflow as tf\n\ndef test_it(p):\n"
        "    tf.keras.models.load_model(p)\n",
    }
    assert _ms201(lint_project, files) == []


@pytest.mark.parametrize(
    "source",
    [
        "import io\nimport torch\n\ndef size(m):\n    buf = io.BytesIO()\n    torch.save(m, buf)\n"
        "    return buf.tell()\n",
        "import io\nimport pickle\n\ndef f(m):\n    with io.BytesIO() as buf:\n"
        "        pickle.dump(m, buf)\n",
        "import pickle\n\ndef clone(x):\n    return pickle.loads(pickle.dumps(x))\n",
        "import tempfile\nimport numpy as np\n\ndef f(a, use):\n"
        "    with tempfile.NamedTemporaryFile(suffix='.npy') as tmp:\n"
        "        np.save(tmp.name, a)\n        use(tmp.name)\n",
    ],
    ids=["bytesio", "with-bytesio", "pickle-copy", "tempfile"],
)
def test_transient_destinations_are_not_write_sites(lint_project, source) -> None:
    assert _ms201(lint_project, {"pkg/util.py": source}) == []


def test_facts_survive_the_cache(tmp_path, registry) -> None:
    from dataclasses import replace

    from metstandards.config import load_config
    from metstandards.engine.runner import run_lint
    from tests.conftest import write_project

    root = write_project(tmp_path / "p", {"pkg/train.py": TRAIN, "tests/test_t.py": "x = 1\n"})
    config = replace(load_config(root, registry), select=("MS201",))
    cold = run_lint(config, registry, [], use_cache=True, workers=1)
    warm = run_lint(config, registry, [], use_cache=True, workers=1)
    assert warm.files_from_cache == 2
    assert warm.findings == cold.findings
    assert len(cold.findings) == 1


def test_project_root_above_the_import_root(lint_project) -> None:
    """An unpacked sdist checked from its parent: `sdist/src/pkg` is still imported as `pkg`."""
    files = {
        "demo-1.0/src/pkg/io.py": TRAIN + "\n\ndef restore(p):\n    return torch.load(p)\n",
        "demo-1.0/tests/test_io.py": (
            "from pkg.io import restore\n\ndef test_it(p):\n    restore(p)\n"
        ),
    }
    assert _ms201(lint_project, files) == []

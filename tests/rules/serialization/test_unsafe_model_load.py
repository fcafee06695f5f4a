"""MS202 sees through a project's lazy re-export of torch, and nowhere else."""

from __future__ import annotations

LAZY = (
    "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import torch\n"
    "else:\n    torch = LazyModule('torch')\n"
)


def _ms202(lint_project, files):
    return [(f.path, f.line) for f in lint_project(files, select=("MS202",)).findings]


def test_lazy_proxy_import_is_torch(lint_project) -> None:
    files = {
        "pkg/lazy.py": LAZY,
        "pkg/run.py": "from pkg.lazy import torch\n\nm = torch.load(p, weights_only=False)\n",
        "pkg/ok.py": "from .lazy import torch\n\nm = torch.load(p, weights_only=True)\n",
    }
    assert _ms202(lint_project, files) == [("pkg/run.py", 3)]


def test_a_library_submodule_named_like_another_library_is_not_rewritten(lint_project) -> None:
    files = {"pkg/io.py": "from safetensors import torch\n\nstate = torch.load(blob)\n"}
    assert _ms202(lint_project, files) == []


def test_test_code_is_not_checked(lint_project) -> None:
    files = {"tests/test_io.py": "import pickle\n\ndef test_it(b):\n    pickle.loads(b)\n"}
    assert _ms202(lint_project, files) == []

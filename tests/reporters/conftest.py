"""Run the real ``metstandards lint`` command on small projects and capture what it prints."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_project

from metstandards.cli import main

#: One finding of each kind the reporters must handle: an error (MS202), a file that could not
#: be checked (MS000, a point), warnings (MS001, points), and a path with `%`, `,` and `:`.
PROJECT = {
    "demo/__init__.py": "",
    "demo/model.py": "import torch\n\nstate = torch.load(path)\n",
    "demo/broken.py": "def train(:\n    pass\n",
    "demo/50%, a:b.py": ("x = 1  # metstandards: ignore[50%:x]\ny = 2  # metstandards: ignore\n"),
}


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str


Lint = Callable[..., Run]


@pytest.fixture
def lint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Lint:
    """``lint(files, "-f", "json")``: write the project, lint it from its root (paths print
    relative to the current directory), return what was printed."""

    def run(files: Mapping[str, str | bytes], *args: str, root: str = "project") -> Run:
        project = write_project(tmp_path / root, files)
        monkeypatch.chdir(project)
        result = CliRunner().invoke(main, ["lint", str(project), "--no-cache", *args])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout)

    return run

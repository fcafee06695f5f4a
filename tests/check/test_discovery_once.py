"""One ``check`` finds the project's files once: lint and the other parts share the list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_project

from metstandards.cli import main
from metstandards.engine.discovery import Discovery


def test_a_whole_project_check_discovers_its_files_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[Path]] = []
    files = Discovery.files

    def counted(self: Discovery, paths: list[Path]) -> object:
        calls.append(list(paths))
        return files(self, paths)

    monkeypatch.setattr(Discovery, "files", counted)
    root = write_project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/model.py": "import torch\n\nstate = torch.load(path)\n",
            "pkg/types.pyi": "def f(x: int) -> int: ...\n",
        },
    )
    result = CliRunner().invoke(
        main,
        ["check", "--no-progress", "--no-cache", str(root), "--only", "lint",
         "--only", "complexity", "-f", "json"],
    )  # fmt: skip
    report = json.loads(result.stdout)
    assert [f["code"] for f in report["findings"]] == ["MS202"]
    checks = {c["check"]: c for c in report["checks"]}
    assert checks["lint"]["reason"] == "2 files checked"  # the stub is ruff's, not lint's
    assert calls == [[root]]

"""``check`` with notebooks in the project: lint reads them cell by cell, and the parts that
read Python files (the complexity gate here; mypy and bandit alike) are not given them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import notebook, write_project

from metstandards.cli import main


def test_lint_checks_notebooks_and_the_complexity_gate_leaves_them_out(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/model.py": "def f(x):\n    return x\n",
            "notebooks/explore.ipynb": notebook("import torch", "state = torch.load(path)"),
        },
    )
    result = CliRunner().invoke(
        main,
        ["check", "--no-progress", "--no-cache", str(root), "--only", "lint",
         "--only", "complexity", "-f", "json"],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert [(f["path"], f.get("cell"), f["line"], f["code"]) for f in report["findings"]] == [
        ("notebooks/explore.ipynb", 2, 1, "MS202")
    ]
    checks = {c["check"]: c for c in report["checks"]}
    assert checks["lint"]["reason"] == "3 files checked"
    assert checks["complexity"]["status"] == "passed", checks["complexity"]
    assert "in 2 files" in checks["complexity"]["reason"]

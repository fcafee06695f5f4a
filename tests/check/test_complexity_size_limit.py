"""The complexity gate honours ``max-file-size-kb`` as lint does: a larger file is not read nor
measured (radon takes minutes on a generated 20 MB module) and is named with the same reason."""

from __future__ import annotations

import json
import time
from pathlib import Path

from click.testing import CliRunner
from conftest import write_project

from metstandards.cli import main
from metstandards.config import load_profile
from metstandards.gates.complexity import check_complexity
from metstandards.results import CheckContext, Status

BLOCK = "def f{n}(x):\n    if x > {n}:\n        return x\n    return -x\n\n\n"


def _module(kib: int) -> str:
    """Valid Python of about ``kib`` KiB."""
    text, size = [], 0
    while size < kib * 1024:
        text.append(BLOCK.format(n=len(text)))
        size += len(text[-1])
    return "".join(text)


def test_a_file_over_the_limit_is_not_measured(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"pkg/small.py": _module(1), "pkg/big.py": _module(5)})
    files = ("pkg/big.py", "pkg/small.py")
    settings = load_profile("wg3", "complexity")
    outcome = check_complexity(CheckContext(root, files, files, settings, max_file_size_kb=4))
    assert outcome.status is Status.NOT_RUN  # a file not measured is never a pass
    size = (root / "pkg/big.py").stat().st_size // 1024
    reason = f"file is {size} KiB, over the max-file-size-kb limit of 4"
    measured, not_measured = outcome.reason.split("; ")
    assert measured.endswith(" blocks in 1 file")  # small.py
    assert not_measured == f"1 file not measured ({reason}): pkg/big.py"


def test_check_reports_it_like_lint_and_quickly(tmp_path: Path) -> None:
    """The default limit, through the command: lint's MS000 and the gate's note agree, and the
    run takes no time (radon measures such a file, 2 MB of small functions, in about 10 s)."""
    root = write_project(tmp_path, {"pkg/__init__.py": "", "pkg/big.py": _module(2100)})
    started = time.monotonic()
    result = CliRunner().invoke(
        main,
        ["check", "--no-progress", "--no-cache", str(root), "--only", "lint",
         "--only", "complexity", "-f", "json"],
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    size = (root / "pkg/big.py").stat().st_size // 1024
    reason = f"file is {size} KiB, over the max-file-size-kb limit of 2048"
    (ms000,) = [f for f in report["findings"] if f["code"] == "MS000"]
    assert ms000["message"] == f"file not checked: {reason}"
    complexity = next(c for c in report["checks"] if c["check"] == "complexity")
    assert complexity["status"] == "not-run"
    assert f"1 file not measured ({reason}): pkg/big.py" in complexity["reason"]
    assert elapsed < 5

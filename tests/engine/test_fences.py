"""The libcst fences' verdicts remembered with the cache: decided once per installation, not in
every run (a commit hook's run on one file would spend more on them than on the rest)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from metstandards.engine import fences

from ._project import Project


@pytest.fixture
def verdicts() -> Iterator[None]:
    """This process's verdicts, restored after the test."""
    kept = fences.decided()
    fences.forget()
    yield
    fences.forget()
    fences.remember(kept)


@pytest.mark.usefixtures("verdicts")
def test_a_remembered_verdict_is_used_and_an_unknown_one_decided_once() -> None:
    checks: list[str] = []

    def check() -> bool:
        checks.append("ran")
        return True

    fences.remember({"walk": False, "positions": "yes", "unknown": True})  # malformed: ignored
    assert fences.verdict("walk", check) is False
    assert checks == []
    assert fences.verdict("positions", check) is True
    assert fences.verdict("positions", check) is True
    assert checks == ["ran"]
    assert fences.decided() == {"walk": False, "positions": True}


@pytest.mark.usefixtures("verdicts")
def test_the_run_keeps_its_verdicts_in_the_cache_file(project: Project) -> None:
    fences.remember({"walk": True, "positions": True})
    project.write({"pkg/model.py": "import pickle\nmodel = pickle.load(f)\n"})
    project.lint(use_cache=True)
    stored = json.loads((project.root / ".metstandards_cache" / "lint.json").read_text())
    assert stored["verdicts"] == {"walk": True, "positions": True}


# A run whose cache says the fast walk does not hold takes libcst's visitor, without checking.
FROM_THE_CACHE = """
import json, sys
from pathlib import Path
from metstandards.config import load_config
from metstandards.engine import position_codegen, walk
from metstandards.engine.runner import run_lint
from metstandards.registry import load_registry

root = Path(sys.argv[1])
registry = load_registry()
config = load_config(root, registry)
cache_file = root / ".metstandards_cache" / "lint.json"
stored = json.loads(cache_file.read_text())
stored["verdicts"] = {"walk": False, "positions": False}
stored["files"] = {}
cache_file.write_text(json.dumps(stored))
result = run_lint(config, registry, [], workers=1)
json.dump(
    {
        "visitor": walk.chosen() is walk._visitor_walk,
        "libcst_ranges": position_codegen.chosen() is position_codegen.libcst_ranges,
        "findings": [[f.path, f.line, f.code] for f in result.findings],
    },
    sys.stdout,
)
"""


@pytest.mark.slow
def test_a_new_process_takes_the_verdicts_from_the_cache(project: Project) -> None:
    project.write({"pkg/model.py": "import pickle\nmodel = pickle.load(f)\n"})
    project.lint(use_cache=True)  # writes the cache, with this installation's key
    done = subprocess.run(
        [sys.executable, "-c", FROM_THE_CACHE, str(project.root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["visitor"] is True
    assert result["libcst_ranges"] is True
    # The fallbacks give the same answers.
    assert result["findings"] == [["pkg/model.py", 2, "MS202"]]

"""The result cache: what a warm run reads, what makes it check again, and damage it survives."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from metstandards.engine.runner import LintResult

from ._project import Project, found
from ._rules import DrawWithoutSeed, PrintCall, with_rules

FILES = {
    "pkg/__init__.py": "",
    "pkg/model.py": "import pickle\nmodel = pickle.load(f)\n",
    "pkg/io.py": "import torch\nstate = torch.load(p)  # metstandards: ignore[MS202]\n",
    "pkg/stale.py": "x = 1  # metstandards: ignore[MS202]\n",
    "pkg/broken.py": "def f(:\n",
    "tests/test_model.py": "import pickle\npickle.load(f)\n",
}


def _cached(project: Project, **overrides: object) -> LintResult:
    return project.lint(use_cache=True, **overrides)


def test_warm_run_reads_every_file_from_the_cache_and_reports_the_same(project: Project) -> None:
    project.write(FILES)
    cold = _cached(project)
    warm = _cached(project)
    assert cold.files_from_cache == 0
    assert warm.files_from_cache == len(FILES)  # the syntax error too: same bytes, same error
    assert warm.findings == cold.findings
    assert found(warm) == [
        ("pkg/broken.py", 1, "MS000"),
        ("pkg/model.py", 2, "MS202"),
        ("pkg/stale.py", 1, "MS001"),
    ]


def test_editing_one_file_checks_only_that_file_again(project: Project) -> None:
    project.write({k: v for k, v in FILES.items() if k != "pkg/broken.py"})
    _cached(project)
    project.write({"pkg/model.py": "import pickle\n\n\nmodel = pickle.loads(blob)\n"})
    result = _cached(project)
    assert result.files_from_cache == len(FILES) - 2
    assert ("pkg/model.py", 4, "MS202") in found(result)
    assert ("pkg/model.py", 2, "MS202") not in found(result)


def test_deleted_files_leave_the_cache(project: Project) -> None:
    project.write({"pkg/a.py": "x = 1\n", "pkg/b.py": "y = 2\n"})
    _cached(project)
    (project.root / "pkg" / "b.py").unlink()
    _cached(project)
    stored = json.loads((project.root / ".metstandards_cache" / "lint.json").read_text())
    assert sorted(stored["files"]) == ["pkg/a.py"]


def test_changing_settings_that_shape_results_checks_everything_again(project: Project) -> None:
    project.write({"pkg/a.py": "x = 1\n", "tests/test_a.py": "y = 2\n"})
    _cached(project)
    assert _cached(project).files_from_cache == 2
    project.configure('[tool.metstandards]\nignore = ["MS203"]\n')
    assert _cached(project).files_from_cache == 0
    project.configure('[tool.metstandards]\nignore = ["MS203"]\ntest-paths = ["checks/"]\n')
    assert _cached(project).files_from_cache == 0
    assert _cached(project).files_from_cache == 2


def test_per_file_ignores_apply_to_cached_results(project: Project) -> None:
    project.write({"pkg/model.py": FILES["pkg/model.py"]})
    assert found(_cached(project)) == [("pkg/model.py", 2, "MS202")]
    project.configure('[tool.metstandards.per-file-ignores]\n"pkg/model.py" = ["MS2"]\n')
    result = _cached(project)
    assert result.files_from_cache == 1
    assert result.findings == []


def test_no_cache_neither_reads_nor_writes(project: Project) -> None:
    project.write({"pkg/a.py": "x = 1\n"})
    project.lint(use_cache=False)
    assert not (project.root / ".metstandards_cache").exists()
    _cached(project)
    assert project.lint(use_cache=False).files_from_cache == 0


def test_cache_directory_ignores_itself_for_git(project: Project) -> None:
    project.configure('[tool.metstandards]\ncache-dir = "build/.lint-cache"\n')
    project.write({"pkg/a.py": "x = 1\n"})
    _cached(project)
    cache = project.root / "build" / ".lint-cache"
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache / "lint.json").is_file()
    assert not (project.root / ".metstandards_cache").exists()


@pytest.mark.parametrize(
    "damage",
    [
        "{not json",
        "",
        "[]",
        '{"format": 1, "key": "other", "files": {}}',
        '{"format": 999}',
    ],
)
def test_corrupt_cache_file_is_ignored(project: Project, damage: str) -> None:
    project.write(FILES)
    cold = _cached(project)
    (project.root / ".metstandards_cache" / "lint.json").write_text(damage)
    result = _cached(project)
    assert result.files_from_cache == 0
    assert result.findings == cold.findings
    assert _cached(project).files_from_cache == len(FILES)  # and it was written anew


@pytest.mark.parametrize(
    "entry",
    [
        "garbage",
        {"hash": None},
        {"result": {"role": "package"}},
        {"result": {"role": "package", "findings": [{"path": 3}], "facts": {}, "suppressions": []}},
        {"result": {"role": "package", "findings": [], "facts": [], "suppressions": []}},
        {"result": {"role": "martian", "findings": [], "facts": {}, "suppressions": []}},
        {"result": {"role": "package", "findings": [], "facts": {}, "suppressions": [[1]]}},
    ],
)
def test_damaged_cache_entries_are_checked_again(project: Project, entry: object) -> None:
    project.write({"pkg/model.py": FILES["pkg/model.py"], "pkg/other.py": "x = 1\n"})
    cold = _cached(project)
    cache_file = project.root / ".metstandards_cache" / "lint.json"
    stored = json.loads(cache_file.read_text())
    if isinstance(entry, dict):
        entry = {**stored["files"]["pkg/model.py"], **entry}
        if "result" in entry and "hash" not in entry:
            entry["hash"] = stored["files"]["pkg/model.py"]["hash"]
    stored["files"]["pkg/model.py"] = entry
    cache_file.write_text(json.dumps(stored))
    result = _cached(project)
    assert result.findings == cold.findings
    assert result.files_from_cache == 1  # pkg/other.py


def test_cache_dir_that_cannot_be_created_is_not_an_error(project: Project) -> None:
    """A regular file where the directory should be: mkdir fails, for root too."""
    project.write({"pkg/model.py": FILES["pkg/model.py"], "blocker": "a file, not a directory"})
    project.configure('[tool.metstandards]\ncache-dir = "blocker/cache"\n')
    first = _cached(project)
    second = _cached(project)
    assert found(first) == found(second) == [("pkg/model.py", 2, "MS202")]
    assert second.files_from_cache == 0


@pytest.mark.slow
def test_read_only_cache_dir_is_not_an_error(project: Project, tmp_path: Path) -> None:
    project.write({"pkg/model.py": FILES["pkg/model.py"]})
    cache = project.root / ".metstandards_cache"
    cache.mkdir()
    cache.chmod(0o555)
    try:
        for _ in range(2):  # the second run finds no cache either, and says the same
            assert _lint_as_a_user(project) == [("pkg/model.py", 2, "MS202")]
        assert list(cache.iterdir()) == []
    finally:
        cache.chmod(0o755)


def _lint_as_a_user(project: Project) -> list[tuple[str, int, str]]:
    """Lint with the cache on, in this process or, as root (who writes anywhere, as CI runs),
    in a subprocess without the capabilities that let root ignore a directory's mode."""
    if os.geteuid() != 0:
        return found(_cached(project))
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("root without setpriv (util-linux) cannot test a read-only directory")
    completed = subprocess.run(
        [
            setpriv,
            "--inh-caps=-all",
            "--bounding-set=-dac_override,-dac_read_search",
            sys.executable,
            "-m",
            "metstandards",
            "lint",
            "--format=json",
        ],
        cwd=project.root,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 1, completed.stderr
    return [(f["path"], f["line"], f["code"]) for f in json.loads(completed.stdout)["findings"]]


def test_project_rule_facts_come_from_the_cache(project: Project) -> None:
    registry = with_rules(project.registry, DrawWithoutSeed)
    project.write({"pkg/a.py": "draw()\n", "pkg/b.py": "x = 1\n"})
    select = ("TP",)
    assert found(project.lint(use_cache=True, registry=registry, select=select)) == [
        ("pkg/a.py", 1, "TP901")
    ]
    warm = project.lint(use_cache=True, registry=registry, select=select)
    assert warm.files_from_cache == 2
    assert found(warm) == [("pkg/a.py", 1, "TP901")]
    project.write({"pkg/b.py": "seed()\n"})
    reseeded = project.lint(use_cache=True, registry=registry, select=select)
    assert reseeded.files_from_cache == 1
    assert found(reseeded) == []


def test_editing_a_rule_module_checks_everything_again(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editable install keeps its version while its rules change; so does a plugin being
    written. A rule whose module changed must not be answered by its old results."""
    module_path = tmp_path / "stamped_rule.py"
    module_path.write_text(
        "from metstandards.rule import Rule\n\n\n"
        "class Stamped(Rule):\n"
        '    """Nothing."""\n\n'
        '    code = "TP301"\n'
        '    name = "stamped"\n'
    )
    spec = importlib.util.spec_from_file_location("stamped_rule", module_path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "stamped_rule", module)
    spec.loader.exec_module(module)
    registry = with_rules(project.registry, module.Stamped)
    project.write({"pkg/a.py": "x = 1\n"})
    select = ("MS", "TP")

    project.lint(use_cache=True, registry=registry, select=select)
    assert project.lint(use_cache=True, registry=registry, select=select).files_from_cache == 1
    later = module_path.stat().st_mtime_ns + 5_000_000_000
    os.utime(module_path, ns=(later, later))
    assert project.lint(use_cache=True, registry=registry, select=select).files_from_cache == 0


def test_installing_or_removing_a_plugin_checks_everything_again(project: Project) -> None:
    """With a TP plugin installed (even with its rules not selected), `# noqa: TP101` is a
    metstandards suppression; once the plugin is gone the comment belongs to some other tool and
    must not be reported as naming an unknown code."""
    plugin = with_rules(project.registry, PrintCall)
    project.write({"pkg/a.py": "print(1)  # noqa: TP101\nx = 2  # noqa: TP101\n"})
    assert found(project.lint(use_cache=True, registry=plugin, select=("MS", "TP"))) == [
        ("pkg/a.py", 2, "MS001")
    ]
    assert found(project.lint(use_cache=True, registry=plugin)) == []
    without = project.lint(use_cache=True)
    assert without.files_from_cache == 0
    assert found(without) == []

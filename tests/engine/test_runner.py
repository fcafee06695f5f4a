"""A whole run: rule selection, per-file ignores, project rules over a subset, parallel checks."""

from __future__ import annotations

from ._project import Project, found
from ._rules import DrawWithoutSeed, with_rules

UNSAFE = "import pickle\nmodel = pickle.load(handle)\n"


def test_select_and_ignore_take_codes_and_prefixes_longest_wins(project: Project) -> None:
    codes = project.registry.codes
    selected = {rule.code for rule in project.registry.selected(("MS2",), ("MS",))}
    assert selected == {code for code in codes if code.startswith("MS2")}
    selected = {rule.code for rule in project.registry.selected(("MS",), ("MS20",))}
    assert selected == {code for code in codes if not code.startswith("MS20")}
    selected = {rule.code for rule in project.registry.selected(("MS202",), ("MS2",))}
    assert selected == {"MS202"}
    assert project.registry.selected(("MS2",), ("MS2",)) == []


def test_selection_in_pyproject_decides_what_is_reported(project: Project) -> None:
    project.write({"pkg/model.py": UNSAFE + "x = 1  # metstandards: ignore[MS999]\n"})
    project.configure('[tool.metstandards]\nselect = ["MS2"]\nignore = ["MS"]\n')
    assert found(project.lint()) == [("pkg/model.py", 2, "MS202")]
    project.configure('[tool.metstandards]\nignore = ["MS202"]\n')
    assert found(project.lint()) == [("pkg/model.py", 3, "MS001")]
    project.configure('[tool.metstandards]\nselect = ["MS0"]\n')
    assert found(project.lint()) == [("pkg/model.py", 3, "MS001")]


def test_per_file_ignores_match_gitignore_globs_and_take_prefixes(project: Project) -> None:
    project.configure(
        "[tool.metstandards.per-file-ignores]\n"
        '"pkg/legacy/*.py" = ["MS202"]\n'
        '"*_checkpoint.py" = ["MS2"]\n'
        '"pkg/other.py" = ["MS101"]\n'
    )
    project.write(
        {
            "pkg/legacy/old.py": UNSAFE,
            "pkg/legacy/deeper/older.py": UNSAFE,
            "pkg/sub/load_checkpoint.py": UNSAFE,
            "pkg/other.py": UNSAFE,
        }
    )
    # gitignore syntax, as everywhere: `*` stays within one directory.
    assert found(project.lint()) == [
        ("pkg/legacy/deeper/older.py", 2, "MS202"),
        ("pkg/other.py", 2, "MS202"),
    ]
    project.configure('[tool.metstandards.per-file-ignores]\n"pkg/legacy/" = ["MS202"]\n')
    assert [path for path, _, _ in found(project.lint())] == [
        "pkg/other.py",
        "pkg/sub/load_checkpoint.py",
    ]


def test_project_rule_sees_the_whole_project_when_given_a_subset(project: Project) -> None:
    """pre-commit passes only the staged files; a seed in an unstaged file still counts, and
    findings are reported only in the files asked about."""
    registry = with_rules(project.registry, DrawWithoutSeed)
    project.write({"pkg/a.py": "draw()\n", "pkg/b.py": "draw()\n", "pkg/seeding.py": "seed()\n"})
    assert found(project.lint("pkg/a.py", registry=registry, select=("TP",))) == []

    (project.root / "pkg" / "seeding.py").unlink()
    subset = project.lint("pkg/a.py", registry=registry, select=("TP",))
    assert found(subset) == [("pkg/a.py", 1, "TP901")]
    assert subset.files_checked == 1
    assert found(project.lint(registry=registry, select=("TP",))) == [
        ("pkg/a.py", 1, "TP901"),
        ("pkg/b.py", 1, "TP901"),
    ]


def test_project_rule_ignores_seeds_that_only_tests_make(project: Project) -> None:
    registry = with_rules(project.registry, DrawWithoutSeed)
    project.write({"pkg/a.py": "draw()\n", "tests/test_a.py": "seed()\ndraw()\n"})
    assert found(project.lint(registry=registry, select=("TP",))) == [("pkg/a.py", 1, "TP901")]


def test_ms102_reads_the_whole_project_for_a_subset(project: Project) -> None:
    draw = "import numpy as np\n\nnoise = np.random.rand(3)\n"
    project.write({"pkg/train.py": draw, "pkg/seeding.py": "import numpy\nnumpy.random.seed(0)\n"})
    assert found(project.lint("pkg/train.py"), "MS102") == []
    (project.root / "pkg" / "seeding.py").unlink()
    assert found(project.lint("pkg/train.py"), "MS102") == [("pkg/train.py", 3, "MS102")]
    # Asked about another file, the run reports nothing about train.py.
    project.write({"pkg/other.py": "x = 1\n"})
    assert found(project.lint("pkg/other.py"), "MS102") == []


def test_a_parallel_run_reports_what_a_serial_run_does(project: Project) -> None:
    files = {f"pkg/m{index:02}.py": UNSAFE * (index % 3) for index in range(40)}
    files["pkg/broken.py"] = "def f(:\n"
    files["pkg/stale.py"] = "x = 1  # noqa: MS202\n"
    project.write(files)
    config = project.config()
    from metstandards.engine.runner import run_lint

    serial = run_lint(config, project.registry, [], use_cache=False, workers=1)
    parallel = run_lint(config, project.registry, [], use_cache=False, workers=3)
    assert parallel.findings == serial.findings
    assert parallel.files_checked == serial.files_checked == 42
    assert {f.code for f in serial.findings} == {"MS000", "MS001", "MS202"}

"""``init`` adds no second Python CI: a workflow that already runs the tests keeps python-ci out
(and the summary names it), unless ``--workflows`` asks for it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from metstandards.scaffold.existing_ci import find_test_runs

from ._init import SHA, init, project

PYPROJECT = '[project]\nname = "demo"\nversion = "0.1.0"\n'
OWN = "metstandards/metstandards"
INITS_OWN = ".github/workflows/python-ci.yml"


def workflow(jobs: str, on: str = "[push, pull_request]") -> str:
    return f"name: ci\non: {on}\njobs:\n{jobs}"


def steps(*scripts: str) -> str:
    """A job ``test`` with one ``run:`` step per script."""
    run = "".join(f"      - run: {script}\n" for script in scripts)
    return (
        "  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n" + run
    )


def runs(tmp_path: Path, files: dict[str, str]) -> list[str]:
    root = project(tmp_path / "repo", {"pyproject.toml": PYPROJECT, **files})
    return [str(run) for run in find_test_runs(root, own=OWN, skip=INITS_OWN)]


@pytest.mark.parametrize(
    "script",
    [
        "pytest -x tests/",
        "python -m pytest --cov",
        "python3.12 -X dev -m pytest",
        "pip install -e .[test] && pytest",
        "tox -e py",
        "nox -s tests",
        "hatch test",
        "hatch run test:cov",
        "python -m unittest discover",
        "uv run --frozen pytest",
        "conda run -n env pytest",
        "COVERAGE_CORE=sysmon coverage run -m pytest",
        "make test",
        "|\n          set -e\n          pip install .\n          pytest tests/",
    ],
)
def test_a_run_script_with_a_test_runner_is_found(tmp_path: Path, script: str) -> None:
    found = runs(tmp_path, {".github/workflows/ci.yml": workflow(steps(script))})
    assert len(found) == 1
    assert found[0].startswith(".github/workflows/ci.yml, job test, runs `")


@pytest.mark.parametrize(
    "script",
    [
        "pip install pytest pytest-cov",
        "python -m pip install -U pytest",
        "echo pytest",
        "python -m build",
        "pre-commit run --all-files",
        "ruff check .",
    ],
)
def test_a_script_that_does_not_run_tests_is_not_taken_for_one(tmp_path: Path, script: str) -> None:
    assert runs(tmp_path, {".github/workflows/ci.yml": workflow(steps(script))}) == []


def test_a_reusable_workflow_whose_name_says_it_tests_is_found(tmp_path: Path) -> None:
    reusable = "ecmwf/reusable-workflows/.github/workflows"
    jobs = (
        f"  quality:\n    uses: {reusable}/qa-precommit-run.yml@v2\n"
        f"  checks:\n    uses: {reusable}/qa-pytest-pyproject.yml@v2\n"
    )
    assert runs(tmp_path, {".github/workflows/pr.yaml": workflow(jobs)}) == [
        f".github/workflows/pr.yaml, job checks, calls {reusable}/qa-pytest-pyproject.yml"
    ]


def test_only_workflows_that_check_changes_count(tmp_path: Path) -> None:
    nightly = workflow(steps("pytest"), on="{schedule: [{cron: '0 3 * * *'}]}")
    called = workflow(steps("pytest"), on="workflow_call")
    found = runs(tmp_path, {".github/workflows/nightly.yml": nightly,
                            ".github/workflows/tests.yml": called})  # fmt: skip
    assert found == [".github/workflows/tests.yml, job test, runs `pytest`"]


def test_inits_own_callers_are_not_the_projects_ci(tmp_path: Path) -> None:
    def caller(name: str) -> str:
        return workflow(f"  {name}:\n    uses: {OWN}/.github/workflows/{name}.yml@{SHA}\n")

    files = {INITS_OWN: caller("python-ci"), ".github/workflows/gpu-tests.yml": caller("gpu-tests")}
    assert runs(tmp_path, files) == []
    renamed = {".github/workflows/ci.yml": caller("python-ci")}
    assert runs(tmp_path, renamed) == [
        f".github/workflows/ci.yml, job python-ci, calls {OWN}/.github/workflows/python-ci.yml"
    ]


def test_an_unreadable_workflow_is_no_evidence(tmp_path: Path) -> None:
    assert runs(tmp_path, {".github/workflows/ci.yml": "on: [push\njobs: pytest\n"}) == []


def test_init_leaves_python_ci_out_and_says_why_and_how_to_ask(tmp_path: Path) -> None:
    files = {"pyproject.toml": PYPROJECT, ".github/workflows/ci.yml": workflow(steps("pytest"))}
    repo = project(tmp_path / "repo", files)
    result = init(repo)
    assert result.exit_code == 0, result.output
    assert (repo / ".github/workflows/metstandards.yml").is_file()
    assert not (repo / INITS_OWN).exists()
    assert re.search(rf"^skipped +{INITS_OWN} \(the project's own CI runs the tests\)$",
                     result.output, re.M), result.output  # fmt: skip
    said = " ".join(result.output.split())
    assert "(.github/workflows/ci.yml, job test, runs `pytest`)" in said
    assert "To add it anyway: metstandards init --workflows metstandards,python-ci" in said

    again = init(repo)
    assert again.output.endswith("Up to date: nothing to change.\n"), again.output

    asked = init(repo, "--workflows", "metstandards,python-ci")
    assert asked.exit_code == 0, asked.output
    assert re.search(rf"^created +{INITS_OWN}$", asked.output, re.M), asked.output
    # Once written, init's own caller is compared, not taken for the project's CI.
    assert runs(tmp_path / "again", {INITS_OWN: (repo / INITS_OWN).read_text()}) == []

from __future__ import annotations

from metstandards.repository.check import Evidence, RepositoryCheck, Result
from metstandards.repository.checks._layout import test_files
from metstandards.repository.checks._settings import TEST_PATHS
from metstandards.repository.ci import ON_CHANGES, RUNS_TESTS, describe
from metstandards.repository.view import Repository

_TEST = (
    "from forecast import skill\n\n\ndef test_perfect_forecast():\n    assert skill(1, 1) == 1\n"
)
_WORKFLOW = ".github/workflows/tests.yml"


def _workflow(on: str, run: str) -> str:
    return (
        f"on: {on}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - run: pip install -e '.[test]'\n      - run: {run}\n"
    )


class TestsInCi(RepositoryCheck):
    """The repository has tests, and CI runs them on every push and merge request.

    ## What it does
    Looks for test files: tracked Python files under the configured test paths (`tests/`,
    `test/`, `test_*.py`, `*_test.py`), not counting `__init__.py` and `conftest.py`. A
    repository without any fails: there is nothing to not apply. Then looks for CI running
    them on pushes or pull/merge requests: the metstandards `python-ci` reusable workflow or
    component, a step or script running `pytest`, `python -m pytest`, `python -m unittest`,
    `coverage run`, `tox`, `nox` or `hatch test` (through `uv run`, `poetry run`, `xvfb-run` and
    the like as well; `pip install pytest` is not running it), or a test task of the project
    (`make test`, `hatch run test:cov`, `pixi run tests`): what `metstandards init` takes for
    an existing test job too. Or another project's reusable workflow named for pytest (such as
    ECMWF's `qa-pytest-pyproject.yml`). Tests that run only on a schedule or by hand do not count.

    ## Why is this bad?
    A verification score, a regridding or an unit conversion that nobody tests is wrong
    silently: the forecast still comes out, just worse. Tests that CI does not run stop
    passing within weeks, and then nobody trusts them.

    ## Example
    ```yaml
    # .github/workflows/tests.yml, in a repository whose tests/ is empty
    on: workflow_dispatch
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - run: pytest
    ```

    ## Use instead
    ```yaml
    on: [push, pull_request]
    jobs:
      python-ci:
        uses: metstandards/metstandards/.github/workflows/python-ci.yml@<40-hex-sha> # v0.1.0
    ```
    with tests in `tests/test_*.py`.

    ## Options
    `test-paths` in `[repository]`: gitignore-style patterns of where tests live (default: the
    same as `[lint] test-paths`).
    """

    code = "MS603"
    name = "tests-in-ci"
    family = "ci"

    PASSING = (
        {"tests/test_skill.py": _TEST, _WORKFLOW: _workflow("[push, pull_request]", "pytest -q")},
        {
            "tests/test_skill.py": _TEST,
            ".gitlab-ci.yml": "test:\n  image: python:3.12\n  script:\n"
            "    - pip install tox\n    - tox -e py312\n",
        },
        {"tests/test_skill.py": _TEST, _WORKFLOW: _workflow("push", "python -m unittest discover")},
        {"tests/test_skill.py": _TEST, _WORKFLOW: _workflow("pull_request", "make test")},
    )
    FAILING = (
        {"forecast.py": "def skill(a, b):\n    return 1\n"},
        {"tests/test_skill.py": _TEST},
        {"tests/test_skill.py": _TEST, _WORKFLOW: _workflow("workflow_dispatch", "pytest")},
        {"tests/test_skill.py": _TEST, _WORKFLOW: _workflow("push", "pip install pytest")},
    )

    def check(self, repo: Repository) -> Result:
        tests = test_files(repo, self.settings)
        if not tests:
            paths = self.settings.get("test-paths", TEST_PATHS)
            return self.failed(
                f"no test files: no tracked Python file under the test paths ({', '.join(paths)})",
                hint="add tests (tests/test_*.py) for the package's behaviour and run them in "
                "CI with the python-ci reusable workflow or pytest",
            )
        ci = repo.ci
        runs = ci.find(RUNS_TESTS)
        on_changes = [found for found in runs if found.events & ON_CHANGES]
        if on_changes:
            first = on_changes[0]
            return self.passed(
                f"{len(tests)} test files; CI runs them with {first.what} at {first.where}",
                *(Evidence(found.path, found.line, found.what) for found in on_changes),
            )
        if ci.problems:
            return self.error(f"CI could not be read: {ci.unreadable}")
        if runs:
            events = frozenset().union(*(found.events for found in runs))
            said = f"CI runs them only on {describe(events)}, not on pushes or merge requests"
        elif ci.files:
            said = f"CI never runs the tests (looked in {len(ci.files)} CI files)"
        else:
            said = "there is no CI configuration (.github/workflows/*.yml or .gitlab-ci.yml)"
        return self.failed(
            f"{len(tests)} test files, but {said}",
            *(
                Evidence(found.path, found.line, f"{found.what}, on {describe(found.events)}")
                for found in runs
            ),
            hint="run the tests on every push and pull/merge request: call the metstandards "
            "python-ci reusable workflow, or add a step running `python -m pytest`",
        )

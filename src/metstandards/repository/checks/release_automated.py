from __future__ import annotations

from metstandards.repository.check import Evidence, RepositoryCheck, Result
from metstandards.repository.checks._layout import declared_package
from metstandards.repository.ci import PUBLISHES, TAG, Found, describe
from metstandards.repository.view import Repository

_PYPROJECT = '[project]\nname = "forecast"\nversion = "1.0.0"\n'
_SHA = "ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e"
_RELEASE = (
    "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    runs-on: ubuntu-latest\n"
    "    environment: pypi\n    permissions:\n      id-token: write\n    steps:\n"
    "      - run: python -m pip install build && python -m build\n"
    f"      - uses: pypa/gh-action-pypi-publish@{_SHA} # v1.13.0\n"
)


class ReleaseAutomated(RepositoryCheck):
    """A CI job on release tags builds the package and publishes it.

    ## What it does
    Where the repository declares a Python package (`pyproject.toml` with `[project]`,
    `[tool.poetry]` or `[build-system]`, a `setup.py`, or a `setup.cfg` naming one), looks for
    a CI job that runs on tags (a GitHub `push` of tags or a `release`; a GitLab job whose
    rules or `only` take tags, or which has none) and publishes: the metstandards `release`
    reusable workflow or component, `pypa/gh-action-pypi-publish`, `twine upload`,
    `uv publish` (or poetry, flit, hatch or pdm `publish`), or another project's reusable
    workflow named for PyPI (such as ECMWF's `cd-pypi.yml`). A publishing step
    is the evidence of the build as well: nothing is published that was not built. The
    metstandards `release` workflow builds, and its caller template adds the publishing jobs.

    ## Why is this bad?
    A release built on a laptop holds whatever that laptop had: uncommitted changes, a stale
    generated file, another version of a compiled extension. The operational suite then runs a
    package that no commit describes, and nobody can rebuild it.

    ## Example
    ```text
    # the release procedure in the README
    python -m build && twine upload dist/*
    ```

    ## Use instead
    ```yaml
    on:
      push:
        tags: ["v*"]
    jobs:
      release:
        uses: metstandards/metstandards/.github/workflows/release.yml@<40-hex-sha> # v0.1.0
    ```
    with the publishing jobs of `metstandards init`'s release caller (trusted publishing).

    ## Options
    None.
    """

    code = "MS613"
    name = "release-automated"
    family = "release"

    PASSING = (
        {"pyproject.toml": _PYPROJECT, ".github/workflows/release.yml": _RELEASE},
        {
            "setup.py": "from setuptools import setup\nsetup(name='forecast')\n",
            ".gitlab-ci.yml": "publish:\n  rules:\n    - if: $CI_COMMIT_TAG\n  script:\n"
            "    - python -m build\n    - twine upload dist/*\n",
        },
    )
    FAILING = (
        {"pyproject.toml": _PYPROJECT},
        {
            "pyproject.toml": _PYPROJECT,
            ".github/workflows/release.yml": _RELEASE.replace(
                "push:\n    tags: ['v*']", "workflow_dispatch:"
            ),
        },
        {
            "pyproject.toml": _PYPROJECT,
            ".gitlab-ci.yml": "build:\n  script:\n    - python -m build\n",
        },
    )
    NOT_APPLICABLE = (
        {"README.md": "# analysis scripts\n", "scripts/plot.py": "print('map')\n"},
        {"setup.cfg": "[flake8]\nmax-line-length = 100\n"},
    )

    def check(self, repo: Repository) -> Result:
        package = declared_package(
            repo.pyproject, repo.text("setup.cfg"), has_setup_py=repo.has("setup.py")
        )
        if package is None:
            return self.not_applicable(
                "the repository declares no Python package (no pyproject.toml [project], "
                "setup.py or setup.cfg [metadata]), so there is nothing to release"
            )
        ci = repo.ci
        publishing = ci.find(PUBLISHES)
        on_tags = [found for found in publishing if TAG in found.events]
        if on_tags:
            first = on_tags[0]
            return self.passed(
                f"{first.what} at {first.where} publishes the package on tags",
                *(Evidence(found.path, found.line, found.what) for found in on_tags),
            )
        if ci.problems:
            return self.error(f"CI could not be read: {ci.unreadable}")
        return self.failed(
            f"{package} declares a package, but {_what_ci_does(publishing)}",
            *(Evidence(f.path, f.line, f"{f.what}, on {describe(f.events)}") for f in publishing),
            hint="build and publish on release tags in CI: call the metstandards release "
            "reusable workflow with the publishing jobs `metstandards init` writes "
            "(trusted publishing, no stored token)",
        )


def _what_ci_does(publishing: list[Found]) -> str:
    """What CI does instead of publishing on tags, for the failure message."""
    if not publishing:
        return "no CI job builds and publishes it"
    events = frozenset().union(*(found.events for found in publishing))
    return f"CI publishes it only on {describe(events)}, never on a tag"

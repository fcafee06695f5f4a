"""A setup.py or setup.cfg project without pyproject.toml: init writes the rest, creates no
pyproject.toml (one can change how pip builds the project), and never runs setup.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ._init import init, project, tree

# Run, it would fail: init must only read it.
SETUP_PY = """\
import numpy
from setuptools import setup

raise SystemExit("setup.py was run")
setup(name="demo", version="0.1.0", python_requires=">=3.11", extras_require={"tests": ["pytest"]})
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "files",
    [
        {"setup.py": SETUP_PY},
        {"setup.cfg": "[options]\npython_requires = >=3.11\n[options.extras_require]\ntests =\n"},
    ],
    ids=["setup.py", "setup.cfg"],
)
def test_a_setuptools_project_is_adopted_without_a_pyproject(
    tmp_path: Path, files: dict[str, str]
) -> None:
    repo = project(tmp_path / "repo", files)
    result = init(repo)
    assert result.exit_code == 0, result.output
    assert not (repo / "pyproject.toml").exists()
    assert re.search(r"^skipped +pyproject\.toml \(not created: the project is built from "
                     r"setup\.py or setup\.cfg\)$", result.output, re.M), result.output  # fmt: skip
    said = " ".join(result.output.split())
    assert "metstandards applies the wg3 profile's defaults" in said
    assert "add a [tool.metstandards] section to a pyproject.toml" in said
    for relpath in (".pre-commit-config.yaml", ".github/workflows/metstandards.yml",
                    ".github/dependabot.yml"):  # fmt: skip
        assert re.search(rf"^created +{re.escape(relpath)}$", result.output, re.M), relpath
    caller = yaml.safe_load((repo / ".github/workflows/python-ci.yml").read_text())
    inputs = caller["jobs"]["python-ci"]["with"]
    assert inputs["python-versions"] == '["3.11", "3.12", "3.13", "3.14"]'
    assert inputs["extras"] == "tests"

    written = tree(repo)
    again = init(repo)
    assert again.exit_code == 0, again.output
    assert again.output.endswith("Up to date: nothing to change.\n")
    assert tree(repo) == written


def test_a_setup_py_project_inside_another_repository_is_still_refused(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    repo = project(tmp_path / "sub", {"setup.py": SETUP_PY})
    result = init(repo)
    assert result.exit_code == 2
    assert "not at its root" in result.output

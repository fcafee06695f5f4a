"""The python-ci caller takes its Python versions from ``requires-python`` and names only an extra
the project declares; what init writes is a valid call of the reusable workflow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from metstandards.scaffold.project import Extras, Project, RequiresPython, read_project
from metstandards.scaffold.python_ci import SUPPORTED, python_ci

from ._init import init, project, tool

CHECKOUT = Path(__file__).resolve().parents[2]
CALLER = ".github/workflows/python-ci.yml"


def reusable_inputs() -> dict[str, Any]:
    workflow = yaml.safe_load((CHECKOUT / CALLER).read_text(encoding="utf-8"))
    on = workflow.get("on", workflow.get(True))  # PyYAML reads the key `on` as True
    inputs = on["workflow_call"]["inputs"]
    assert isinstance(inputs, dict)
    return inputs


def written_inputs(root: Path) -> dict[str, Any]:
    caller = yaml.safe_load((root / CALLER).read_text(encoding="utf-8"))
    inputs = caller["jobs"]["python-ci"]["with"]
    assert isinstance(inputs, dict)
    return inputs


def requires(specifier: str | None) -> Project:
    declared = None if specifier is None else RequiresPython(specifier, "pyproject.toml")
    return Project(declared, None)


@pytest.mark.parametrize(
    ("specifier", "versions"),
    [
        (">=3.11", ("3.11", "3.12", "3.13", "3.14")),
        (">=3.11,<3.14", ("3.11", "3.12", "3.13")),
        (">=3.10.2", SUPPORTED),
        ("~=3.12", ("3.12", "3.13", "3.14")),
        ("!=3.12.*,>=3.11", ("3.11", "3.13", "3.14")),
        ("==3.11.*", ("3.11",)),
    ],
)
def test_versions_are_the_supported_ones_requires_python_allows(
    specifier: str, versions: tuple[str, ...]
) -> None:
    chosen = python_ci(requires(specifier))
    assert chosen.versions == versions
    assert chosen.placeholders()["python-versions"] == json.dumps(list(versions))
    assert chosen.placeholders()["python-version"] == versions[0]
    assert f"the supported ones pyproject.toml {specifier!r} allows" in chosen.remarks[0]


@pytest.mark.parametrize(
    ("specifier", "said"),
    [
        (None, "the project declares no requires-python"),
        ("<3.9", "allows none of them"),
        ("3.11+", "is not a valid version specifier"),
    ],
)
def test_without_a_usable_requires_python_every_supported_version_is_tested_and_said(
    specifier: str | None, said: str
) -> None:
    chosen = python_ci(requires(specifier))
    assert chosen.versions == SUPPORTED
    assert said in chosen.remarks[0]


@pytest.mark.parametrize(
    ("names", "extra"),
    [
        (("docs", "test"), "test"),
        (("Tests", "dev"), "Tests"),
        (("dev", "testing"), "testing"),
        (("all", "dev"), "dev"),
        (("docs", "gpu"), None),
        ((), None),
    ],
)
def test_only_a_declared_test_extra_is_named(names: tuple[str, ...], extra: str | None) -> None:
    chosen = python_ci(Project(None, Extras(names, "pyproject.toml")))
    assert chosen.extra == extra
    assert chosen.placeholders()["extras"] == extra


@pytest.mark.slow
def test_the_written_caller_is_a_valid_call_of_the_reusable_workflow(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        '[project.optional-dependencies]\ntests = ["pytest"]\ndocs = ["sphinx"]\n'
    )
    repo = project(tmp_path / "repo", {"pyproject.toml": pyproject})
    result = init(repo)
    assert result.exit_code == 0, result.output
    inputs, accepted = written_inputs(repo), reusable_inputs()
    assert set(inputs) <= set(accepted)
    assert all(accepted[name]["type"] == "string" for name in inputs)
    assert json.loads(inputs["python-versions"]) == ["3.11", "3.12", "3.13", "3.14"]
    assert inputs["python-version"] == "3.11"
    assert inputs["extras"] == "tests"
    said = " ".join(result.output.split())
    assert "python-ci.yml tests on Python 3.11, 3.12, 3.13, 3.14" in said
    assert "installs the project with its extra 'tests'" in said


@pytest.mark.slow
def test_a_project_without_a_test_extra_gets_no_extras_input(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo", {"pyproject.toml": '[project]\nname = "demo"\n'})
    result = init(repo)
    assert result.exit_code == 0, result.output
    assert "extras" not in written_inputs(repo)
    assert "extras:" not in (repo / CALLER).read_text()
    assert "python-ci.yml names no extra" in " ".join(result.output.split())
    schema = tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows", CALLER,
                  cwd=repo)  # fmt: skip
    assert schema.returncode == 0, schema.stdout + schema.stderr
    audit = tool("zizmor", "--offline", "--no-config", CALLER, cwd=repo)
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_setup_cfg_and_setup_py_are_read_without_running_setup_py(tmp_path: Path) -> None:
    setup_cfg = "[options]\npython_requires = >=3.12\n[options.extras_require]\ntest = pytest\n"
    setup_py = (
        "import sys\nsys.exit('setup.py was run')\n"
        "EXTRAS = {'testing': ['pytest']}\n"
        "setup(name='demo', python_requires='>=3.13', extras_require=EXTRAS)\n"
    )
    from_cfg = read_project(project(tmp_path / "cfg", {"setup.cfg": setup_cfg}), None)
    assert from_cfg == Project(
        RequiresPython(">=3.12", "setup.cfg [options] python_requires"),
        Extras(("test",), "setup.cfg [options.extras_require]"),
    )
    from_py = read_project(project(tmp_path / "py", {"setup.py": setup_py}), None)
    assert from_py == Project(
        RequiresPython(">=3.13", "setup.py python_requires="),
        Extras(("testing",), "setup.py extras_require="),
    )
    both = project(tmp_path / "both", {"setup.cfg": setup_cfg, "setup.py": setup_py})
    pyproject = '[project]\nname = "demo"\nrequires-python = ">=3.11"\n'
    assert read_project(both, pyproject) == Project(
        RequiresPython(">=3.11", "pyproject.toml requires-python"),
        Extras(("test",), "setup.cfg [options.extras_require]"),
    )

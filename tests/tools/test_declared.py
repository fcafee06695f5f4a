"""Reading what a project declares, statically: pyproject.toml, setup.cfg, requirement files."""

from __future__ import annotations

from pathlib import Path

import pytest

from metstandards.results import Status
from metstandards.tools import declared, pip_audit
from metstandards.tools.declared import LOCAL, SELF, URL, VCS, Pin
from metstandards.tools.process import NotRun

from ._project import context


def _requirements(found: declared.Declared) -> list[str]:
    return [str(requirement) for requirement in found.requirements]


def test_setup_cfg_install_requires_and_extras_are_read(tmp_path: Path) -> None:
    setup_cfg = (
        "[metadata]\nname = demo\n\n[options]\ninstall_requires =\n    numpy>=1.24\n"
        '    # the data layer\n    xarray ; python_version >= "3.10"\n\n'
        "[options.extras_require]\nall =\n    demo[plot]\nplot = matplotlib==3.8.0\n"
    )
    found = declared.read(context(tmp_path, {"setup.cfg": setup_cfg}).root)
    assert _requirements(found) == [
        "numpy>=1.24",
        'xarray; python_version >= "3.10"',
        "matplotlib==3.8.0",
    ]
    assert found.skipped == (("demo", SELF),)
    assert found.files == ("setup.cfg",)


def test_dynamic_dependencies_come_from_the_files_setuptools_names(tmp_path: Path) -> None:
    pyproject = (
        'dynamic = ["dependencies", "optional-dependencies"]\n\n[tool.setuptools.dynamic]\n'
        'dependencies = { file = ["requirements.in"] }\n'
        'optional-dependencies.test = { file = ["test.in"] }\n'
    )
    files = {"requirements.in": "torch>=2\n", "test.in": "pytest>=8\n"}
    found = declared.read(context(tmp_path, files, pyproject=pyproject).root)
    assert _requirements(found) == ["torch>=2", "pytest>=8"]
    assert found.files == ("requirements.in", "test.in")


def test_dependency_groups_are_read(tmp_path: Path) -> None:
    pyproject = (
        '\n[dependency-groups]\ntest = ["pytest>=8", { include-group = "lint" }]\n'
        'lint = ["ruff==0.6.0"]\n'
    )
    found = declared.read(context(tmp_path, {}, pyproject=pyproject).root)
    assert _requirements(found) == ["pytest>=8", "ruff==0.6.0"]


def test_requirement_files_are_followed_once_and_keep_what_pip_resolves_with(
    tmp_path: Path,
) -> None:
    files = {
        "requirements.txt": (
            "-r requirements/common.txt\n--requirement=requirements/common.txt\n"
            "-c constraints.txt\n--extra-index-url https://pypi.example.org/simple\n"
            "scipy>=1.10,\\\n    <2\n-e ./libs/shared\n-e .[dev]\n"
            "./dist/tool-1.0-py3-none-any.whl\n"
            "plotting @ git+https://github.com/example/plotting@v1\n"
            "https://example.org/archive/cfgrib-0.9.tar.gz\n"
        ),
        "requirements/common.txt": "-r ../requirements.txt\nnumpy==1.26.4\n",
        "constraints.txt": "scipy<1.12\n",
    }
    root = context(tmp_path, files).root
    found = declared.read(root)
    assert _requirements(found) == ["numpy==1.26.4", "scipy<2,>=1.10"]
    assert found.options == (
        f"-c {(root / 'constraints.txt').resolve()}",
        "--extra-index-url https://pypi.example.org/simple",
    )
    assert found.skipped == (
        ("./libs/shared", LOCAL),
        ("demo", SELF),
        ("./dist/tool-1.0-py3-none-any.whl", LOCAL),
        ("plotting", VCS),
        ("https://example.org/archive/cfgrib-0.9.tar.gz", URL),
    )
    assert found.files == ("requirements/common.txt", "requirements.txt")


def test_only_exact_versions_are_pins(tmp_path: Path) -> None:
    pinned = context(tmp_path / "a", {"requirements.txt": "numpy==1.26.4\nidna===2.7\n"})
    assert declared.read(pinned.root).pins() is None  # ``===`` is not a version pip-audit pins
    ranges = context(tmp_path / "b", {"requirements.txt": "numpy==1.26.4\ntorch==2.*\n"})
    assert declared.read(ranges.root).pins() is None
    exact = context(tmp_path / "c", {"requirements.txt": "numpy==1.26.4\ntorch[cpu]==2.3.1\n"})
    assert declared.read(exact.root).pins() == [Pin("numpy", "1.26.4"), Pin("torch", "2.3.1")]


def test_a_line_that_is_no_requirement_is_not_run(tmp_path: Path) -> None:
    ctx = context(tmp_path, {"requirements.txt": "numpy==1.26.4\nnumpy >>> 1\n"})
    with pytest.raises(
        NotRun, match=r"^requirements.txt line 2: 'numpy >>> 1' is not a requirement"
    ):
        declared.read(ctx.root)


def test_a_missing_include_is_not_run(tmp_path: Path) -> None:
    ctx = context(tmp_path, {"requirements.txt": "-r base.txt\n"})
    outcome = pip_audit.run(ctx, search=[tmp_path / "nothing-here"])
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason.startswith("base.txt could not be read for the dependencies: ")


def test_poetrys_own_dependency_tables_without_a_lock_are_said_to_be_unread(
    tmp_path: Path,
) -> None:
    pyproject = '\n[tool.poetry.dependencies]\npython = "^3.10"\nrequests = "^2.19"\n'
    ctx = context(tmp_path, {}, pyproject=pyproject)
    assert declared.read(ctx.root).unread == (
        "[tool.poetry] dependencies (Poetry's own format; no poetry.lock)",
    )


def test_the_project_name_comes_from_poetry_or_setup_cfg(tmp_path: Path) -> None:
    poetry = tmp_path / "poetry"
    poetry.mkdir()
    (poetry / "pyproject.toml").write_text('[tool.poetry]\nname = "nowcast"\n', encoding="utf-8")
    assert declared.project_name(poetry) == "nowcast"
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / "setup.cfg").write_text("[metadata]\nname = radar-qc\n", encoding="utf-8")
    assert declared.project_name(legacy) == "radar-qc"
    assert declared.project_name(tmp_path) == ""


def test_a_python_version_line_names_the_interpreter_not_a_package(tmp_path: Path) -> None:
    # pysteps' requirements_dev.txt, a conda habit: pip would look for a package called python.
    files = {"requirements_dev.txt": "numpy\npython>=3.10\n"}
    found = declared.read(context(tmp_path, files).root)
    assert _requirements(found) == ["numpy"]
    assert found.skipped == (("python>=3.10", declared.INTERPRETER),)

"""The real ruff on fixture projects: the org's selection, the repository's own configuration."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from metstandards.findings import Finding, Severity
from metstandards.results import Status
from metstandards.tools import ruff

from ._project import context

SETTINGS = {"select": ["F", "E9"], "ignore": [], "severity": "error"}
UNUSED_IMPORT = "import os\n\nprint(1)\n"


@pytest.mark.slow
def test_an_unused_import_is_ruffs_f401(tmp_path: Path) -> None:
    ctx = context(
        tmp_path, {"pkg/mod.py": UNUSED_IMPORT, "pkg/clean.py": "x = 1\n"}, settings=SETTINGS
    )
    outcome = ruff.run(ctx)
    assert outcome.status is Status.FINDINGS
    assert outcome.findings == (
        Finding(
            "pkg/mod.py",
            1,
            8,
            1,
            10,
            "ruff:F401",
            "unused-import",
            Severity.ERROR,
            "`os` imported but unused",
        ),
    )


@pytest.mark.slow
def test_clean_code_passes(tmp_path: Path) -> None:
    outcome = ruff.run(context(tmp_path, {"pkg/clean.py": "x = 1\n"}, settings=SETTINGS))
    assert (outcome.status, outcome.findings, outcome.reason) == (Status.PASSED, (), "")


@pytest.mark.slow
def test_the_repositorys_per_file_ignores_apply(tmp_path: Path) -> None:
    pyproject = '[tool.ruff.lint.per-file-ignores]\n"pkg/__init__.py" = ["F401"]\n'
    files = {"pkg/__init__.py": UNUSED_IMPORT, "pkg/mod.py": UNUSED_IMPORT}
    outcome = ruff.run(context(tmp_path, files, settings=SETTINGS, pyproject=pyproject))
    assert [f.path for f in outcome.findings] == ["pkg/mod.py"]


@pytest.mark.slow
def test_the_repositorys_excludes_apply_to_explicit_files(tmp_path: Path) -> None:
    pyproject = '[tool.ruff]\nextend-exclude = ["generated"]\n'
    files = {"generated/mod.py": UNUSED_IMPORT}
    outcome = ruff.run(context(tmp_path, files, settings=SETTINGS, pyproject=pyproject))
    assert outcome.status is Status.PASSED


@pytest.mark.slow
def test_ignore_and_severity_come_from_the_settings(tmp_path: Path) -> None:
    files = {"pkg/mod.py": UNUSED_IMPORT + "print(undefined)\n"}
    settings = {"select": ["F"], "ignore": ["F401"], "severity": "warning"}
    outcome = ruff.run(context(tmp_path, files, settings=settings))
    assert [(f.code, f.severity) for f in outcome.findings] == [("ruff:F821", Severity.WARNING)]


@pytest.mark.slow
def test_a_syntax_error_is_a_finding(tmp_path: Path) -> None:
    outcome = ruff.run(context(tmp_path, {"pkg/bad.py": "def f(:\n"}, settings=SETTINGS))
    assert {f.code for f in outcome.findings} == {"ruff:invalid-syntax"}


def test_no_python_files_is_said(tmp_path: Path) -> None:
    outcome = ruff.run(context(tmp_path, {}, settings=SETTINGS))
    assert (outcome.status, outcome.reason) == (Status.SKIPPED, "no Python files")


@pytest.mark.slow
def test_a_selection_ruff_rejects_is_not_run_with_its_words(tmp_path: Path) -> None:
    settings = {**SETTINGS, "select": ["NOPE1"]}
    outcome = ruff.run(context(tmp_path, {"pkg/mod.py": UNUSED_IMPORT}, settings=settings))
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason.startswith("ruff failed (exit code 2): ")
    assert "NOPE1" in outcome.reason


@pytest.mark.slow
def test_a_parent_directorys_ruff_settings_do_not_leak_in(tmp_path: Path) -> None:
    # An example project inside another repository, whose [tool.ruff] excludes the examples.
    (tmp_path / "pyproject.toml").write_text('[tool.ruff]\nextend-exclude = ["examples"]\n')
    ctx = context(tmp_path / "examples" / "demo", {"pkg/a.py": "import os\n"}, settings=SETTINGS)
    assert [f.code for f in ruff.run(ctx).findings] == ["ruff:F401"]


# The repository's configuration is the base; the profile adds to its selection.

BARE_EXCEPT_AND_UNUSED = "import os\n\ntry:\n    pass\nexcept:\n    pass\n"


@pytest.mark.slow
def test_the_profile_extends_the_repositorys_own_selection(tmp_path: Path) -> None:
    pyproject = '[tool.ruff.lint]\nselect = ["E722"]\n'
    files = {"pkg/mod.py": BARE_EXCEPT_AND_UNUSED}
    own = ruff.run(context(tmp_path / "a", files, pyproject=pyproject))
    extended = ruff.run(
        context(tmp_path / "b", files, pyproject=pyproject, settings={"extend-select": ["F401"]})
    )
    assert [f.code for f in own.findings] == ["ruff:E722"]
    assert [f.code for f in extended.findings] == ["ruff:F401", "ruff:E722"]


@pytest.mark.slow
def test_select_replaces_the_repositorys_selection(tmp_path: Path) -> None:
    pyproject = '[tool.ruff.lint]\nselect = ["E722"]\n'
    ctx = context(
        tmp_path, {"pkg/mod.py": BARE_EXCEPT_AND_UNUSED}, pyproject=pyproject, settings=SETTINGS
    )
    assert [f.code for f in ruff.run(ctx).findings] == ["ruff:F401"]


@pytest.mark.slow
def test_a_ruff_toml_and_nested_configurations_apply_as_for_ruff_itself(tmp_path: Path) -> None:
    files = {"pkg/mod.py": BARE_EXCEPT_AND_UNUSED, "scripts/run.py": BARE_EXCEPT_AND_UNUSED}
    ctx = context(tmp_path, files)
    (tmp_path / "ruff.toml").write_text('[lint]\nselect = ["E722"]\n')
    (tmp_path / "scripts" / "ruff.toml").write_text('[lint]\nselect = ["F401"]\n')
    found = [(f.path, f.code) for f in ruff.run(ctx).findings]
    assert found == [("pkg/mod.py", "ruff:E722"), ("scripts/run.py", "ruff:F401")]


@pytest.mark.slow
def test_notebooks_and_stubs_are_checked_with_the_cell_named(tmp_path: Path) -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# title"]},
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": ["x = 1\n", "import os"],
            },
        ],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    ctx = context(tmp_path, {"nb.ipynb": json.dumps(notebook), "pkg/a.pyi": "import sys\n"})
    ctx = replace(ctx, extra_sources=("nb.ipynb", "pkg/a.pyi"), settings={"select": ["F401"]})
    found = [(f.path, f.line, f.message) for f in ruff.run(ctx).findings]
    assert found == [
        ("nb.ipynb", 2, "cell 2: `os` imported but unused"),
        ("pkg/a.pyi", 1, "`sys` imported but unused"),
    ]

"""``lint_buffer``: a buffer checked as the file it stands for, in its project (what
``lint --stdin-filename`` and the language server use)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metstandards.config import ConfigError
from metstandards.engine.buffer import lint_buffer
from metstandards.engine.cache import content_hash
from metstandards.engine.runner import LintResult
from metstandards.registry import Registry

from ._project import Project, found

UNSAFE = "import pickle\n\nmodel = pickle.load(handle)\n"
DRAW = "import numpy as np\n\nnoise = np.random.rand(3)\n"
SEED = "import numpy\nnumpy.random.seed(0)\n"


def _lint(project: Project, relpath: str, source: str) -> LintResult:
    return lint_buffer(project.root / relpath, source, registry=project.registry)


def test_the_buffer_replaces_the_file_on_disk_and_is_reported_at_its_path(
    project: Project,
) -> None:
    project.write({"pkg/model.py": "x = 1\n", "pkg/other.py": UNSAFE})
    result = lint_buffer(project.root / "pkg/model.py", UNSAFE, registry=project.registry)
    assert found(result) == [("pkg/model.py", 3, "MS202")]  # other.py is not reported on
    assert result.files_checked == 1
    assert result.report_paths == ("pkg/model.py",)
    assert (project.root / "pkg/model.py").read_text() == "x = 1\n"


def test_a_file_not_saved_yet_is_checked_too(project: Project) -> None:
    result = lint_buffer(project.root / "pkg/new.py", UNSAFE.encode(), registry=project.registry)
    assert found(result) == [("pkg/new.py", 3, "MS202")]
    assert not (project.root / "pkg/new.py").exists()


def test_the_role_and_per_file_ignores_come_from_the_path(project: Project) -> None:
    project.configure('[tool.metstandards.per-file-ignores]\n"pkg/legacy_*.py" = ["MS202"]\n')
    # MS202 looks at package code only: the same text as a test file has no finding.
    assert found(lint_buffer(project.root / "tests/test_io.py", UNSAFE)) == []
    assert found(lint_buffer(project.root / "pkg/legacy_io.py", UNSAFE)) == []
    assert found(lint_buffer(project.root / "pkg/io.py", UNSAFE)) == [("pkg/io.py", 3, "MS202")]


def test_the_settings_are_those_of_the_project_the_path_is_in(
    project: Project, tmp_path: Path
) -> None:
    project.configure('[tool.metstandards]\nignore = ["MS202"]\n')
    assert found(lint_buffer(project.root / "pkg/io.py", UNSAFE)) == []
    other = Project(tmp_path / "other", project.registry)
    assert found(lint_buffer(other.root / "pkg/io.py", UNSAFE)) == [("pkg/io.py", 3, "MS202")]


def test_project_rules_see_the_other_files_on_disk_and_the_buffer_in_place(
    project: Project,
) -> None:
    project.write({"pkg/train.py": DRAW, "pkg/seeding.py": SEED})
    # A seed on disk counts for the buffer.
    assert found(_lint(project, "pkg/draw.py", DRAW), "MS102") == []
    # The buffer replaces seeding.py: its seed is gone, but train.py is not reported on.
    assert found(_lint(project, "pkg/seeding.py", "x = 1\n"), "MS102") == []
    (project.root / "pkg/seeding.py").unlink()
    unseeded = _lint(project, "pkg/draw.py", DRAW)
    assert found(unseeded, "MS102") == [("pkg/draw.py", 3, "MS102")]
    # A seed in the buffer counts for the project (train.py, on disk, has no finding to report).
    assert found(_lint(project, "pkg/seeding.py", SEED), "MS102") == []


def test_an_excluded_path_is_not_checked(project: Project) -> None:
    project.configure('[tool.metstandards]\nextend-exclude = ["generated/"]\n')
    result = lint_buffer(project.root / "generated/io.py", UNSAFE)
    assert (result.files_checked, result.findings) == (0, [])


def test_the_cache_is_read_by_content_but_never_written_for_the_buffer(project: Project) -> None:
    project.write({"pkg/io.py": UNSAFE})
    project.lint(use_cache=True)  # the file on disk, cached
    cache_file = project.root / ".metstandards_cache" / "lint.json"
    same = lint_buffer(project.root / "pkg/io.py", UNSAFE)
    assert same.files_from_cache == 1
    edited = lint_buffer(project.root / "pkg/io.py", "x = 1\n")
    assert (edited.files_from_cache, edited.findings) == (0, [])
    new = lint_buffer(project.root / "pkg/new.py", UNSAFE)
    assert found(new) == [("pkg/new.py", 3, "MS202")]
    files = json.loads(cache_file.read_text())["files"]
    assert set(files) == {"pkg/io.py"}
    assert files["pkg/io.py"]["hash"] == content_hash(UNSAFE.encode())  # the disk's, not "x = 1"
    # What is on disk is still answered from the cache.
    assert project.lint("pkg/io.py", use_cache=True).files_from_cache == 1


def test_a_buffer_over_the_size_limit_is_not_checked(project: Project) -> None:
    project.configure("[tool.metstandards]\nmax-file-size-kb = 1\n")
    result = lint_buffer(project.root / "pkg/big.py", "x = 1\n" * 400)
    assert found(result) == [("pkg/big.py", 1, "MS000")]
    assert "max-file-size-kb" in result.findings[0].message


def test_paths_that_cannot_stand_for_a_buffer_are_refused(
    project: Project, tmp_path: Path, registry: Registry
) -> None:
    (project.root / "pkg").mkdir()
    with pytest.raises(ValueError, match="is a directory"):
        lint_buffer(project.root / "pkg", UNSAFE)
    config = project.config()
    with pytest.raises(ValueError, match="outside the project root"):
        lint_buffer(tmp_path / "elsewhere.py", UNSAFE, config=config, registry=registry)
    with pytest.raises(ConfigError, match="in no Python project"):
        lint_buffer(tmp_path / "loose" / "f.py", UNSAFE)

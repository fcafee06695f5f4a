"""In a git work tree, git decides what is there to check: tracked files always (a .gitignore
does not hide them), untracked files only when not ignored. The configuration's excludes still
apply; deleted files, submodules, nested repositories and odd names are handled; without git,
discovery walks with its own matcher. The tests that run git are the slow ones."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from metstandards.engine.gitfiles import in_work_tree, listed_files

from ._project import Project, found

UNSAFE = "import pickle\nmodel = pickle.load(handle)\n"
IDENTITY = ("-c", "user.name=test", "-c", "user.email=test@example.invalid")


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "core.excludesFile=/dev/null", "-c", "protocol.file.allow=always", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def _repository(project: Project, files: dict[str, str]) -> None:
    project.write(files)
    _git(project.root, "init", "-q")


def _paths(project: Project, *targets: str) -> list[str]:
    return sorted({path for path, _, _ in found(project.lint(*targets, select=("MS202",)))})


@pytest.mark.slow
def test_a_tracked_file_is_checked_though_a_gitignore_matches_it(project: Project) -> None:
    """The ENSO index module is tracked with `git add -f` under a folder whose .gitignore
    ignores `*index.py`: it is the project's code, and checked. An untracked file the same
    pattern matches is not."""
    _repository(
        project,
        {
            "climate/.gitignore": "*index.py\n",
            "climate/compute_enso_index.py": UNSAFE,
            "climate/scratch_index.py": UNSAFE,
            "climate/model.py": UNSAFE,
        },
    )
    _git(project.root, "add", "-f", "climate/compute_enso_index.py")
    result = project.lint(select=("MS202",))
    assert found(result) == [
        ("climate/compute_enso_index.py", 2, "MS202"),
        ("climate/model.py", 2, "MS202"),  # untracked, not ignored: a commit would add it
    ]
    assert result.files_checked == 2
    # Named on the command line (as pre-commit passes staged files), the same holds.
    named = ("climate/compute_enso_index.py", "climate/scratch_index.py")
    assert _paths(project, *named) == ["climate/compute_enso_index.py"]


@pytest.mark.slow
def test_the_configuration_still_excludes_tracked_files(project: Project) -> None:
    project.configure('[tool.metstandards]\nextend-exclude = ["legacy/", "*_gen.py"]\n')
    _repository(
        project,
        {"legacy/old.py": UNSAFE, "pkg/a_gen.py": UNSAFE, "pkg/a.py": UNSAFE, "build/b.py": UNSAFE},
    )
    _git(project.root, "add", "-A")
    assert _paths(project) == ["pkg/a.py"]  # build/ is excluded by the profile
    assert _paths(project, "legacy/old.py", "legacy", "pkg") == ["pkg/a.py"]


@pytest.mark.slow
def test_a_tracked_file_deleted_from_the_work_tree_is_left_out(project: Project) -> None:
    _repository(project, {"pkg/gone.py": UNSAFE, "pkg/here.py": UNSAFE})
    _git(project.root, "add", "-A")
    (project.root / "pkg" / "gone.py").unlink()
    result = project.lint(select=("MS202",))
    assert found(result) == [("pkg/here.py", 2, "MS202")]
    assert (result.files_checked, result.not_checked) == (1, [])


@pytest.mark.slow
def test_submodules_and_nested_repositories_are_not_entered(
    project: Project, tmp_path: Path
) -> None:
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    (upstream / "vendored.py").write_text(UNSAFE)
    _git(upstream, "init", "-q")
    _git(upstream, "add", "-A")
    _git(upstream, *IDENTITY, "commit", "-q", "-m", "upstream")
    _repository(project, {"pkg/a.py": UNSAFE, "scratch/clone/b.py": UNSAFE})
    _git(project.root / "scratch" / "clone", "init", "-q")  # an untracked nested repository
    _git(project.root, "submodule", "add", "-q", str(upstream), "third_party/upstream")
    assert (project.root / "third_party" / "upstream" / "vendored.py").is_file()
    assert _paths(project) == ["pkg/a.py"]


@pytest.mark.slow
def test_a_file_name_that_is_not_utf8_is_listed_and_checked(project: Project) -> None:
    if os.uname().sysname == "Darwin":
        pytest.skip("macOS file systems accept only UTF-8 names")
    _repository(project, {})
    name = os.fsencode(project.root) + b"/caf\xe9.py"
    with open(name, "wb") as handle:
        handle.write(UNSAFE.encode())
    _git(project.root, "add", "-A")
    assert _paths(project) == ["caf\udce9.py"]


@pytest.mark.slow
def test_git_refusing_the_repository_falls_back_to_the_walk(project: Project) -> None:
    """A `.git` that git cannot read (damaged, or owned by another user) is no reason to fail:
    discovery walks and reads the .gitignore files itself, which do hide an ignored file."""
    project.write({".gitignore": "scratch.py\n", "scratch.py": UNSAFE, "pkg/a.py": UNSAFE})
    (project.root / ".git").mkdir()
    (project.root / ".git" / "HEAD").write_text("not a reference\n")
    assert listed_files(project.root) is None
    assert _paths(project) == ["pkg/a.py"]


@pytest.mark.slow
def test_the_repository_cannot_make_git_run_a_program(project: Project) -> None:
    """Static only: a repository's `core.fsmonitor` names a program git would start on
    `ls-files`; discovery's git never starts it."""
    _repository(project, {"pkg/a.py": UNSAFE})
    marker = project.root.parent / "ran"
    hook = project.root.parent / "fsmonitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    _git(project.root, "config", "core.fsmonitor", str(hook))
    assert listed_files(project.root) == {"pkg/a.py", "pyproject.toml"}
    assert not marker.exists()


def test_without_git_installed_discovery_walks(
    project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A work tree by its marker, but no git on PATH: the walk and its own matcher."""
    project.write({".gitignore": "scratch.py\n", "scratch.py": UNSAFE, "pkg/a.py": UNSAFE})
    (project.root / ".git").mkdir()
    (project.root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("git") is None
    assert listed_files(project.root) is None
    assert _paths(project) == ["pkg/a.py"]


def test_a_work_tree_is_told_by_its_git_marker(tmp_path: Path) -> None:
    """Decided without starting git: a `.git` directory with a HEAD, or a `.git` file (a linked
    work tree, a submodule); an empty `.git` directory is no repository."""
    inner = tmp_path / "repo" / "pkg" / "sub"
    inner.mkdir(parents=True)
    assert not in_work_tree(inner)
    (tmp_path / "repo" / ".git").mkdir()
    assert not in_work_tree(inner)
    (tmp_path / "repo" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    assert in_work_tree(inner)
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / ".git").write_text("gitdir: /elsewhere/.git/worktrees/linked\n")
    assert in_work_tree(linked)

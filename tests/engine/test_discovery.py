"""Which files a run checks: .gitignore files, excludes, symlinks, unreadable and odd paths."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ._project import Project, found

UNSAFE = "import pickle\nmodel = pickle.load(handle)\n"


def test_gitignore_files_are_respected_at_every_depth(project: Project) -> None:
    project.write(
        {
            ".gitignore": "generated/\n*_pb2.py\n",
            "pkg/a.py": UNSAFE,
            "pkg/model_pb2.py": UNSAFE,
            "generated/b.py": UNSAFE,
            "pkg/sub/.gitignore": "local.py\n",
            "pkg/sub/local.py": UNSAFE,
            "pkg/local.py": UNSAFE,  # the nested .gitignore does not reach up here
        }
    )
    result = project.lint(select=("MS202",))
    assert sorted({path for path, _, _ in found(result)}) == ["pkg/a.py", "pkg/local.py"]
    assert result.files_checked == 2


def test_a_nested_gitignore_can_reinclude_what_a_parent_ignored(project: Project) -> None:
    project.write(
        {
            ".gitignore": "*_gen.py\n",
            "pkg/a_gen.py": UNSAFE,
            "pkg/keep/.gitignore": "!kept_gen.py\n",
            "pkg/keep/kept_gen.py": UNSAFE,
        }
    )
    result = project.lint(select=("MS202",))
    assert [path for path, _, _ in found(result)] == ["pkg/keep/kept_gen.py"]


def test_excludes_apply_to_explicitly_passed_files(project: Project) -> None:
    """pre-commit passes every staged file, excluded or not: they must stay unchecked."""
    project.configure('[tool.metstandards]\nextend-exclude = ["legacy/"]\n')
    project.write(
        {
            ".gitignore": "scratch.py\n",
            "legacy/old.py": UNSAFE,
            "build/lib/pkg/a.py": UNSAFE,  # excluded by the profile
            "scratch.py": UNSAFE,
            "pkg/a.py": UNSAFE,
        }
    )
    result = project.lint(
        "legacy/old.py", "build/lib/pkg/a.py", "scratch.py", "legacy", "pkg/a.py", select=("MS202",)
    )
    assert found(result) == [("pkg/a.py", 2, "MS202")]
    assert result.files_checked == 1


def test_directory_symlinks_are_not_followed(project: Project, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "third_party.py").write_text(UNSAFE)
    project.write({"pkg/real/a.py": UNSAFE})
    (project.root / "pkg" / "vendored").symlink_to(outside, target_is_directory=True)
    (project.root / "pkg" / "alias").symlink_to(project.root / "pkg" / "real")
    (project.root / "pkg" / "real" / "loop").symlink_to(project.root / "pkg")

    result = project.lint(select=("MS202",))

    assert found(result) == [("pkg/real/a.py", 2, "MS202")]


def test_symlink_loop_and_dangling_symlink_are_reported_not_checked(project: Project) -> None:
    project.write({"pkg/a.py": UNSAFE})
    (project.root / "pkg" / "loop.py").symlink_to("loop.py")
    (project.root / "pkg" / "ping.py").symlink_to("pong.py")
    (project.root / "pkg" / "pong.py").symlink_to("ping.py")
    (project.root / "pkg" / "gone.py").symlink_to("deleted.py")

    result = project.lint(select=("MS202",))

    messages = {f.path: f.message for f in result.findings if f.code == "MS000"}
    assert set(messages) == {"pkg/loop.py", "pkg/ping.py", "pkg/pong.py", "pkg/gone.py"}
    assert "symlink loop" in messages["pkg/loop.py"]
    assert "symlink loop" in messages["pkg/ping.py"]
    assert "dangling symlink" in messages["pkg/gone.py"]
    assert "deleted.py" in messages["pkg/gone.py"]
    assert result.not_checked == sorted(messages)
    assert ("pkg/a.py", 2, "MS202") in found(result)  # the rest is still checked


def _permissions_bind_us(directory: Path) -> bool:
    """Whether this process is refused a file it has no read permission on. Root (with
    CAP_DAC_OVERRIDE) is not, so a chmod 000 file cannot make a read fail there."""
    probe = directory / "probe"
    probe.write_text("x")
    probe.chmod(0)
    try:
        probe.read_text()
    except PermissionError:
        return True
    finally:
        probe.chmod(0o644)
    return False


@pytest.mark.slow
def test_file_without_read_permission_is_reported_not_checked(
    project: Project, tmp_path: Path
) -> None:
    project.write({"pkg/a.py": UNSAFE, "pkg/secret.py": UNSAFE})
    (project.root / "pkg" / "secret.py").chmod(0)
    try:
        if _permissions_bind_us(tmp_path):
            findings = [(f.path, f.line, f.code, f.message) for f in project.lint().findings]
        else:
            findings = _lint_without_dac_override(project.root)
    finally:
        (project.root / "pkg" / "secret.py").chmod(0o644)
    assert [finding[:3] for finding in findings] == [
        ("pkg/a.py", 2, "MS202"),
        ("pkg/secret.py", 1, "MS000"),
    ]
    assert "Permission denied" in findings[1][3]


def _lint_without_dac_override(root: Path) -> list[tuple[str, int, str, str]]:
    """Run the CLI as root without the capabilities that let root read any file, so that a
    chmod 000 file is as unreadable as it is for everyone else."""
    setpriv = shutil.which("setpriv")
    if setpriv is None or os.geteuid() != 0:
        pytest.skip("this process reads files whatever their mode, and setpriv is unavailable")
    completed = subprocess.run(
        [
            setpriv,
            "--inh-caps=-all",
            "--bounding-set=-dac_override,-dac_read_search",
            sys.executable,
            "-m",
            "metstandards",
            "lint",
            "--no-cache",
            "--format=json",
            "--select=MS202",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 1, completed.stderr
    report = json.loads(completed.stdout)
    return [(f["path"], f["line"], f["code"], f["message"]) for f in report["findings"]]


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="uses /proc/self/mem, whose reads fail"
)
def test_file_that_fails_on_read_is_reported_not_checked(project: Project) -> None:
    """A read error that happens to root too: /proc/self/mem at offset 0 gives EIO."""
    project.write({"pkg/a.py": UNSAFE})
    (project.root / "pkg" / "mem.py").symlink_to("/proc/self/mem")
    result = project.lint(select=("MS202",))
    assert found(result) == [("pkg/a.py", 2, "MS202"), ("pkg/mem.py", 1, "MS000")]
    assert "cannot read: Input/output error" in result.findings[1].message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_fifo_named_like_source_is_reported_and_never_opened(project: Project) -> None:
    """Opening a FIFO for reading would block the run forever."""
    project.write({"pkg/a.py": UNSAFE})
    os.mkfifo(project.root / "pkg" / "pipe.py")
    os.mkfifo(project.root / "pkg" / "notes")  # not a *.py: not meant to be checked

    for result in (project.lint(), project.lint("pkg/pipe.py")):
        messages = {f.path: f.message for f in result.findings if f.code == "MS000"}
        assert list(messages) == ["pkg/pipe.py"]
        assert "not a regular file" in messages["pkg/pipe.py"]


def test_directory_named_like_source_is_walked(project: Project) -> None:
    project.write({"pkg/odd.py/inner.py": UNSAFE})
    result = project.lint(select=("MS202",))
    assert found(result) == [("pkg/odd.py/inner.py", 2, "MS202")]


def test_explicit_directory_symlink_is_reported_not_followed(
    project: Project, tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "a.py").write_text(UNSAFE)
    (project.root / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    result = project.lint("linked", select=("MS202",))
    assert found(result) == [("linked", 1, "MS000")]
    assert "not followed" in result.findings[0].message


def test_path_outside_the_root_is_reported_not_checked(project: Project, tmp_path: Path) -> None:
    stray = tmp_path / "stray.py"
    stray.write_text(UNSAFE)
    project.write({"pkg/a.py": UNSAFE})
    result = project.lint("pkg/a.py", "../stray.py", select=("MS202",))
    assert found(result) == [(stray.as_posix(), 1, "MS000"), ("pkg/a.py", 2, "MS202")]
    assert "outside the project root" in result.findings[0].message


def test_nonexistent_path_given_to_the_library_is_reported_not_checked(project: Project) -> None:
    project.write({"pkg/a.py": UNSAFE})
    result = project.lint("pkg/missing.py", select=("MS202",))
    assert found(result) == [("pkg/missing.py", 1, "MS000")]
    assert "No such file" in result.findings[0].message


def test_roles_test_code_is_not_package_code(project: Project) -> None:
    """MS202 applies to package code: scripts/, in-package testing/ helpers and __main__ blocks
    are package code; tests, docs, examples and setup.py are not."""
    main_block = 'import pickle\n\nif __name__ == "__main__":\n    pickle.load(handle)\n'
    project.write(
        {
            "src/pkg/model.py": UNSAFE,
            "src/pkg/testing/helpers.py": UNSAFE,
            "src/pkg/__main__.py": main_block,
            "scripts/train.py": UNSAFE,
            "tests/test_model.py": UNSAFE,
            "tests/unit/helpers.py": UNSAFE,
            "src/pkg/tests/test_inner.py": UNSAFE,
            "test_top.py": UNSAFE,
            "pkg/io_test.py": UNSAFE,
            "conftest.py": UNSAFE,
            "docs/conf.py": UNSAFE,
            "examples/demo.py": UNSAFE,
            "notebooks/explore.py": UNSAFE,
            "setup.py": UNSAFE,
        }
    )
    result = project.lint(select=("MS202",))
    assert found(result) == [
        ("scripts/train.py", 2, "MS202"),
        ("src/pkg/__main__.py", 4, "MS202"),
        ("src/pkg/model.py", 2, "MS202"),
        ("src/pkg/testing/helpers.py", 2, "MS202"),
    ]
    assert result.files_checked == 14


def test_roles_follow_configured_test_and_non_package_paths(project: Project) -> None:
    project.configure(
        '[tool.metstandards]\ntest-paths = ["checks/"]\nnon-package-paths = ["/tools/"]\n'
    )
    project.write({"checks/a.py": UNSAFE, "tools/b.py": UNSAFE})
    project.write({"tests/c.py": UNSAFE, "pkg/tools/d.py": UNSAFE})
    result = project.lint(select=("MS202",))
    # tests/ is package code once test-paths no longer names it; /tools/ is anchored at the root.
    assert [path for path, _, _ in found(result)] == ["pkg/tools/d.py", "tests/c.py"]


def test_include_patterns_choose_the_files_to_check(project: Project) -> None:
    project.configure('[tool.metstandards]\ninclude = ["*.py", "*.pyw"]\n')
    project.write({"pkg/a.pyw": UNSAFE, "pkg/b.py": UNSAFE, "pkg/c.txt": UNSAFE})
    result = project.lint(select=("MS202",))
    assert [path for path, _, _ in found(result)] == ["pkg/a.pyw", "pkg/b.py"]


def test_exclude_replaces_the_profile_and_extend_exclude_adds_to_it(project: Project) -> None:
    project.write({".venv/lib/site.py": UNSAFE, "vendor/x.py": UNSAFE, "pkg/a.py": UNSAFE})

    project.configure('[tool.metstandards]\nextend-exclude = ["vendor/"]\n')
    assert [p for p, _, _ in found(project.lint(select=("MS202",)))] == ["pkg/a.py"]

    project.configure('[tool.metstandards]\nexclude = ["vendor/"]\n')
    paths = [p for p, _, _ in found(project.lint(select=("MS202",)))]
    assert paths == [".venv/lib/site.py", "pkg/a.py"]

"""The gitignore matcher agrees with git itself: each case is a real repository, and the files
git calls untracked-but-not-ignored must be exactly the files discovery finds once the
repository is gone (outside a work tree, where the matcher is what decides)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from metstandards.config import Config
from metstandards.engine.discovery import Discovery
from metstandards.engine.patterns import Patterns

FILES = (
    "a.py",
    "b.txt",
    "build/x.py",
    "build/keep.py",
    "src/build/y.py",
    "src/pkg/__init__.py",
    "src/pkg/model_pb2.py",
    "src/pkg/data/cache.bin",
    "src/pkg/data/keep.bin",
    "docs/conf.py",
    "docs/api/index.rst",
    "deep/a/b/c/target.py",
    "deep/a/b/c/other.log",
    "deep/a/b/skip.py",
    "logs/2024/run1.log",
    "logs/keep.log",
    "name with space.py",
    "lit[x].py",
    "#hash.py",
    "!bang.py",
    "q1.py",
    "q12.py",
    "Makefile",
    "nested/inner/.hidden.py",
    "nested/inner/visible.py",
)

CASES: Mapping[str, Mapping[str, str]] = {
    "anchored and unanchored": {".gitignore": "/a.py\nbuild/\n*.txt\n"},
    "directory below an ignored directory cannot be re-included": {
        ".gitignore": "build/\n!build/keep.py\n"
    },
    "negation of a file pattern": {".gitignore": "*.py\n!src/**/*.py\n!/a.py\n"},
    "double star forms": {".gitignore": "**/c/\ndeep/**/skip.py\nlogs/**\n!logs/keep.log\n"},
    "middle slash anchors": {".gitignore": "pkg/data/\ndocs/api\n"},
    "classes, question marks and escapes": {
        ".gitignore": "q?.py\n*[0-9].py\nlit\\[x\\].py\n\\#hash.py\n\\!bang.py\n"
    },
    "comments, blanks and trailing spaces": {
        ".gitignore": "# a comment\n\nMakefile   \nname with space.py\n"
    },
    "class negation and ranges": {".gitignore": "q[!2].py\n[a-b].*\n"},
    "nested gitignore overrides and is relative": {
        ".gitignore": "*.bin\n*_pb2.py\n",
        "src/pkg/data/.gitignore": "!keep.bin\n",
        "nested/.gitignore": "/inner/.*\n",
        "deep/a/.gitignore": "b/c/*.log\n",
    },
}


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "core.excludesFile=/dev/null", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.mark.slow
@pytest.mark.parametrize("ignores", CASES.values(), ids=list(CASES))
def test_discovery_keeps_exactly_the_files_git_does_not_ignore(
    tmp_path: Path, ignores: Mapping[str, str]
) -> None:
    for relpath in FILES:
        path = tmp_path / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")
    for relpath, text in ignores.items():
        (tmp_path / relpath).write_text(text)
    _git(tmp_path, "init", "-q")
    expected = set(_git(tmp_path, "ls-files", "-o", "--exclude-standard", "-z").split("\0")) - {""}
    # Without the repository, discovery walks with its own matcher, which is what is compared
    # (in a work tree it would ask git, as test_gitfiles shows).
    shutil.rmtree(tmp_path / ".git")

    config = Config(root=tmp_path, include=("*",))
    found, problems = Discovery(config).files([tmp_path])

    assert problems == []
    assert {source.relpath for source in found} == expected


@pytest.mark.parametrize(
    ("pattern", "path", "is_dir", "expected"),
    [
        ("tests/", "tests/unit/test_a.py", False, True),
        ("tests/", "pkg/tests/test_a.py", False, True),
        ("tests/", "tests", False, False),
        ("/setup.py", "setup.py", False, True),
        ("/setup.py", "sub/setup.py", False, False),
        ("test_*.py", "pkg/test_model.py", False, True),
        ("*_test.py", "pkg/model_test.py", False, True),
        ("docs/", "docs", True, True),
        ("a/**/b", "a/b", False, True),
        ("a/**/b", "a/x/y/b", False, True),
        ("a/**", "a", True, False),
        ("**/conftest.py", "conftest.py", False, True),
        ("*.egg-info/", "src/demo.egg-info", True, True),
        ("*.egg-info/", "src/demo.egg-info", False, False),
        ("*.egg-info/", "src/demo.egg-info/PKG-INFO", False, True),
        ("build/", "build", False, False),
        ("*.py[cod]", "pkg/mod.pyc", False, True),
    ],
)
def test_settings_patterns_match_a_path_or_a_directory_above_it(
    pattern: str, path: str, is_dir: bool, expected: bool
) -> None:
    assert Patterns([pattern]).matches(path, is_dir) is expected


def test_an_empty_pattern_list_matches_nothing() -> None:
    patterns = Patterns(["", "# only a comment", "   "])
    assert not patterns
    assert patterns.matches("anything.py") is False

"""The Repository view: what is tracked, sizes and files at a tag from git objects, safe reads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from metstandards.repository.view import (
    NotAGitWorkTree,
    Repository,
    RepositoryError,
    UnreadableFile,
)

from ._git import MakeRepo, commit, git


@pytest.mark.slow
def test_only_tracked_files_are_seen(make_repo: MakeRepo) -> None:
    root = make_repo({"src/a.py": "x = 1\n", "README.md": "# a\n"})
    (root / "untracked.env").write_text("TOKEN=1\n")
    repo = Repository(root)
    assert list(repo.files) == ["README.md", "src/a.py"]
    assert repo.text("untracked.env") is None
    assert repo.under("src") == ["src/a.py"]


@pytest.mark.slow
def test_a_staged_file_is_tracked(make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": ""})
    (root / "b.py").write_text("")
    git(root, "add", "b.py")
    assert Repository(root).has("b.py")


@pytest.mark.slow
def test_sizes_come_from_git_objects_not_the_work_tree(make_repo: MakeRepo) -> None:
    root = make_repo({"data.bin": "x" * 5000})
    (root / "data.bin").write_text("")
    assert Repository(root).sizes == {"data.bin": 5000}


@pytest.mark.slow
def test_text_reads_the_work_tree_and_replaces_bytes_that_are_not_utf8(
    make_repo: MakeRepo,
) -> None:
    root = make_repo({"a.txt": "old"})
    (root / "a.txt").write_bytes(b"\xef\xbb\xbfcaf\xe9 ok")
    assert Repository(root).text("a.txt") == "caf\ufffd ok"


@pytest.mark.slow
def test_text_is_size_capped(make_repo: MakeRepo) -> None:
    repo = Repository(make_repo({"big.txt": "x" * 100}))
    assert repo.text("big.txt", limit=99) is None
    assert repo.text("big.txt", limit=100) == "x" * 100


@pytest.mark.slow
def test_a_symlink_out_of_the_repository_is_never_followed(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("TOKEN=do-not-read\n")
    root = make_repo({"inside.txt": "hello\n"})
    os.symlink(outside / "secret.txt", root / "link.txt")
    os.symlink(outside, root / "folder")
    os.symlink("inside.txt", root / "relative.txt")
    git(root, "add", "link.txt", "folder", "relative.txt")
    repo = Repository(root)
    assert repo.files["link.txt"].is_symlink
    assert repo.text("link.txt") is None
    assert repo.text("folder/secret.txt") is None  # not tracked, and below a link anyway
    assert repo.text("relative.txt") == "hello\n"  # a link inside the repository is read


@pytest.mark.slow
def test_a_tracked_file_below_a_directory_replaced_by_a_link_is_not_read(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    (outside).mkdir()
    (outside / "settings.yml").write_text("stolen: true\n")
    root = make_repo({"conf/settings.yml": "ours: true\n"})
    (root / "conf" / "settings.yml").unlink()
    (root / "conf").rmdir()
    os.symlink(outside, root / "conf")
    assert Repository(root).text("conf/settings.yml") is None


@pytest.mark.slow
def test_release_tags_are_peeled_and_ordered_by_version(make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "", "@tags": "v1.9.0 nightly"})
    second = commit(root, {"a.py": "x = 1\n"})
    git(root, "tag", "-a", "v1.10.0", "-m", "annotated")
    repo = Repository(root)
    assert [tag.name for tag in repo.release_tags] == ["v1.9.0", "v1.10.0"]
    assert repo.release_tags[-1].commit == second
    assert {tag.name for tag in repo.tags} == {"nightly", "v1.9.0", "v1.10.0"}


@pytest.mark.slow
def test_files_at_a_commit_come_from_git_objects(make_repo: MakeRepo) -> None:
    root = make_repo({"VERSION": "1.0\n", "@tags": "v1.0"})
    commit(root, {"VERSION": "2.0\n"})
    repo = Repository(root)
    tree = repo.tree(repo.release_tags[0].commit)
    entry, size = tree["VERSION"]
    assert size == 4
    assert repo.blobs([entry.oid]) == {entry.oid: b"1.0\n"}
    assert repo.blobs([]) == {}


@pytest.mark.slow
def test_invalid_configuration_raises_unreadable_file(make_repo: MakeRepo) -> None:
    repo = Repository(make_repo({"pyproject.toml": "[project\n", "ci.yml": "a: [\n"}))
    with pytest.raises(UnreadableFile, match=r"pyproject\.toml cannot be read: invalid TOML"):
        _ = repo.pyproject
    with pytest.raises(UnreadableFile, match=r"ci\.yml cannot be read: invalid YAML, line 2"):
        repo.yaml("ci.yml")


@pytest.mark.slow
def test_gitattributes_lines_deeper_files_last(make_repo: MakeRepo) -> None:
    repo = Repository(
        make_repo(
            {
                "data/.gitattributes": "*.nc -filter\n",
                ".gitattributes": "# comment\n[attr]binary -diff\n*.nc filter=lfs\n",
            }
        )
    )
    lines = [(line.path, line.line, line.base, line.pattern) for line in repo.gitattributes]
    assert lines == [(".gitattributes", 3, "", "*.nc"), ("data/.gitattributes", 1, "data", "*.nc")]


@pytest.mark.slow
def test_a_directory_that_is_not_a_git_work_tree(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    repo = Repository(tmp_path / "plain")
    assert repo.git_problem is not None
    with pytest.raises(NotAGitWorkTree, match="is not a git work tree"):
        _ = repo.files


@pytest.mark.slow
def test_a_folder_inside_a_work_tree_is_not_its_top(make_repo: MakeRepo) -> None:
    root = make_repo({"sub/a.py": ""})
    with pytest.raises(NotAGitWorkTree, match="inside the git work tree"):
        _ = Repository(root / "sub").tags


@pytest.mark.slow
def test_git_failures_become_repository_errors(make_repo: MakeRepo) -> None:
    repo = Repository(make_repo({"a.py": ""}))
    with pytest.raises(RepositoryError, match="git ls-tree failed"):
        repo.tree("0" * 40)


@pytest.mark.slow
def test_an_inherited_git_dir_does_not_redirect_git(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = make_repo({"other.py": ""})
    root = make_repo({"mine.py": ""})
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    assert list(Repository(root).files) == ["mine.py"]

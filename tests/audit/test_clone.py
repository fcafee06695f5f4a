"""Fetching repositories for the audit: real git over real transports on 127.0.0.1 (``git
daemon`` and ``git http-backend``), and repositories that try to escape, run code or collect
the token."""

from __future__ import annotations

import base64
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from metstandards.audit.clone import CloneError, checkout_dir, materialize, origin_url
from metstandards.audit.sources import Target

from ._servers import GitDaemon, GitHttp, commit, free_port, git, make_repo, running

# Every test clones over a real transport (git daemon, git http-backend): programs started.
pytestmark = pytest.mark.slow

TOKEN = "glpat-S3cretTokenValue42"


def remote(
    location: str,
    name: str = "met/model",
    *,
    default_branch: str | None = None,
    token_env: str | None = None,
) -> Target:
    return Target(name, location, None, default_branch, remote=True, token_env=token_env)


@pytest.fixture
def served(tmp_path: Path) -> Path:
    """The directory the servers serve, with ``model``: v0.1.0 and v0.2.0 tagged on older
    commits, then one more commit on main."""
    base = tmp_path / "served"
    model = base / "model"
    make_repo(model, {"pyproject.toml": 'version = "0.1.0"\n', "README.md": "# model\n"}, "v0.1.0")
    commit(model, {"pyproject.toml": 'version = "0.2.0"\n'}, "v0.2.0")
    commit(model, {"train.py": "print('train')\n"})
    git("tag", "nightly", "HEAD~1", cwd=model)
    return base


@pytest.fixture
def daemon(served: Path) -> Iterator[GitDaemon]:
    server = GitDaemon(served)
    yield server
    server.stop()


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy"):  # a test machine's proxy must not catch 127.0.0.1
        monkeypatch.setenv(name, "127.0.0.1,localhost")


def in_clone(root: Path, *args: str) -> str:
    return git(f"--git-dir={root / '.git'}", *args)


def test_a_shallow_clone_with_every_tag_and_its_commit(
    daemon: GitDaemon, served: Path, cache: Path
) -> None:
    upstream = served / "model"
    checkout = materialize(remote(daemon.url("model")), cache)
    assert checkout.root.parent == cache
    assert checkout.commit == git("rev-parse", "HEAD", cwd=upstream)
    assert (checkout.root / "train.py").read_text() == "print('train')\n"
    assert in_clone(checkout.root, "rev-parse", "--is-shallow-repository") == "true"
    # The release checks read a tag's commit and files from git objects.
    for tag in ("v0.1.0", "v0.2.0", "nightly"):
        expected = git("rev-parse", f"{tag}^{{commit}}", cwd=upstream)
        assert in_clone(checkout.root, "rev-parse", f"{tag}^{{commit}}") == expected
    assert in_clone(checkout.root, "show", "v0.1.0:pyproject.toml") == 'version = "0.1.0"'


def test_the_next_run_updates_the_clone_instead_of_cloning_again(
    daemon: GitDaemon, served: Path, cache: Path
) -> None:
    upstream = served / "model"
    target = remote(daemon.url("model"), default_branch="main")
    first = materialize(target, cache)
    (first.root / ".git" / "kept-by-the-update").write_text("")
    (first.root / "left-over.txt").write_text("written by an earlier audit")
    newer = commit(upstream, {"train.py": "", "model.py": "MODEL = 1\n"}, "v0.3.0")
    second = materialize(target, cache)
    assert second.root == first.root
    assert second.commit == newer != first.commit
    assert (second.root / ".git" / "kept-by-the-update").exists()
    assert sorted(p.name for p in second.root.iterdir()) == [
        ".git",
        "README.md",
        "model.py",
        "pyproject.toml",
    ]
    assert in_clone(second.root, "rev-parse", "v0.3.0^{commit}") == newer


def test_locks_left_by_a_git_stopped_at_the_time_limit_do_not_block_the_update(
    daemon: GitDaemon, served: Path, cache: Path
) -> None:
    target = remote(daemon.url("model"))
    first = materialize(target, cache)
    for lock in ("index.lock", "shallow.lock", "refs/remotes/origin/HEAD.lock"):
        (first.root / ".git" / lock).write_text("")
    newer = commit(served / "model", {"new.txt": "new\n"})
    assert materialize(target, cache).commit == newer


def test_the_default_branch_the_hosting_service_names_is_checked_out(
    daemon: GitDaemon, served: Path, cache: Path
) -> None:
    upstream = served / "model"
    git("switch", "--quiet", "-c", "develop", cwd=upstream)
    tip = commit(upstream, {"develop.txt": "on develop\n"})
    git("switch", "--quiet", "main", cwd=upstream)
    checkout = materialize(remote(daemon.url("model"), default_branch="develop"), cache)
    assert checkout.commit == tip
    assert (checkout.root / "develop.txt").exists()


def write_hook(directory: Path, name: str, markers: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    hook = directory / name
    hook.write_text(f"#!/bin/sh\ntouch '{markers}/{name}'\n")
    hook.chmod(0o755)


HOOKS = ("post-checkout", "post-merge", "reference-transaction", "post-index-change")


def test_no_hook_runs_whatever_the_configuration_says(
    daemon: GitDaemon, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    hooks, template = tmp_path / "hooks", tmp_path / "template"
    for name in HOOKS:
        write_hook(hooks, name, markers)
        write_hook(template / "hooks", name, markers)
    config = tmp_path / "gitconfig"
    config.write_text(f"[core]\n\thooksPath = {hooks}\n[init]\n\ttemplateDir = {template}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_TEMPLATE_DIR", str(template))
    # The control: git as the user runs it does run these hooks.
    git("clone", "--quiet", daemon.url("model"), str(tmp_path / "control"), env=dict(os.environ))
    assert list(markers.iterdir())
    for marker in markers.iterdir():
        marker.unlink()

    target = remote(daemon.url("model"))
    checkout = materialize(target, cache)
    for name in HOOKS:  # planted in the clone, for the update
        write_hook(checkout.root / ".git" / "hooks", name, markers)
    materialize(target, cache)
    assert list(markers.iterdir()) == []


def test_an_ext_transport_is_refused_and_runs_nothing(tmp_path: Path, cache: Path) -> None:
    marker = tmp_path / "pwned"
    target = remote(f"ext::sh -c touch% {marker}", name="evil")
    with pytest.raises(CloneError) as raised:
        materialize(target, cache)
    assert "cannot fetch evil" in str(raised.value)
    assert "transport 'ext' not allowed" in str(raised.value)
    assert not marker.exists()


@pytest.mark.parametrize(
    "name", ["../../escape", "/etc/cron.d/job", "..", "a/../../b", "weather/ml/model", "", "."]
)
def test_a_name_becomes_one_directory_right_under_the_cache(name: str, cache: Path) -> None:
    directory = checkout_dir(cache, remote("https://example.org/x.git", name=name))
    assert directory.parent == cache.absolute()
    assert directory.name not in ("", ".", "..")
    assert "/" not in directory.name
    assert not directory.name.startswith(".")


def test_a_hostile_name_is_cloned_inside_the_cache(
    daemon: GitDaemon, tmp_path: Path, cache: Path
) -> None:
    before = sorted(tmp_path.iterdir())
    checkout = materialize(remote(daemon.url("model"), name="../../../escape"), cache)
    assert checkout.root.parent == cache
    assert sorted(tmp_path.iterdir()) == sorted([*before, cache])
    assert not (tmp_path.parent / "escape").exists()


def test_two_repositories_of_one_name_get_two_directories(cache: Path) -> None:
    one = checkout_dir(cache, remote("https://a.example/model.git", name="model"))
    two = checkout_dir(cache, remote("https://b.example/model.git", name="model"))
    assert one != two


def test_a_symbolic_link_out_of_the_repository_is_not_followed(
    daemon: GitDaemon, served: Path, cache: Path
) -> None:
    upstream = served / "model"
    (upstream / "passwd").symlink_to("/etc/passwd")
    (upstream / "etc").symlink_to("/etc")
    commit(upstream, {})
    checkout = materialize(remote(daemon.url("model")), cache)
    link = checkout.root / "passwd"
    assert not link.is_symlink()
    assert link.read_text() == "/etc/passwd"
    assert not (checkout.root / "etc").is_dir()


def basic(user: str, token: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()


def assert_stored_nowhere(cache: Path, *secrets: str) -> None:
    for path in cache.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in data, path


@pytest.mark.parametrize(
    ("token_env", "user"), [("GITHUB_TOKEN", "x-access-token"), ("GITLAB_TOKEN", "oauth2")]
)
def test_the_token_is_sent_over_http_and_never_stored(
    served: Path, cache: Path, token_env: str, user: str
) -> None:
    authorization = basic(user, TOKEN)
    server = GitHttp(served, authorization)
    with running(server):
        target = remote(server.url("model"), token_env=token_env)
        first = materialize(target, cache, token=TOKEN)
        commit(served / "model", {"new.txt": "new\n"})
        second = materialize(target, cache, token=TOKEN)
    assert second.commit != first.commit
    assert server.seen
    assert all(seen.headers.get("Authorization") == authorization for seen in server.seen)
    assert_stored_nowhere(cache, TOKEN, authorization.split()[1])
    config = (first.root / ".git" / "config").read_text()
    assert f"url = {server.url('model')}\n" in config
    assert "extraheader" not in config.lower()


def test_a_token_is_not_sent_where_no_token_belongs(served: Path, cache: Path) -> None:
    server = GitHttp(served, basic("x-access-token", TOKEN))
    with running(server):
        target = remote(server.url("model"), name="someone/else")
        with pytest.raises(CloneError) as raised:
            materialize(target, cache, token=TOKEN)
    assert all("Authorization" not in seen.headers for seen in server.seen)
    message = str(raised.value)
    assert message.startswith(f"cannot fetch someone/else from {server.url('model')}:")
    assert TOKEN not in message


def test_a_refused_token_is_a_clear_error_without_the_token(served: Path, cache: Path) -> None:
    server = GitHttp(served, basic("x-access-token", "the-right-one"))
    with running(server):
        target = remote(server.url("model"), token_env="GITHUB_TOKEN")
        with pytest.raises(CloneError) as raised:
            materialize(target, cache, token=TOKEN)
    message = str(raised.value)
    assert "met/model" in message
    assert "terminal prompts disabled" in message or "Authentication failed" in message
    assert TOKEN not in message
    assert basic("x-access-token", TOKEN).split()[1] not in message
    assert_stored_nowhere(cache, TOKEN)


def test_an_unreachable_server_is_a_clear_error(cache: Path) -> None:
    url = f"git://127.0.0.1:{free_port()}/model"
    with pytest.raises(CloneError) as raised:
        materialize(remote(url), cache)
    message = str(raised.value)
    assert message.startswith(f"cannot fetch met/model from {url}:")
    assert "unable to connect" in message or "refused" in message.lower()


def test_a_repository_that_is_not_there_is_a_clear_error(daemon: GitDaemon, cache: Path) -> None:
    with pytest.raises(CloneError, match=r"cannot fetch met/model from git://.*/absent: "):
        materialize(remote(daemon.url("absent")), cache)


def test_an_empty_repository_says_so(served: Path, daemon: GitDaemon, cache: Path) -> None:
    git("init", "--quiet", str(served / "empty"))
    with pytest.raises(CloneError, match="the repository is empty"):
        materialize(remote(daemon.url("empty")), cache)


def test_a_server_that_never_answers_times_out(cache: Path) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"git://127.0.0.1:{silent.getsockname()[1]}/model"
        began = time.monotonic()
        with pytest.raises(CloneError, match="did not finish in time"):
            materialize(remote(url), cache, timeout=1)
    assert time.monotonic() - began < 10


def test_a_cache_inside_a_project_never_touches_the_project(
    daemon: GitDaemon, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    head = make_repo(project, {"mine.py": "x = 1\n"})
    cache = project / ".cache"
    target = remote(daemon.url("model"))
    half_made = checkout_dir(cache, target)
    half_made.mkdir(parents=True)
    (half_made / "junk").write_text("")
    checkout = materialize(target, cache)
    assert checkout.root == half_made
    assert git("rev-parse", "HEAD", cwd=project) == head
    assert (project / "mine.py").read_text() == "x = 1\n"
    assert git("config", "--get", "remote.origin.url", cwd=project, check=False) == ""


def local(path: Path) -> Target:
    return Target(path.name, str(path), None, None, remote=False)


def test_a_local_repository_is_used_in_place(tmp_path: Path, cache: Path) -> None:
    head = make_repo(tmp_path / "here", {"a.py": "a = 1\n"})
    checkout = materialize(local(tmp_path / "here"), cache)
    assert checkout.root == tmp_path / "here"
    assert checkout.commit == head
    assert not cache.exists()


def test_a_local_directory_that_is_no_repository_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    with pytest.raises(CloneError, match=r"cannot audit .*plain: not a git work tree"):
        materialize(local(tmp_path / "plain"), tmp_path / "cache")


def test_a_directory_inside_a_repository_is_refused(tmp_path: Path) -> None:
    make_repo(tmp_path / "repo", {"sub/a.py": "a = 1\n"})
    with pytest.raises(CloneError, match="inside the git work tree"):
        materialize(local(tmp_path / "repo" / "sub"), tmp_path / "cache")


def test_a_repository_without_a_commit_is_refused(tmp_path: Path) -> None:
    git("init", "--quiet", str(tmp_path / "new"))
    with pytest.raises(CloneError, match="has no commit"):
        materialize(local(tmp_path / "new"), tmp_path / "cache")


def test_origin_url(tmp_path: Path) -> None:
    make_repo(tmp_path / "repo", {"a.py": "a = 1\n"})
    assert origin_url(tmp_path / "repo") is None
    git("remote", "add", "origin", "git@github.com:met/model.git", cwd=tmp_path / "repo")
    assert origin_url(tmp_path / "repo") == "git@github.com:met/model.git"
    assert origin_url(tmp_path) is None

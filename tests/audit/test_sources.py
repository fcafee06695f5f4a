"""The audit's sources: paths, URLs, --repos files and listings become unique targets, and a
source that cannot be a repository is a usage error that names it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from metstandards.audit.sources import (
    SourceError,
    Target,
    gather,
    parse_source,
    read_repos_file,
    resolve,
    token_for,
)

from ._servers import Api, Reply, git, make_repo, running


def hosted(name: str, location: str, **extra: str) -> Target:
    return Target(name, location, extra.get("web_url"), extra.get("branch"), remote=True)


@pytest.mark.slow
def test_a_local_directory(tmp_path: Path) -> None:
    (tmp_path / "model").mkdir()
    target = parse_source("model")
    assert target == Target("model", str(tmp_path / "model"), None, None, remote=False)


@pytest.mark.slow
def test_a_local_clone_links_to_its_forge(tmp_path: Path) -> None:
    make_repo(tmp_path / "model", {"a.py": "a = 1\n"})
    origin = "https://oauth2:glpat-secret@gitlab.com/weather/model.git"
    git("remote", "add", "origin", origin, cwd=tmp_path / "model")
    target = parse_source(str(tmp_path / "model"))
    assert target.web_url == "https://gitlab.com/weather/model"
    assert target.location == str(tmp_path / "model")
    assert not target.remote


@pytest.mark.slow
def test_dot_is_named_after_the_directory(tmp_path: Path) -> None:
    (tmp_path / "here").mkdir()
    assert parse_source(".", base=tmp_path / "here").name == "here"


GITHUB = "https://github.com"


@pytest.mark.parametrize(
    ("url", "name", "web_url", "token_env"),
    [
        (f"{GITHUB}/met/model.git", "met/model", f"{GITHUB}/met/model", "GITHUB_TOKEN"),
        (
            "https://gitlab.com/weather/ml/radar",
            "weather/ml/radar",
            "https://gitlab.com/weather/ml/radar",
            "GITLAB_TOKEN",
        ),
        ("git@github.com:met/model.git", "met/model", f"{GITHUB}/met/model", None),
        (
            "ssh://git@gitlab.example.int:2222/weather/model.git",
            "weather/model",
            "https://gitlab.example.int/weather/model",
            None,
        ),
        ("ssh://me@server/srv/git/model.git", "srv/git/model", None, None),
        ("git://127.0.0.1:9418/model.git", "model", None, None),
        ("file:///srv/git/model.git", "model", None, None),
        ("http://127.0.0.1:8080/model.git", "model", "http://127.0.0.1:8080/model", None),
        ("https://git.example.org/model.git", "model", "https://git.example.org/model", None),
    ],
)
def test_git_urls(url: str, name: str, web_url: str | None, token_env: str | None) -> None:
    assert parse_source(url) == Target(name, url, web_url, None, remote=True, token_env=token_env)


def test_a_missing_path_names_the_source(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"^nowhere: no such directory .*not a git URL"):
        parse_source("nowhere")
    (tmp_path / "file.txt").write_text("")
    with pytest.raises(SourceError, match=r"^file.txt: not a directory"):
        parse_source("file.txt")


@pytest.mark.parametrize("url", ["ext::sh -c touch% /tmp/pwned", "fd::3", "EXT::ssh"])
def test_a_transport_helper_is_refused(url: str) -> None:
    with pytest.raises(SourceError, match="transport helper is refused"):
        parse_source(url)


def test_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(SourceError, match=r"^ftp://example.org/x: git URLs start with"):
        parse_source("ftp://example.org/x")


@pytest.mark.parametrize(
    "url", ["https://user:ghp_SECRET@github.com/met/model", "https://ghp_SECRET@github.com/m/x"]
)
def test_a_credential_in_a_url_is_refused_and_not_repeated(url: str) -> None:
    with pytest.raises(SourceError) as raised:
        parse_source(url)
    message = str(raised.value)
    assert "ghp_SECRET" not in message
    assert message.startswith("https://***@github.com/")
    assert "GITHUB_TOKEN" in message


def test_a_url_without_a_repository_is_refused() -> None:
    with pytest.raises(SourceError, match="names no repository"):
        parse_source("https://github.com/")


@pytest.mark.slow
def test_a_repos_file(tmp_path: Path) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "local").mkdir()
    repos = tmp_path / "lists" / "repos.txt"
    repos.write_text(
        "# the team's repositories\n"
        "\n"
        "local   # next to this file\n"
        "  https://github.com/met/model.git  \n"
        "git@github.com:met/other.git\n"
    )
    targets = read_repos_file(repos)
    assert [(t.name, t.location) for t in targets] == [
        ("local", str(tmp_path / "lists" / "local")),
        ("met/model", "https://github.com/met/model.git"),
        ("met/other", "git@github.com:met/other.git"),
    ]


def test_a_bad_line_names_the_file_and_the_line(tmp_path: Path) -> None:
    repos = tmp_path / "repos.txt"
    repos.write_text("https://github.com/met/model\n# fine\nnot-here\n")
    with pytest.raises(SourceError, match=r"repos.txt, line 3: not-here: no such directory"):
        read_repos_file(repos)


def test_an_unreadable_repos_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"cannot read the repository list .*absent\.txt"):
        read_repos_file(tmp_path / "absent.txt")


@pytest.mark.slow
def test_each_repository_once_whatever_its_spelling(tmp_path: Path) -> None:
    (tmp_path / "model").mkdir()
    targets = resolve(
        [
            parse_source("model"),
            parse_source("./model/"),
            parse_source(str(tmp_path / "model")),
            parse_source("https://github.com/met/Radar.git"),
            parse_source("https://github.com/met/radar"),
            parse_source("git@github.com:met/radar.git"),
            hosted("met/radar", "https://github.com/met/radar.git", branch="main"),
        ]
    )
    assert [t.location for t in targets] == [
        str(tmp_path / "model"),
        "https://github.com/met/Radar.git",
    ]
    assert targets[1].default_branch == "main"  # filled in by the listing


@pytest.mark.slow
def test_names_are_made_unique(tmp_path: Path) -> None:
    for path in ("a/model", "b/model", "c/model", "model-2"):
        (tmp_path / path).mkdir(parents=True)
    targets = resolve(parse_source(p) for p in ("a/model", "b/model", "model-2", "c/model"))
    assert [t.name for t in targets] == ["model", "model-3", "model-2", "model-4"]
    assert len({t.location for t in targets}) == 4


def test_token_for_reads_only_the_variable_the_target_names() -> None:
    environ = {"GITHUB_TOKEN": "gh", "GITLAB_TOKEN": "gl"}
    assert token_for(parse_source("https://github.com/met/a"), environ) == "gh"
    assert token_for(parse_source("https://gitlab.com/met/a"), environ) == "gl"
    assert token_for(parse_source("https://evil.example/met/a"), environ) is None
    assert token_for(parse_source("http://github.com/met/a"), environ) is None
    assert token_for(parse_source("git@github.com:met/a.git"), environ) is None
    assert token_for(parse_source("https://github.com/met/a"), {}) is None


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    server = Api()
    with running(server):
        yield server


@pytest.mark.slow
def test_gather_puts_every_source_together(tmp_path: Path, api: Api) -> None:
    (tmp_path / "local").mkdir()
    repos = tmp_path / "repos.txt"
    repos.write_text("https://github.com/met/listed.git\nhttps://ghe.example.int/met/b.git\n")
    repo = {
        "full_name": "met/listed",
        "clone_url": "https://github.com/met/listed.git",
        "html_url": "https://github.com/met/listed",
        "default_branch": "main",
        "topics": ["ml"],
    }
    project = {
        "path_with_namespace": "weather/ml/radar",
        "http_url_to_repo": "https://gitlab.example.int/weather/ml/radar.git",
        "web_url": "https://gitlab.example.int/weather/ml/radar",
        "default_branch": "main",
        "topics": ["ml"],
        "visibility": "private",
    }
    api.on("/api/v3/orgs/met/repos", Reply([repo, {**repo, "full_name": "met/x", "fork": True}]))
    api.on("/api/v4/groups/weather%2Fml/projects", Reply([project]))
    targets = gather(
        ["local"],
        repos_file=repos,
        github_org="met",
        github_api=f"{api.base}/api/v3",
        gitlab_group="weather/ml",
        gitlab_api=f"{api.base}/api/v4",
        topics=["ml"],
        environ={"GITHUB_TOKEN": "gh-token", "GITLAB_TOKEN": "gl-token"},
    )
    assert [(t.name, t.default_branch) for t in targets] == [
        ("local", None),
        ("met/listed", "main"),
        ("met/b", None),
        ("weather/ml/radar", "main"),
    ]
    assert [seen.headers.get("Authorization") for seen in api.seen] == ["Bearer gh-token", None]
    assert api.seen[1].headers["Private-Token"] == "gl-token"
    assert api.seen[1].query["topic"] == ["ml"]


def test_gather_gives_the_listing_error_as_a_source_error(api: Api) -> None:
    with pytest.raises(SourceError, match="cannot list GitHub organisation 'met'"):
        gather(github_org="met", github_api=f"{api.base}/api/v3", environ={})


def test_a_github_enterprise_host_takes_the_github_token() -> None:
    targets = gather(
        ["https://ghe.example.int/met/model.git"], github_api="https://ghe.example.int/api/v3"
    )
    assert targets[0].token_env == "GITHUB_TOKEN"

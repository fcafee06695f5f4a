"""Listing a GitHub organisation and a GitLab group, against a local server that answers as
their REST APIs do: pages, filters, rate limits, refusals, and where the token goes."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator
from typing import Any

import pytest

from metstandards.audit.hosting import (
    HostingError,
    RepositoryFilter,
    RetryPolicy,
    list_github_org,
    list_gitlab_group,
)
from metstandards.audit.sources import Target

from ._servers import Api, Reply, free_port, running

TOKEN = "ghp_s3cretTOKENvalue0123456789"
#: No real waiting in tests: a server that asks for more fails the listing.
QUICK = RetryPolicy(retries=2, max_total_wait=1.0, backoff=0.0)
ORG_PATH = "/api/v3/orgs/met/repos"


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    for name in ("NO_PROXY", "no_proxy"):  # a test machine's proxy must not catch 127.0.0.1
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    server = Api()
    with running(server):
        yield server


def github_repo(
    name: str,
    *,
    archived: bool = False,
    fork: bool = False,
    topics: tuple[str, ...] = (),
    visibility: str = "public",
) -> dict[str, Any]:
    """One entry of ``GET /orgs/{org}/repos`` (trimmed)."""
    return {
        "name": name,
        "full_name": f"met/{name}",
        "clone_url": f"https://github.com/met/{name}.git",
        "html_url": f"https://github.com/met/{name}",
        "default_branch": "main",
        "archived": archived,
        "fork": fork,
        "topics": list(topics),
        "private": visibility != "public",
        "visibility": visibility,
    }


def gitlab_project(
    path: str,
    *,
    archived: bool = False,
    fork: bool = False,
    topics: tuple[str, ...] = (),
    visibility: str = "internal",
) -> dict[str, Any]:
    """One entry of ``GET /groups/{id}/projects`` (trimmed)."""
    project: dict[str, Any] = {
        "path_with_namespace": path,
        "http_url_to_repo": f"https://gitlab.example.int/{path}.git",
        "web_url": f"https://gitlab.example.int/{path}",
        "default_branch": "develop",
        "archived": archived,
        "topics": list(topics),
        "visibility": visibility,
    }
    if fork:
        project["forked_from_project"] = {"id": 1, "path_with_namespace": "upstream/x"}
    return project


def link(page: int, last: int = 3) -> str:
    """GitHub's ``Link`` header of page ``page`` of ``last``."""
    url = "{base}" + ORG_PATH + "?per_page=100&type=all&page="
    links = []
    if page < last:
        links.append(f'<{url}{page + 1}>; rel="next"')
        links.append(f'<{url}{last}>; rel="last"')
    if page > 1:
        links.append(f'<{url}{page - 1}>; rel="prev"')
    return ", ".join(links)


def serve_org(api: Api) -> None:
    """Three pages: seven repositories, one archived, one a fork."""
    api.on(
        ORG_PATH,
        Reply(
            [github_repo("radar-nowcast", topics=("ml", "nowcasting")), github_repo("Alpha")],
            headers={"Link": link(1)},
        ),
        page="1",
    )
    api.on(
        ORG_PATH,
        Reply(
            [
                github_repo("old-model", archived=True, topics=("ml",)),
                github_repo("forked-lib", fork=True, topics=("ml",)),
                github_repo("ensemble", topics=("ML", "operational"), visibility="private"),
            ],
            headers={"Link": link(2)},
        ),
        page="2",
    )
    api.on(
        ORG_PATH,
        Reply(
            [
                github_repo("downscaling", topics=("ml",), visibility="internal"),
                github_repo("zeta"),
            ],
            headers={"Link": link(3)},
        ),
        page="3",
    )


def names(targets: list[Target]) -> list[str]:
    return [target.name for target in targets]


def test_github_follows_three_pages_and_leaves_out_archived_repositories_and_forks(
    api: Api,
) -> None:
    serve_org(api)
    targets = list_github_org("met", api=f"{api.base}/api/v3", token=TOKEN, retry=QUICK)
    assert names(targets) == [
        "met/Alpha",
        "met/downscaling",
        "met/ensemble",
        "met/radar-nowcast",
        "met/zeta",
    ]
    assert targets[0] == Target(
        "met/Alpha",
        "https://github.com/met/Alpha.git",
        "https://github.com/met/Alpha",
        "main",
        remote=True,
        token_env="GITHUB_TOKEN",
    )
    assert [(seen.path, seen.query) for seen in api.seen] == [
        (ORG_PATH, {"per_page": ["100"], "type": ["all"]}),
        (ORG_PATH, {"per_page": ["100"], "type": ["all"], "page": ["2"]}),
        (ORG_PATH, {"per_page": ["100"], "type": ["all"], "page": ["3"]}),
    ]
    for seen in api.seen:
        assert seen.headers["Authorization"] == f"Bearer {TOKEN}"
        assert seen.headers["Accept"] == "application/vnd.github+json"
        assert seen.headers["User-Agent"].startswith("metstandards/")


def test_github_archived_and_forks_when_asked_for(api: Api) -> None:
    serve_org(api)
    targets = list_github_org(
        "met",
        api=f"{api.base}/api/v3",
        filters=RepositoryFilter(include_archived=True, include_forks=True),
        retry=QUICK,
    )
    assert "met/old-model" in names(targets)
    assert "met/forked-lib" in names(targets)
    assert len(targets) == 7


def test_github_topics_must_all_be_carried_and_visibility_is_one_of_those_given(api: Api) -> None:
    serve_org(api)
    base = f"{api.base}/api/v3"
    ml = list_github_org("met", api=base, filters=RepositoryFilter(topics=frozenset({"ml"})))
    assert names(ml) == ["met/downscaling", "met/ensemble", "met/radar-nowcast"]
    both = RepositoryFilter(topics=frozenset({"ml", "operational"}))
    assert names(list_github_org("met", api=base, filters=both)) == ["met/ensemble"]
    hidden = RepositoryFilter(visibility=frozenset({"private", "internal"}))
    assert names(list_github_org("met", api=base, filters=hidden)) == [
        "met/downscaling",
        "met/ensemble",
    ]


def test_without_a_token_no_authorization_is_sent(api: Api) -> None:
    api.on(ORG_PATH, Reply([github_repo("a")]))
    assert names(list_github_org("met", api=f"{api.base}/api/v3")) == ["met/a"]
    assert "Authorization" not in api.seen[0].headers


def test_a_429_with_retry_after_0_is_retried(api: Api) -> None:
    api.on(
        ORG_PATH,
        Reply({"message": "Too many"}, 429, {"Retry-After": "0"}),
        Reply([github_repo("a")]),
    )
    assert names(list_github_org("met", api=f"{api.base}/api/v3", retry=QUICK)) == ["met/a"]
    assert len(api.seen) == 2


def test_an_exhausted_rate_limit_403_waits_for_its_reset(api: Api) -> None:
    exhausted = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(time.time()) - 5)}
    api.on(
        ORG_PATH,
        Reply({"message": "API rate limit exceeded"}, 403, exhausted),
        Reply([github_repo("a")]),
    )
    assert names(list_github_org("met", api=f"{api.base}/api/v3", retry=QUICK)) == ["met/a"]


def test_retry_after_as_an_http_date_is_honoured(api: Api) -> None:
    past = email.utils.formatdate(time.time() - 60, usegmt=True)
    api.on(ORG_PATH, Reply(None, 429, {"Retry-After": past}), Reply([github_repo("a")]))
    assert names(list_github_org("met", api=f"{api.base}/api/v3", retry=QUICK)) == ["met/a"]


def test_a_reset_beyond_the_wait_allowed_fails_at_once_and_says_so(api: Api) -> None:
    reset = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(time.time()) + 3600)}
    api.on(ORG_PATH, Reply({"message": "API rate limit exceeded"}, 403, reset))
    began = time.monotonic()
    with pytest.raises(HostingError) as raised:
        list_github_org("met", api=f"{api.base}/api/v3", token=TOKEN, retry=QUICK)
    assert time.monotonic() - began < 5
    message = str(raised.value)
    assert "GitHub organisation 'met'" in message
    assert "HTTP 403" in message
    assert "asks to wait 3" in message  # 3599 or 3600 s
    assert "try again later" in message
    assert len(api.seen) == 1


def test_retries_are_bounded(api: Api) -> None:
    api.on(ORG_PATH, Reply(None, 429, {"Retry-After": "0"}))
    with pytest.raises(HostingError, match=r"HTTP 429 .* after 3 tries"):
        list_github_org("met", api=f"{api.base}/api/v3", retry=QUICK)
    assert len(api.seen) == 3


def test_a_busy_server_is_retried_after_a_pause(api: Api) -> None:
    api.on(ORG_PATH, Reply(None, 503), Reply([github_repo("a")]))
    assert names(list_github_org("met", api=f"{api.base}/api/v3", retry=QUICK)) == ["met/a"]


def test_a_401_names_the_organisation_and_the_variable_never_the_token(api: Api) -> None:
    api.on(ORG_PATH, Reply({"message": "Bad credentials"}, 401))
    with pytest.raises(HostingError) as raised:
        list_github_org("met", api=f"{api.base}/api/v3", token=TOKEN, retry=QUICK)
    message = str(raised.value)
    assert message.startswith("cannot list GitHub organisation 'met': GitHub refused the token")
    assert "GITHUB_TOKEN" in message
    assert "Bad credentials" in message
    assert TOKEN not in message
    assert len(api.seen) == 1  # a refusal is not retried


def test_a_401_without_a_token_asks_for_one(api: Api) -> None:
    api.on(ORG_PATH, Reply({"message": "Requires authentication"}, 401))
    with pytest.raises(HostingError, match=r"asks for a token .* set GITHUB_TOKEN"):
        list_github_org("met", api=f"{api.base}/api/v3")


def test_a_403_that_is_no_rate_limit_says_which_scopes(api: Api) -> None:
    api.on(ORG_PATH, Reply({"message": "Resource not accessible by integration"}, 403))
    with pytest.raises(HostingError) as raised:
        list_github_org("met", api=f"{api.base}/api/v3", token=TOKEN, retry=QUICK)
    message = str(raised.value)
    assert "access denied (HTTP 403" in message
    assert "read:org" in message
    assert TOKEN not in message
    assert len(api.seen) == 1


def test_a_404_says_what_to_check(api: Api) -> None:
    with pytest.raises(HostingError) as raised:
        list_github_org("nowhere", api=f"{api.base}/api/v3", retry=QUICK)
    message = str(raised.value)
    assert "GitHub organisation 'nowhere'" in message
    assert "HTTP 404" in message
    assert "organisation's name and the API URL" in message


def test_a_server_echoing_the_token_does_not_put_it_in_the_message(api: Api) -> None:
    api.on(ORG_PATH, Reply({"message": f"token {TOKEN} is odd"}, 500))
    with pytest.raises(HostingError) as raised:
        list_github_org("met", api=f"{api.base}/api/v3", token=TOKEN, retry=QUICK)
    assert TOKEN not in str(raised.value)
    assert "HTTP 500" in str(raised.value)


def test_an_unreachable_api_is_a_clear_error() -> None:
    port = free_port()
    with pytest.raises(HostingError) as raised:
        list_github_org("met", api=f"http://127.0.0.1:{port}/api/v3", token=TOKEN)
    message = str(raised.value)
    assert message.startswith(
        f"cannot list GitHub organisation 'met': cannot reach http://127.0.0.1:{port}"
    )
    assert "refused" in message.lower()
    assert TOKEN not in message


def test_a_silent_api_times_out(api: Api) -> None:
    api.on(ORG_PATH, Reply([], delay=5))
    with pytest.raises(HostingError, match=r"did not answer within 0\.3 s"):
        list_github_org("met", api=f"{api.base}/api/v3", timeout=0.3, retry=QUICK)


def test_an_answer_that_is_not_a_list_is_an_error(api: Api) -> None:
    api.on(ORG_PATH, Reply({"repositories": []}))
    with pytest.raises(HostingError, match="did not answer with a list of repositories"):
        list_github_org("met", api=f"{api.base}/api/v3")


def test_an_api_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(HostingError, match="not an http"):
        list_github_org("met", api="file:///etc")


def test_a_next_page_on_another_server_is_fetched_from_the_api_server(api: Api) -> None:
    elsewhere = f"http://127.0.0.1:{free_port()}"
    api.on(
        ORG_PATH,
        Reply([github_repo("a")], headers={"Link": f'<{elsewhere}{ORG_PATH}?page=2>; rel="next"'}),
    )
    api.on(ORG_PATH, Reply([github_repo("b")]), page="2")
    targets = list_github_org("met", api=f"{api.base}/api/v3", token=TOKEN, retry=QUICK)
    assert names(targets) == ["met/a", "met/b"]
    assert api.seen[1].headers["Authorization"] == f"Bearer {TOKEN}"


def test_a_redirect_to_another_server_loses_the_token(api: Api) -> None:
    other = Api()
    other.on(ORG_PATH, Reply([github_repo("moved")]))
    api.on(ORG_PATH, Reply(None, 301, {"Location": f"{other.base}{ORG_PATH}"}))
    with running(other):
        targets = list_github_org("met", api=f"{api.base}/api/v3", token=TOKEN, retry=QUICK)
    assert names(targets) == ["met/moved"]
    assert api.seen[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert "Authorization" not in other.seen[0].headers


def test_a_redirect_on_the_same_server_keeps_the_token(api: Api) -> None:
    moved = "/api/v3/organizations/42/repos"
    api.on(ORG_PATH, Reply(None, 301, {"Location": "{base}" + moved}))
    api.on(moved, Reply([github_repo("a")]))
    assert names(list_github_org("met", api=f"{api.base}/api/v3", token=TOKEN)) == ["met/a"]
    assert api.seen[1].headers["Authorization"] == f"Bearer {TOKEN}"


GROUP_PATH = "/api/v4/groups/weather%2Fml/projects"


def serve_group(api: Api) -> None:
    """Three pages by ``X-Next-Page``: five projects of nested groups, one archived (which the
    real API leaves out for ``archived=false``; this one does not filter), one a fork."""
    api.on(
        GROUP_PATH,
        Reply(
            [gitlab_project("weather/ml/radar", topics=("ml",)), gitlab_project("weather/ml/b")],
            headers={"X-Next-Page": "2", "X-Page": "1"},
        ),
    )
    api.on(
        GROUP_PATH,
        Reply(
            [
                gitlab_project("weather/ml/old", archived=True),
                gitlab_project("weather/ml/fork", fork=True),
            ],
            headers={"X-Next-Page": "3", "X-Page": "2"},
        ),
        page="2",
    )
    api.on(
        GROUP_PATH,
        Reply(
            [gitlab_project("weather/ml/sub/a", topics=("ml", "ops"), visibility="private")],
            headers={"X-Next-Page": "", "X-Page": "3"},
        ),
        page="3",
    )


def test_gitlab_lists_subgroups_over_three_pages_with_its_token_header(api: Api) -> None:
    serve_group(api)
    targets = list_gitlab_group("weather/ml", api=f"{api.base}/api/v4", token=TOKEN)
    assert names(targets) == ["weather/ml/b", "weather/ml/radar", "weather/ml/sub/a"]
    assert targets[0] == Target(
        "weather/ml/b",
        "https://gitlab.example.int/weather/ml/b.git",
        "https://gitlab.example.int/weather/ml/b",
        "develop",
        remote=True,
        token_env="GITLAB_TOKEN",
    )
    common = {
        "include_subgroups": ["true"],
        "with_shared": ["false"],
        "per_page": ["100"],
        "archived": ["false"],
    }
    assert [(seen.path, seen.query) for seen in api.seen] == [
        (GROUP_PATH, common),
        (GROUP_PATH, {**common, "page": ["2"]}),
        (GROUP_PATH, {**common, "page": ["3"]}),
    ]
    for seen in api.seen:
        assert seen.headers["Private-Token"] == TOKEN
        assert "Authorization" not in seen.headers


def test_gitlab_filters_go_into_the_query_and_are_applied(api: Api) -> None:
    serve_group(api)
    wanted = RepositoryFilter(
        include_archived=True,
        include_forks=True,
        topics=frozenset({"ml", "ops"}),
        visibility=frozenset({"private"}),
    )
    targets = list_gitlab_group("weather/ml", api=f"{api.base}/api/v4", filters=wanted)
    assert names(targets) == ["weather/ml/sub/a"]
    query = api.seen[0].query
    assert "archived" not in query
    assert query["topic"] == ["ml,ops"]
    assert query["visibility"] == ["private"]


def test_gitlab_follows_a_link_header_when_there_is_no_next_page_number(api: Api) -> None:
    api.on(
        GROUP_PATH,
        Reply(
            [gitlab_project("weather/ml/a")],
            headers={"Link": "<{base}" + GROUP_PATH + '?page=2&per_page=100>; rel="next"'},
        ),
    )
    api.on(GROUP_PATH, Reply([gitlab_project("weather/ml/b")]), page="2")
    targets = list_gitlab_group("weather/ml", api=f"{api.base}/api/v4")
    assert names(targets) == ["weather/ml/a", "weather/ml/b"]


def test_gitlab_rate_limit_then_success(api: Api) -> None:
    api.on(
        GROUP_PATH,
        Reply({"message": "Retry later"}, 429, {"RateLimit-Reset": str(int(time.time()) - 1)}),
        Reply([gitlab_project("weather/ml/a")]),
    )
    targets = list_gitlab_group("weather/ml", api=f"{api.base}/api/v4", retry=QUICK)
    assert names(targets) == ["weather/ml/a"]


def test_gitlab_401_names_the_group_and_the_variable(api: Api) -> None:
    api.on(GROUP_PATH, Reply({"message": "401 Unauthorized"}, 401))
    with pytest.raises(HostingError) as raised:
        list_gitlab_group("weather/ml", api=f"{api.base}/api/v4", token=TOKEN)
    message = str(raised.value)
    assert message.startswith("cannot list GitLab group 'weather/ml': GitLab refused the token")
    assert "GITLAB_TOKEN" in message
    assert TOKEN not in message


def test_gitlab_403_and_404_say_what_to_check(api: Api) -> None:
    api.on(GROUP_PATH, Reply({"message": "403 Forbidden"}, 403))
    with pytest.raises(HostingError, match="read_api"):
        list_gitlab_group("weather/ml", api=f"{api.base}/api/v4", token=TOKEN)
    with pytest.raises(HostingError, match="group's full path and the API URL"):
        list_gitlab_group("weather/none", api=f"{api.base}/api/v4", token=TOKEN)


def test_hosting_errors_are_source_errors() -> None:
    from metstandards.audit.sources import SourceError

    assert issubclass(HostingError, SourceError)

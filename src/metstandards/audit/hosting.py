"""List a GitHub organisation's or a GitLab group's repositories as audit targets.

Both services' REST APIs, paged by 100 (:mod:`.http` follows the pages, waits out rate limits,
and keeps the token on the API's server). The base URL is configurable, so that GitHub
Enterprise Server (``https://HOST/api/v3``) and self-hosted GitLab (``https://HOST/api/v4``)
are listed the same way.

Archived repositories and forks are left out unless asked for: an archived repository no longer
changes, and a fork is its upstream's code. A topic filter keeps a repository that carries
*every* topic given, as both services' own topic searches do, so that ``--topic ml --topic
operational`` narrows the audit rather than widening it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from metstandards.audit.http import (
    DEFAULT_RETRY,
    HostingError,
    HttpFailure,
    RetryPolicy,
    get_pages,
)
from metstandards.audit.sources import GITHUB_TOKEN_ENV, GITLAB_TOKEN_ENV, Target

__all__ = [
    "GITHUB_API",
    "GITLAB_API",
    "HostingError",
    "RepositoryFilter",
    "RetryPolicy",
    "list_github_org",
    "list_gitlab_group",
]

GITHUB_API = "https://api.github.com"
GITLAB_API = "https://gitlab.com/api/v4"
#: Seconds one request may take before the listing fails.
DEFAULT_TIMEOUT = 30.0

_GITHUB_ACCESS = (
    "can read the organisation's repositories (classic token: the repo and read:org scopes; "
    "fine-grained token: read access to metadata; an organisation with SAML single sign-on: "
    "the token authorised for it)"
)
_GITLAB_ACCESS = "has the read_api scope and belongs to a user who can see the group"


@dataclass(frozen=True)
class RepositoryFilter:
    """Which listed repositories are audited."""

    include_archived: bool = False
    include_forks: bool = False
    #: Kept: repositories that carry every one of these topics (case ignored); empty: any.
    topics: frozenset[str] = frozenset()
    #: Kept: repositories of one of these visibilities (public, private, internal); empty: any.
    visibility: frozenset[str] = frozenset()

    def keeps(self, *, archived: bool, fork: bool, topics: Iterable[str], visibility: str) -> bool:
        if (archived and not self.include_archived) or (fork and not self.include_forks):
            return False
        if self.visibility and visibility not in self.visibility:
            return False
        carried = {topic.casefold() for topic in topics}
        return all(topic.casefold() in carried for topic in self.topics)


def list_github_org(
    org: str,
    *,
    api: str = GITHUB_API,
    token: str | None = None,
    filters: RepositoryFilter = RepositoryFilter(),
    timeout: float = DEFAULT_TIMEOUT,
    retry: RetryPolicy = DEFAULT_RETRY,
) -> list[Target]:
    """The organisation's repositories that ``filters`` keeps, sorted by name
    (``GET /orgs/{org}/repos``). ``token`` is sent as ``Authorization: Bearer``."""
    what = f"GitHub organisation '{org}'"
    query = urlencode({"per_page": 100, "type": "all"})
    url = f"{_base(api, what)}/orgs/{quote(org, safe='')}/repos?{query}"
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    credentials = {"Authorization": f"Bearer {token}"} if token else {}
    service = _Service(
        "GitHub", GITHUB_TOKEN_ENV, _GITHUB_ACCESS, "organisation", "name", what, api, token
    )
    targets = []
    for repo in _listing(url, headers, credentials, timeout, retry, service):
        visibility = repo.get("visibility") or ("private" if repo.get("private") else "public")
        if filters.keeps(
            archived=bool(repo.get("archived")),
            fork=bool(repo.get("fork")),
            topics=_strings(repo.get("topics")),
            visibility=str(visibility),
        ):
            targets.append(
                _target(repo, what, "full_name", "clone_url", "html_url", GITHUB_TOKEN_ENV)
            )
    return sorted(targets, key=lambda t: (t.name.casefold(), t.name))


def list_gitlab_group(
    group: str,
    *,
    api: str = GITLAB_API,
    token: str | None = None,
    filters: RepositoryFilter = RepositoryFilter(),
    timeout: float = DEFAULT_TIMEOUT,
    retry: RetryPolicy = DEFAULT_RETRY,
) -> list[Target]:
    """The group's projects, its subgroups' included, that ``filters`` keeps, sorted by name
    (``GET /groups/{group}/projects``; ``group`` is the full path, ``weather/ml``). Projects
    other groups share with it are not its own, so they are left out. ``token`` is sent as
    ``PRIVATE-TOKEN``."""
    what = f"GitLab group '{group}'"
    params: dict[str, str | int] = {
        "include_subgroups": "true",
        "with_shared": "false",
        "per_page": 100,
    }
    if not filters.include_archived:
        params["archived"] = "false"
    if filters.topics:  # narrows the pages; the filter below decides
        params["topic"] = ",".join(sorted(filters.topics))
    if len(filters.visibility) == 1:
        params["visibility"] = next(iter(filters.visibility))
    url = f"{_base(api, what)}/groups/{quote(group, safe='')}/projects?{urlencode(params)}"
    credentials = {"PRIVATE-TOKEN": token} if token else {}
    service = _Service(
        "GitLab", GITLAB_TOKEN_ENV, _GITLAB_ACCESS, "group", "full path", what, api, token
    )
    headers = {"Accept": "application/json"}
    targets = []
    for project in _listing(url, headers, credentials, timeout, retry, service, page_param=True):
        if filters.keeps(
            archived=bool(project.get("archived")),
            fork=bool(project.get("forked_from_project")),
            topics=_strings(project.get("topics") or project.get("tag_list")),
            visibility=str(project.get("visibility") or ""),
        ):
            targets.append(
                _target(
                    project,
                    what,
                    "path_with_namespace",
                    "http_url_to_repo",
                    "web_url",
                    GITLAB_TOKEN_ENV,
                )
            )
    return sorted(targets, key=lambda t: (t.name.casefold(), t.name))


def _base(api: str, what: str) -> str:
    if urlsplit(api).scheme not in ("https", "http") or not urlsplit(api).netloc:
        raise HostingError(f"cannot list {what}: the API URL {api!r} is not an http(s) URL")
    return api.rstrip("/")


@dataclass(frozen=True)
class _Service:
    """One listing's service, and what its failures mean, in words that say what to check."""

    name: str
    token_env: str
    #: What the token needs, completing "check that GITHUB_TOKEN is set and ...".
    access: str
    #: What is listed ("organisation", "group") and what names one ("name", "full path").
    kind: str
    naming: str
    what: str
    api: str
    token: str | None

    def error(self, failure: HttpFailure) -> HostingError:
        detail = f" ({failure.detail})" if failure.detail else ""
        if failure.status == 401 and self.token:
            reason = (
                f"{self.name} refused the token in {self.token_env} (HTTP 401{detail}); check "
                "that it is valid and has not expired"
            )
        elif failure.status == 401:
            reason = f"{self.name} asks for a token (HTTP 401); set {self.token_env}"
        elif failure.status == 403:
            reason = (
                f"access denied (HTTP 403{detail}); check that {self.token_env} is set and "
                f"{self.access}"
            )
        elif failure.status == 404:
            reason = (
                f"not found at {self.api} (HTTP 404); check the {self.kind}'s {self.naming} and "
                f"the API URL. A private {self.kind} is not found either without a token that "
                f"can see it ({self.token_env})"
            )
        else:
            reason = f"{failure}{detail}"
        message = f"cannot list {self.what}: {reason}"
        return HostingError(message.replace(self.token, "***") if self.token else message)


def _listing(
    url: str,
    headers: dict[str, str],
    credentials: dict[str, str],
    timeout: float,
    retry: RetryPolicy,
    service: _Service,
    *,
    page_param: bool = False,
) -> Iterable[dict[str, Any]]:
    """Every repository entry of every page; an answer of another shape is an error."""
    try:
        for page in get_pages(
            url,
            headers=headers,
            credentials=credentials,
            timeout=timeout,
            retry=retry,
            page_param=page_param,
        ):
            if not isinstance(page, list) or not all(isinstance(entry, dict) for entry in page):
                raise HttpFailure(f"{url} did not answer with a list of repositories")
            yield from page
    except HttpFailure as failure:
        raise service.error(failure) from None


def _target(
    entry: dict[str, Any], what: str, name: str, clone: str, web: str, token_env: str
) -> Target:
    if not isinstance(entry.get(name), str) or not isinstance(entry.get(clone), str):
        raise HostingError(f"cannot list {what}: a repository has no {name} or {clone}")
    web_url = entry.get(web)
    branch = entry.get("default_branch")
    return Target(
        entry[name],
        entry[clone],
        web_url if isinstance(web_url, str) else None,
        branch if isinstance(branch, str) else None,
        remote=True,
        token_env=token_env,
    )


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []

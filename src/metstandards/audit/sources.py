"""Turn the audit's command line into the repositories to audit: one :class:`Target` each.

Sources are local repository paths, git URLs, a ``--repos`` file of either, a GitHub
organisation and a GitLab group (listed by :mod:`.hosting`). Whatever names the same repository
twice is audited once, and every target gets a display name no other target has, because the
report, the cache and the shards are keyed by it.

A source that cannot be a repository is a usage error (:class:`SourceError`) before anything is
fetched: better one clear message than a run of 500 clones that ends with an error entry.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

__all__ = [
    "DEFAULT_TOKEN_HOSTS",
    "GITHUB_TOKEN_ENV",
    "GITLAB_TOKEN_ENV",
    "SourceError",
    "Target",
    "gather",
    "parse_source",
    "read_repos_file",
    "resolve",
    "token_for",
]

#: The environment variables that hold the hosting services' tokens (names, not tokens).
GITHUB_TOKEN_ENV = "GITHUB_TOKEN"  # nosec B105
GITLAB_TOKEN_ENV = "GITLAB_TOKEN"  # nosec B105

#: Hosts whose https:// repositories are cloned with a token, and the variable that holds it.
#: A token goes to no other host: a ``--repos`` line must not be able to collect it.
DEFAULT_TOKEN_HOSTS: Mapping[str, str] = {
    "github.com": GITHUB_TOKEN_ENV,
    "gitlab.com": GITLAB_TOKEN_ENV,
}

#: The URL schemes git clones from; a transport helper (``ext::``) runs commands, so it is none.
_SCHEMES = ("https", "http", "ssh", "git", "file")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_HELPER = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)::")
#: git's scp-like syntax, ``user@host:path`` (the user is required: ``a:b`` is a path).
_SCP = re.compile(r"^(?P<user>[^@/\s]+)@(?P<host>[^:/\s]+):(?P<path>.+)$")
#: A trailing comment of a --repos line: `` # ...`` after the source.
_COMMENT = re.compile(r"\s+#.*$")


class SourceError(Exception):
    """A source cannot be audited: a usage error whose message names the source."""


@dataclass(frozen=True)
class Target:
    """One repository to audit."""

    #: Unique display name: ``owner/repo`` for a hosted repository, else the directory's name;
    #: a second target with the same name gets a ``-2`` suffix.
    name: str
    #: A local directory (absolute) or a clone URL, never with a credential in it.
    location: str
    #: Where people browse it (findings link to ``web_url/blob/<commit>/<path>``), or None.
    web_url: str | None
    #: The remote's default branch when the hosting service said; None: the remote's HEAD.
    default_branch: str | None
    #: True for a URL (cloned into the cache), False for a local directory (audited in place).
    remote: bool
    #: The environment variable whose token may be sent when cloning it (see :func:`token_for`);
    #: None: it is cloned without one.
    token_env: str | None = None


class _Url(NamedTuple):
    """A git URL, its parts as git reads them (scp-like ``git@host:path`` included)."""

    scheme: str
    user: str
    host: str
    path: str

    @property
    def name(self) -> str:
        """``owner/repo`` (the path less ``.git``); a file:// repository's directory name."""
        path = self.path.strip("/").removesuffix(".git").strip("/")
        return path.rsplit("/", 1)[-1] if self.scheme == "file" else path

    @property
    def web_url(self) -> str | None:
        """Where the forges (GitHub, GitLab, Gitea, Bitbucket) show it: the https:// clone URL
        less ``.git``, or the host and path of a ``git@`` SSH URL. None for git://, file://
        and personal SSH accounts, which have no web page to guess."""
        if self.scheme in ("https", "http"):
            return f"{self.scheme}://{self.host}/{self.name}"
        if self.scheme == "ssh" and self.user == "git":
            host = self.host.rsplit(":", 1)[0] if self.host.count(":") == 1 else self.host
            return f"https://{host}/{self.name}"
        return None

    @property
    def key(self) -> tuple[str, str]:
        """What two spellings of one repository share: https://, ssh:// and git@ forms of a
        forge's repository are one, and forges ignore the path's case."""
        if self.scheme == "file":
            return ("file", os.path.normpath(self.path))
        return (self.host.lower(), self.path.strip("/").removesuffix(".git").strip("/").lower())


def _parse_url(text: str) -> _Url | None:
    """The URL's parts; None when ``text`` is no URL (a path). Raises :class:`SourceError` for
    a URL git must not be given."""
    helper = _HELPER.match(text)
    if helper:
        raise SourceError(
            f"{text}: the '{helper[1]}::' transport helper is refused (it can run commands); "
            "give an https://, ssh://, git@host:path, git:// or file:// URL"
        )
    scp = _SCP.match(text)
    if scp and not _SCHEME.match(text):
        return _Url("ssh", scp["user"], scp["host"], scp["path"])
    scheme = _SCHEME.match(text)
    if not scheme:
        return None
    if scheme[1].lower() not in _SCHEMES:
        raise SourceError(
            f"{text}: git URLs start with https://, ssh://, git://, file:// or user@host:, "
            f"not {scheme[1]}://"
        )
    parts = urlsplit(text)
    url = _Url(
        parts.scheme.lower(), parts.username or "", parts.netloc.rpartition("@")[2], parts.path
    )
    # Over http(s) a user name alone can be the token (GitHub takes one there).
    if parts.password is not None or (url.scheme in ("https", "http") and "@" in parts.netloc):
        masked = text.replace(parts.netloc, "***@" + url.host, 1)
        raise SourceError(
            f"{masked}: the URL holds a credential; remove it and set {GITHUB_TOKEN_ENV} or "
            f"{GITLAB_TOKEN_ENV} instead (a token in a URL ends up in reports and logs)"
        )
    if (url.scheme != "file" and not url.host) or not url.name:
        raise SourceError(f"{text}: the URL names no repository")
    return url


def parse_source(
    text: str, base: Path | None = None, token_hosts: Mapping[str, str] = DEFAULT_TOKEN_HOSTS
) -> Target:
    """The target a positional argument (or a --repos line) names: a git URL, else a local
    directory, relative to ``base`` (default: the current directory).

    ``token_hosts`` maps a host to the variable of the token its https:// repositories may be
    cloned with (see :data:`DEFAULT_TOKEN_HOSTS`).
    """
    url = _parse_url(text)
    if url is not None:
        token_env = token_hosts.get(url.host.lower()) if url.scheme == "https" else None
        return Target(url.name, text, url.web_url, None, remote=True, token_env=token_env)
    path = Path(text).expanduser()
    path = ((base or Path.cwd()) / path).resolve()
    if not path.is_dir():
        reason = "not a directory" if path.exists() else "no such directory"
        raise SourceError(
            f"{text}: {reason} ({path}), and not a git URL (https://, ssh://, git@host:path, "
            "git://, file://)"
        )
    return Target(path.name or str(path), str(path), _local_web_url(path), None, remote=False)


def _local_web_url(path: Path) -> str | None:
    """The web page of a local clone's ``origin``, when it is on a forge. A credential in the
    user's own remote is left out of the link, not an error."""
    from metstandards.audit.clone import origin_url  # clone imports this module

    origin = origin_url(path)
    if origin is None:
        return None
    if re.match(r"^https?://", origin, re.IGNORECASE):
        parts = urlsplit(origin)
        origin = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
    try:
        url = _parse_url(origin)
    except SourceError:  # a transport helper
        return None
    return url.web_url if url else None


def read_repos_file(
    path: Path, token_hosts: Mapping[str, str] = DEFAULT_TOKEN_HOSTS
) -> list[Target]:
    """The targets of a --repos file: one path or URL a line; blank lines and ``#`` comments
    (a whole line, or after whitespace) ignored; paths relative to the file's directory."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise SourceError(f"cannot read the repository list {path}: {error}") from None
    targets = []
    for number, line in enumerate(lines, start=1):
        text = _COMMENT.sub("", line).strip()
        if not text or text.startswith("#"):
            continue
        try:
            targets.append(parse_source(text, path.absolute().parent, token_hosts))
        except SourceError as error:
            raise SourceError(f"{path}, line {number}: {error}") from None
    return targets


def resolve(targets: Iterable[Target]) -> list[Target]:
    """``targets`` in order, each repository once (what a later spelling adds, such as the web
    page a hosting service gives, fills the first one's gaps) and every name unique."""
    kept: dict[tuple[str, str], Target] = {}
    for target in targets:
        key = _key(target)
        first = kept.get(key)
        kept[key] = target if first is None else _fill(first, target)
    return _unique_names(list(kept.values()))


def _key(target: Target) -> tuple[str, str]:
    if not target.remote:
        return ("path", target.location)
    try:
        url = _parse_url(target.location)
    except SourceError:
        url = None
    return url.key if url else ("url", target.location)


def _fill(first: Target, later: Target) -> Target:
    return dataclasses.replace(
        first,
        web_url=first.web_url or later.web_url,
        default_branch=first.default_branch or later.default_branch,
        token_env=first.token_env or later.token_env,
    )


def _unique_names(targets: list[Target]) -> list[Target]:
    """The first target of a name keeps it; the others get the first free ``-N`` (N >= 2)
    that is no other target's own name."""
    taken = {target.name for target in targets}
    seen: set[str] = set()
    unique = []
    for target in targets:
        name = target.name
        if name in seen:
            number = 2
            while f"{name}-{number}" in taken:
                number += 1
            name = f"{name}-{number}"
            taken.add(name)
        seen.add(name)
        unique.append(target if name == target.name else dataclasses.replace(target, name=name))
    return unique


def token_for(target: Target, environ: Mapping[str, str] = os.environ) -> str | None:
    """The token to clone ``target`` with: the value of the variable its ``token_env`` names
    (a repository listed from GitHub or GitLab, or on one of the token hosts), else None."""
    return (environ.get(target.token_env) or None) if target.token_env else None


def gather(
    sources: Sequence[str] = (),
    *,
    repos_file: Path | None = None,
    github_org: str | None = None,
    github_api: str = "https://api.github.com",
    gitlab_group: str | None = None,
    gitlab_api: str = "https://gitlab.com/api/v4",
    include_archived: bool = False,
    include_forks: bool = False,
    topics: Sequence[str] = (),
    visibilities: Sequence[str] = (),
    environ: Mapping[str, str] = os.environ,
) -> list[Target]:
    """Every target of the command line: the positional sources, the --repos file, then the
    organisation's and the group's repositories (tokens from ``GITHUB_TOKEN`` and
    ``GITLAB_TOKEN``), each repository once. Raises :class:`SourceError` (a
    :class:`~metstandards.audit.http.HostingError` for a listing) for any that cannot be had.

    The filters (archived, forks, topics, visibility) apply to the listings: a repository named
    on the command line is audited whatever it is.
    """
    from metstandards.audit import hosting  # hosting imports this module's Target

    token_hosts = {
        **DEFAULT_TOKEN_HOSTS,
        _host(github_api).removeprefix("api."): GITHUB_TOKEN_ENV,
        _host(gitlab_api): GITLAB_TOKEN_ENV,
    }
    targets = [parse_source(source, token_hosts=token_hosts) for source in sources]
    if repos_file is not None:
        targets += read_repos_file(repos_file, token_hosts)
    filters = hosting.RepositoryFilter(
        include_archived, include_forks, frozenset(topics), frozenset(visibilities)
    )
    if github_org:
        token = environ.get(GITHUB_TOKEN_ENV) or None
        targets += hosting.list_github_org(github_org, api=github_api, token=token, filters=filters)
    if gitlab_group:
        token = environ.get(GITLAB_TOKEN_ENV) or None
        targets += hosting.list_gitlab_group(
            gitlab_group, api=gitlab_api, token=token, filters=filters
        )
    return resolve(targets)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()

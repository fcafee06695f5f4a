"""GET a hosting API's JSON pages: time limits, rate limits, and a token that stays home.

The standard library's urllib is enough for a few paged GETs, and keeps the audit free of an
HTTP dependency. What it does not do by itself is done here:

- **rate limits**: a 429, or a 403 that says the limit is exhausted, is retried after the wait
  the server names (``Retry-After`` in seconds or as a date, else ``X-RateLimit-Reset`` or
  ``RateLimit-Reset``), a 502/503/504 after a growing pause; a bounded number of times and
  seconds in all (:class:`RetryPolicy`), so that a run in CI ends;
- **the token goes only to the API's server**: urllib would send it on across a redirect to
  another host, and a page's ``Link: rel="next"`` could name another host; here both keep the
  API's scheme, host and port or lose the token.

Failures are :class:`HttpFailure`, in plain words; :mod:`.hosting` adds which organisation or
group, and what to check.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.message import Message
from http.client import HTTPMessage
from typing import Any
from urllib.parse import urlsplit

from metstandards import __version__
from metstandards.audit.sources import SourceError

__all__ = ["DEFAULT_RETRY", "HostingError", "HttpFailure", "RetryPolicy", "get_pages"]

#: The request headers that carry a credential (urllib spells them ``Capitalized``).
_CREDENTIALS = ("Authorization", "Private-token")
#: Statuses retried after a pause: the servers' own "try again later".
_TRANSIENT = (502, 503, 504)
#: A ``RateLimit-Reset`` above this is a Unix time (GitLab), below a number of seconds (IETF).
_EPOCH = 1_000_000_000
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;[^,]*\brel="?next"?', re.IGNORECASE)


class HostingError(SourceError):
    """A hosting service's repositories cannot be listed; the message says which and why."""


class HttpFailure(Exception):
    """A request that failed for good; ``status`` is the HTTP status, None when none came."""

    def __init__(self, reason: str, status: int | None = None, detail: str = "") -> None:
        super().__init__(reason)
        self.status = status
        #: The server's own explanation (its JSON ``message``), if it gave one.
        self.detail = detail


@dataclass(frozen=True)
class RetryPolicy:
    """How long a listing waits for a rate limit or a busy server before it gives up."""

    #: Retries of one request after its first try.
    retries: int = 3
    #: Seconds of waiting in all, over one listing's requests; a server that asks for more
    #: (a limit that resets in an hour) fails the listing at once, saying how long it asked.
    max_total_wait: float = 300.0
    #: The first pause for a busy server that names no wait; doubled at each retry.
    backoff: float = 2.0


DEFAULT_RETRY = RetryPolicy()


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects, sending the credential only to where it was meant to go.

    The credential is an "unredirected" header, which urllib drops on every redirect; it is put
    back when the new address has the same scheme, host and port (an organisation renamed on
    the same server).
    """

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and _origin(newurl) == _origin(req.full_url):
            for name, value in req.unredirected_hdrs.items():
                if name in _CREDENTIALS:
                    new.add_unredirected_header(name, value)
        return new


_OPENER = urllib.request.build_opener(_SameOriginRedirects)


def get_pages(
    url: str,
    *,
    headers: Mapping[str, str],
    credentials: Mapping[str, str],
    timeout: float,
    retry: RetryPolicy,
    page_param: bool = False,
) -> Iterator[Any]:
    """Each page's decoded JSON, following ``Link: rel="next"`` (and, with ``page_param``,
    GitLab's ``X-Next-Page`` first) on the server of ``url``. ``credentials`` are headers sent
    to that server only. Raises :class:`HttpFailure`."""
    budget = _Budget(retry)
    seen = set()
    next_url: str | None = url
    while next_url is not None:
        if next_url in seen:  # a server pointing back at a page: fail, never loop
            raise HttpFailure(f"the pages of {url} lead back to {next_url}")
        seen.add(next_url)
        data, answer = _get(next_url, headers, credentials, timeout, budget)
        yield data
        next_url = _next(url, next_url, answer, page_param)


def _next(first: str, current: str, answer: Message, page_param: bool) -> str | None:
    """The next page's address, on the first page's server (scheme, host and port)."""
    page = (answer.get("X-Next-Page") or "").strip() if page_param else ""
    if page.isdigit():
        parts = urlsplit(current)
        query = [p for p in parts.query.split("&") if p and not p.startswith("page=")]
        return parts._replace(query="&".join([*query, f"page={page}"])).geturl()
    link = _LINK_NEXT.search(", ".join(answer.get_all("Link") or []))
    if link is None:
        return None
    base = urlsplit(first)
    return urlsplit(link[1])._replace(scheme=base.scheme, netloc=base.netloc).geturl()


class _Budget:
    """The seconds a listing may still wait, spent across its requests."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self.left = policy.max_total_wait

    def wait(self, seconds: float, why: str) -> None:
        if seconds > self.left:
            raise HttpFailure(
                f"{why}, and the server asks to wait {seconds:.0f} s: more than the "
                f"{self.left:.0f} s of waiting left (of {self.policy.max_total_wait:g} s); "
                "try again later"
            )
        self.left -= seconds
        time.sleep(seconds)


def _get(
    url: str,
    headers: Mapping[str, str],
    credentials: Mapping[str, str],
    timeout: float,
    budget: _Budget,
) -> tuple[Any, Message]:
    """One page, retried as the policy allows."""
    attempt = 0
    while True:
        # Only http(s) API addresses reach here: the hosting module builds them.
        request = urllib.request.Request(  # nosec B310
            url, headers={"User-Agent": f"metstandards/{__version__}", **headers}
        )
        for name, value in credentials.items():
            request.add_unredirected_header(name, value)
        try:
            with _OPENER.open(request, timeout=timeout) as response:  # nosec B310
                body = response.read()
                answer = response.headers
        except urllib.error.HTTPError as error:
            failure = _failure(error)
            wait = _retry_after(error, failure, attempt, budget.policy)
            if wait is None:
                raise failure from None
            if attempt == budget.policy.retries:
                reason = f"{failure} after {attempt + 1} tries"
                raise HttpFailure(reason, failure.status, failure.detail) from None
            budget.wait(wait, str(failure))
            attempt += 1
            continue
        except (urllib.error.URLError, OSError) as error:  # TimeoutError is an OSError
            cause = error.reason if isinstance(error, urllib.error.URLError) else error
            if isinstance(cause, TimeoutError):
                raise HttpFailure(f"{url} did not answer within {timeout:g} s") from None
            raise HttpFailure(f"cannot reach {url}: {cause}") from None
        try:
            return json.loads(body), answer
        except ValueError:
            raise HttpFailure(f"{url} did not answer with JSON") from None


def _failure(error: urllib.error.HTTPError) -> HttpFailure:
    """The failure an error status means, with the server's ``message`` if it sent one."""
    detail = ""
    try:
        data = json.loads(error.read() or b"null")
    except (ValueError, OSError):
        data = None
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        detail = data["message"][:300]
    return HttpFailure(
        f"HTTP {error.code} {error.reason}".strip(), status=error.code, detail=detail
    )


def _retry_after(
    error: urllib.error.HTTPError, failure: HttpFailure, attempt: int, policy: RetryPolicy
) -> float | None:
    """Seconds to wait before trying again, or None when this status is final. A 403 is a
    rate limit when the limit is at 0, a wait is named, or (GitHub's secondary limit) the
    message says so; else it is a refusal."""
    headers = error.headers
    limited = error.code == 429 or (
        error.code == 403
        and (
            "Retry-After" in headers
            or (headers.get("X-RateLimit-Remaining") or headers.get("RateLimit-Remaining")) == "0"
            or "rate limit" in failure.detail.lower()
        )
    )
    if not limited and error.code not in _TRANSIENT:
        return None
    named = _seconds(headers.get("Retry-After"), relative=True)
    if named is None:
        reset = headers.get("X-RateLimit-Reset") or headers.get("RateLimit-Reset")
        named = _seconds(reset, relative=False)
    return named if named is not None else policy.backoff * 2**attempt


def _seconds(value: str | None, *, relative: bool) -> float | None:
    """A wait header's seconds from now: a number of seconds (``Retry-After``, small
    ``RateLimit-Reset``), a Unix time (``X-RateLimit-Reset``) or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            return None
        return max(0.0, when - time.time())
    if relative or number < _EPOCH:
        return max(0.0, number)
    return max(0.0, number - time.time())


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return (parts.scheme.lower(), parts.netloc.lower())

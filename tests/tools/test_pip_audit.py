"""The real pip-audit against a local OSV service, and against a service it cannot reach."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from pathlib import Path

import pytest

from metstandards.check.outcome import Status
from metstandards.findings import Finding, Severity
from metstandards.tools import pip_audit

from ._project import context

#: One advisory in the OSV schema, as api.osv.dev returns it (trimmed).
ADVISORY = {
    "id": "GHSA-x84v-xcm2-53pg",
    "aliases": ["CVE-2018-18074", "PYSEC-2018-28"],
    "summary": "Insecure credential handling in requests",
    "affected": [
        {
            "package": {"name": "requests", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.20.0"}]}],
        }
    ],
}


class Osv(ThreadingHTTPServer):
    """``POST /v1/query``: the advisory for ``vulnerable`` (whatever version), nothing else;
    every answer with HTTP ``status``."""

    def __init__(self, vulnerable: str, status: int) -> None:
        super().__init__(("127.0.0.1", 0), _Query)
        self.vulnerable = vulnerable
        self.status = status
        self.queried: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1/query"


class _Query(BaseHTTPRequestHandler):
    server: Osv

    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        name = query["package"]["name"]
        self.server.queried.append(name)
        advisory = json.loads(json.dumps(ADVISORY).replace('"requests"', json.dumps(name)))
        body = json.dumps({"vulns": [advisory]} if name == self.server.vulnerable else {})
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads the outcome, not the access log."""


@pytest.fixture
def osv(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Osv]:
    for name in ("NO_PROXY", "no_proxy"):  # a test machine's proxy must not catch localhost
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    server = Osv(*getattr(request, "param", ("requests", 200)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_vulnerable_pin_is_found_with_its_fix(tmp_path: Path, osv: Osv) -> None:
    requirements = {"requirements/prod.txt": "click==8.1.7\nrequests==2.19.0  # http\n"}
    settings = {"requirements": ["requirements/prod.txt"], "osv-url": osv.url}
    outcome = pip_audit.run(context(tmp_path, requirements, settings=settings))
    assert outcome.status is Status.FINDINGS
    assert outcome.findings == (
        Finding(
            "requirements/prod.txt",
            2,
            1,
            2,
            9,
            "pip-audit:PYSEC-2018-28",
            "requests",
            Severity.ERROR,
            "requests 2.19.0 has a known vulnerability PYSEC-2018-28 "
            "(CVE-2018-18074, GHSA-x84v-xcm2-53pg); fixed in 2.20.0",
        ),
    )
    assert sorted(osv.queried) == ["click", "requests"]


@pytest.mark.parametrize("osv", [("click", 200)], indirect=True, ids=["click"])
def test_by_default_the_environment_running_metstandards_is_audited(
    tmp_path: Path, osv: Osv
) -> None:
    pyproject = '[project.optional-dependencies]\ncli = [\n    "Click>=8",\n]\n'
    ctx = context(tmp_path, {}, settings={"osv-url": osv.url}, pyproject=pyproject)
    outcome = pip_audit.run(ctx)
    (finding,) = outcome.findings
    assert (finding.path, finding.line, finding.column, finding.name) == (
        "pyproject.toml",
        6,
        6,
        "click",
    )
    assert finding.message.startswith(f"click {version('click')} has a known vulnerability")
    assert {"libcst", "pathspec", "radon"} <= set(osv.queried)


def test_an_unpinned_requirement_is_not_run_with_pip_audits_words(tmp_path: Path, osv: Osv) -> None:
    settings = {"requirements": ["requirements.txt"], "osv-url": osv.url}
    outcome = pip_audit.run(
        context(tmp_path, {"requirements.txt": "requests>=2\n"}, settings=settings)
    )
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason.startswith(
        "pip-audit failed (exit code 1): requirement requests is not pinned"
    )


@pytest.mark.parametrize("osv", [("requests", 500)], indirect=True, ids=["http-500"])
def test_a_service_that_fails_is_not_run(tmp_path: Path, osv: Osv) -> None:
    settings = {"requirements": ["requirements.txt"], "osv-url": osv.url}
    ctx = context(tmp_path, {"requirements.txt": "requests==2.19.0\n"}, settings=settings)
    outcome = pip_audit.run(ctx)
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason == (
        "the vulnerability service answered with an error: "
        f"500 Server Error: Internal Server Error for url: {osv.url}"
    )


def test_a_service_that_cannot_be_reached_is_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        for spelling in (name, name.lower()):
            monkeypatch.setenv(spelling, f"http://127.0.0.1:{closed}")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "")
    # Fresh HTTP caches: an answer cached by an earlier pip or pip-audit would hide the outage.
    monkeypatch.setenv("PIP_CACHE_DIR", str(tmp_path / "pip-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    settings = {"requirements": ["requirements.txt"]}
    ctx = context(
        tmp_path / "project", {"requirements.txt": "requests==2.19.0\n"}, settings=settings
    )
    outcome = pip_audit.run(ctx)
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason.startswith("the vulnerability service could not be reached: ")
    assert re.search(r": ProxyError: \[Errno \d+\] Connection refused$", outcome.reason)


def test_packages_pip_audit_skips_are_in_the_note(tmp_path: Path, osv: Osv) -> None:
    requirements = "requests==2.19.0\nmylib @ https://example.invalid/mylib-1.0.tar.gz\n"
    settings = {"requirements": ["requirements.txt"], "osv-url": osv.url}
    ctx = context(tmp_path, {"requirements.txt": requirements}, settings=settings)
    outcome = pip_audit.run(ctx)
    assert [f.name for f in outcome.findings] == ["requests"]
    assert outcome.reason == (
        "not audited: URL requirements cannot be pinned to a specific package version: mylib"
    )


def test_when_every_package_was_skipped_nothing_was_audited(tmp_path: Path, osv: Osv) -> None:
    requirements = "mylib @ https://example.invalid/mylib-1.0.tar.gz\n"
    settings = {"requirements": ["requirements.txt"], "osv-url": osv.url}
    outcome = pip_audit.run(
        context(tmp_path, {"requirements.txt": requirements}, settings=settings)
    )
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason == (
        "pip-audit could not audit any dependency: "
        "URL requirements cannot be pinned to a specific package version: mylib"
    )

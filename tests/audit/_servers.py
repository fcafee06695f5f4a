"""Real git repositories and real servers on 127.0.0.1 for the audit's fetching tests.

- :func:`make_repo` commits files (and tags) into a new repository;
- :class:`GitDaemon` serves a directory of repositories over git:// with ``git daemon``;
- :class:`GitHttp` serves them over plain HTTP with ``git http-backend`` (CGI), asking for one
  ``Authorization`` header, and keeps every request's headers;
- :class:`Api` answers GET requests with canned JSON pages shaped like GitHub's and GitLab's
  REST APIs, and keeps every request.

Nothing here replaces the code under test: git, its transports and urllib run for real.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

#: git as the tests run it: no developer's configuration, a fixed identity.
GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


def git(
    *args: str, cwd: Path | None = None, env: Mapping[str, str] = GIT_ENV, check: bool = True
) -> str:
    """git's stdout, stripped; a failure raises unless ``check`` is false."""
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=check
    )
    return done.stdout.strip()


def make_repo(path: Path, files: Mapping[str, str], tag: str | None = None) -> str:
    """A repository at ``path`` with ``files`` committed (on branch main); its HEAD SHA."""
    if not (path / ".git").is_dir():
        git("init", "--quiet", "--initial-branch=main", str(path))
    commit(path, files, tag)
    return git("rev-parse", "HEAD", cwd=path)


def commit(path: Path, files: Mapping[str, str], tag: str | None = None) -> str:
    """Write ``files`` (a ``None``-free mapping; ``""`` deletes) and commit; optionally tag."""
    for name, text in files.items():
        target = path / name
        if text == "":
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    git("add", "--all", cwd=path)
    git("commit", "--quiet", "-m", f"change {sorted(files)}", cwd=path)
    if tag:
        git("tag", "-a", tag, "-m", f"release {tag}", cwd=path)
    return git("rev-parse", "HEAD", cwd=path)


def free_port() -> int:
    """A port nothing listens on (just now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class GitDaemon:
    """``git daemon`` serving every repository under ``base`` at git://127.0.0.1:PORT/NAME."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                "git",
                "daemon",
                "--reuseaddr",
                "--export-all",
                "--listen=127.0.0.1",
                f"--port={self.port}",
                f"--base-path={base}",
                str(base),
            ],
            env=GIT_ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(self.port, self.process)

    def url(self, name: str) -> str:
        return f"git://127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"git daemon exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            time.sleep(0.05)
        else:
            return
    raise RuntimeError("git daemon did not start listening")


@contextmanager
def running(server: ThreadingHTTPServer) -> Iterator[None]:
    """``server`` answering on a thread until the block ends."""
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        if isinstance(server, Api):
            server.release.set()
        server.shutdown()
        server.server_close()


@dataclass
class Seen:
    """One request a server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class GitHttp(ThreadingHTTPServer):
    """``git http-backend`` over plain HTTP for the repositories under ``base``; every request
    must carry ``Authorization: <authorization>`` (when given), else 401."""

    def __init__(self, base: Path, authorization: str | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Backend)
        self.base = base
        self.authorization = authorization
        self.seen: list[Seen] = []

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{name}"


class _Backend(BaseHTTPRequestHandler):
    server: GitHttp

    def do_GET(self) -> None:
        self._cgi()

    def do_POST(self) -> None:
        self._cgi()

    def _cgi(self) -> None:
        path, _, query = self.path.partition("?")
        self.server.seen.append(
            Seen(self.command, path, parse_qs(query), {k: v for k, v in self.headers.items()})
        )
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        wanted = self.server.authorization
        if wanted is not None and self.headers.get("Authorization") != wanted:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        env = {
            **GIT_ENV,
            "GIT_PROJECT_ROOT": str(self.server.base),
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": unquote(path),
            "QUERY_STRING": query,
            "REQUEST_METHOD": self.command,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
            "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
            "REMOTE_ADDR": "127.0.0.1",
        }
        output = subprocess.run(
            ["git", "http-backend"], input=body, env=env, capture_output=True, check=False
        ).stdout
        head, _, payload = output.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode().split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read ``seen``."""


@dataclass
class Reply:
    """One canned answer: JSON ``body`` with ``status`` and ``headers``; ``delay`` seconds
    first (the server's ``release`` event cuts it short at the end of the test)."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class Api(ThreadingHTTPServer):
    """A hosting API on 127.0.0.1: ``replies[(path, page)]`` answers a GET of ``path`` (as
    sent, still percent-encoded) with query ``page=N`` (``"1"`` when absent), one reply after
    the other, the last one again and again. Anything else is a 404."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ApiHandler)
        self.replies: dict[tuple[str, str], list[Reply]] = {}
        self.seen: list[Seen] = []
        self.release = threading.Event()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up on a slow reply (what the timeout tests do) closed the
        connection before the answer was written: expected, so not printed."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def on(self, path: str, *replies: Reply, page: str = "1") -> None:
        self.replies[(path, page)] = list(replies)


class _ApiHandler(BaseHTTPRequestHandler):
    server: Api

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        self.server.seen.append(Seen("GET", parts.path, query, dict(self.headers.items())))
        replies = self.server.replies.get((parts.path, query.get("page", ["1"])[0]))
        reply = (
            (replies.pop(0) if len(replies) > 1 else replies[0])
            if replies
            else Reply({"message": "Not Found"}, 404)
        )
        self.server.release.wait(reply.delay)
        data = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        for name, value in reply.headers.items():
            self.send_header(name, value.replace("{base}", self.server.base))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read ``seen``."""

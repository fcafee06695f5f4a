"""The real pip-audit against a local OSV service, and against a service it cannot reach.

The local service records every query, so the tests see exactly which packages, at which
versions, pip-audit was given: the project's declared dependencies, never the environment the
tests run in.
"""

from __future__ import annotations

import ensurepip
import json
import os
import re
import socket
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from packaging.version import Version

from metstandards.findings import Finding, Severity
from metstandards.results import Status
from metstandards.tools import declared, pip_audit

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
        #: (name, version) of every query, in the order they came.
        self.queried: list[tuple[str, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1/query"


class _Query(BaseHTTPRequestHandler):
    server: Osv

    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        name = query["package"]["name"]
        self.server.queried.append((name, query["version"]))
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


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


#: A uv.lock as uv writes it (trimmed): the project itself (editable), a git dependency, two
#: versions of numpy forked by Python version, and requests with its dependency urllib3.
UV_LOCK = """\
version = 1
revision = 3
requires-python = ">=3.10"
resolution-markers = [
    "python_full_version >= '3.11'",
    "python_full_version < '3.11'",
]

[[package]]
name = "demo"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "mylib" },
    { name = "numpy", version = "2.2.6", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version < '3.11'" },
    { name = "numpy", version = "2.3.5", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= '3.11'" },
    { name = "requests" },
]

[package.metadata]
requires-dist = [
    { name = "mylib", git = "https://github.com/example/mylib?rev=main" },
    { name = "numpy", specifier = ">=2" },
    { name = "requests", specifier = ">=2.19" },
]

[[package]]
name = "mylib"
version = "0.3.0"
source = { git = "https://github.com/example/mylib?rev=main#0123456789abcdef0123456789abcdef01234567" }

[[package]]
name = "numpy"
version = "2.2.6"
source = { registry = "https://pypi.org/simple" }
resolution-markers = [
    "python_full_version < '3.11'",
]
sdist = { url = "https://files.pythonhosted.org/packages/76/21/numpy-2.2.6.tar.gz", hash = "sha256:e29554e2bef54a90aa5cc07da6ce955accb83f21ab5de01a62c8478897b264fd", size = 20276841, upload-time = "2025-05-17T22:38:04.611Z" }

[[package]]
name = "numpy"
version = "2.3.5"
source = { registry = "https://pypi.org/simple" }
resolution-markers = [
    "python_full_version >= '3.11'",
]

[[package]]
name = "requests"
version = "2.19.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "urllib3" },
]

[[package]]
name = "urllib3"
version = "1.23"
source = { registry = "https://pypi.org/simple" }
"""  # noqa: E501 - a lock file's lines are as long as uv writes them

#: A poetry.lock as Poetry 2 writes it (trimmed): a path dependency, a package from a private
#: index (``legacy``), and requests with certifi.
POETRY_LOCK = """\
# This file is automatically @generated by Poetry 2.1.3 and should not be changed by hand.

[[package]]
name = "certifi"
version = "2018.4.16"
description = "Python package for providing Mozilla's CA Bundle."
optional = false
python-versions = "*"
groups = ["main"]
files = [
    {file = "certifi-2018.4.16-py2.py3-none-any.whl", hash = "sha256:9fa520c1bacfb634fa7af20a76bcbd3d5fb390481724c597da32c719a7dca4b0"},
]

[[package]]
name = "internal-tool"
version = "1.4.0"
description = "Our own tool, on our own index."
optional = false
python-versions = ">=3.10"
groups = ["main"]
files = []

[package.source]
type = "legacy"
url = "https://pypi.example.org/simple"
reference = "internal"

[[package]]
name = "locallib"
version = "0.1.0"
description = ""
optional = false
python-versions = ">=3.10"
groups = ["main"]
files = []
develop = true

[package.source]
type = "directory"
url = "libs/locallib"

[[package]]
name = "requests"
version = "2.19.0"
description = "Python HTTP for Humans."
optional = false
python-versions = ">=2.7"
groups = ["main"]
files = []

[package.dependencies]
certifi = ">=2017.4.17"

[metadata]
lock-version = "2.1"
python-versions = "^3.10"
content-hash = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
"""  # noqa: E501 - a lock file's lines are as long as Poetry writes them


@pytest.mark.slow
def test_a_vulnerable_pin_is_found_with_its_fix(tmp_path: Path, osv: Osv) -> None:
    requirements = {
        "requirements/prod.txt": "click==8.1.7\nrequests==2.19.0  # http\n",
        "uv.lock": UV_LOCK,  # the setting replaces discovery: not audited
    }
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
    assert sorted(osv.queried) == [("click", "8.1.7"), ("requests", "2.19.0")]
    assert outcome.reason == "audited requirements/prod.txt (2 pinned packages)"


@pytest.mark.slow
@pytest.mark.parametrize("osv", [("click", 200)], indirect=True, ids=["click"])
def test_the_environment_running_metstandards_is_never_audited(tmp_path: Path, osv: Osv) -> None:
    # click runs metstandards (and is vulnerable here); the project only declares requests.
    ctx = context(
        tmp_path,
        {},
        settings={"osv-url": osv.url},
        pyproject='dependencies = ["requests==2.0.0"]\n',
    )
    outcome = pip_audit.run(ctx)
    assert outcome.status is Status.PASSED
    assert osv.queried == [("requests", "2.0.0")]
    assert outcome.reason == (
        "audited the declared dependencies of pyproject.toml (1 pinned package, not their "
        "dependencies)"
    )


@pytest.mark.slow
@pytest.mark.parametrize("osv", [("urllib3", 200)], indirect=True, ids=["urllib3"])
def test_a_uv_lock_is_audited_at_its_pins_and_nothing_stays_behind(
    tmp_path: Path, osv: Osv, monkeypatch: pytest.MonkeyPatch
) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    pyproject = 'dependencies = ["requests>=2.19", "numpy>=2", "mylib"]\n'
    ctx = context(
        tmp_path / "project",
        {"uv.lock": UV_LOCK},
        settings={"osv-url": osv.url},
        pyproject=pyproject,
    )
    before = _files(ctx.root)
    outcome = pip_audit.run(ctx)
    # Both numpy versions (one pip-audit run each), nothing of the editable project or git.
    assert sorted(osv.queried) == [
        ("numpy", "2.2.6"),
        ("numpy", "2.3.5"),
        ("requests", "2.19.0"),
        ("urllib3", "1.23"),
    ]
    # urllib3 is not declared: its finding is on its entry of the lock file, not on the
    # ``{ name = "urllib3" }`` of requests' dependencies above it.
    (finding,) = outcome.findings
    line = UV_LOCK.splitlines().index('name = "urllib3"') + 1
    assert (finding.path, finding.line, finding.column, finding.end_column) == (
        "uv.lock",
        line,
        9,
        16,
    )
    assert outcome.reason == (
        "audited uv.lock (4 pinned packages); not audited: the project itself: demo; "
        "from a version control repository: mylib"
    )
    assert _files(ctx.root) == before
    assert list(temporary.iterdir()) == []


@pytest.mark.slow
def test_a_poetry_lock_is_audited_and_anchored_at_the_declaring_line(
    tmp_path: Path, osv: Osv
) -> None:
    pyproject = '\n[tool.poetry.dependencies]\npython = "^3.10"\nrequests = "^2.19"\n'
    ctx = context(
        tmp_path, {"poetry.lock": POETRY_LOCK}, settings={"osv-url": osv.url}, pyproject=pyproject
    )
    outcome = pip_audit.run(ctx)
    assert sorted(osv.queried) == [
        ("certifi", "2018.4.16"),
        ("internal-tool", "1.4.0"),
        ("requests", "2.19.0"),
    ]
    (finding,) = outcome.findings
    assert (finding.path, finding.line, finding.column, finding.end_column) == (
        "pyproject.toml",
        7,
        1,
        9,
    )
    assert outcome.reason == (
        "audited poetry.lock (3 pinned packages); not audited: from a local path: locallib"
    )


@pytest.mark.slow
def test_every_pylock_file_is_audited(tmp_path: Path, osv: Osv) -> None:
    pylock = (
        'lock-version = "1.0"\ncreated-by = "uv"\nrequires-python = ">=3.10"\n\n'
        '[[packages]]\nname = "demo"\ndirectory = { path = ".", editable = true }\n\n'
        '[[packages]]\nname = "idna"\nversion = "2.7"\nindex = "https://pypi.org/simple"\n'
        'wheels = [{ url = "https://files.pythonhosted.org/packages/4b/2a/idna-2.7-py2.py3-none'
        '-any.whl", upload-time = 2018-06-11T02:52:09Z, size = 58213, hashes = { sha256 = '
        '"156a6814fb5ac1fc6850fb002e0852d56c0c8d2531923a51032d1b70760e186e" } }]\n\n'
        '[[packages]]\nname = "vendored"\narchive = { path = "vendor/vendored-1.0.tar.gz", '
        'hashes = { sha256 = "0f1e2d3c" } }\n'
    )
    docs = (
        'lock-version = "1.0"\ncreated-by = "pip"\n\n'
        '[[packages]]\nname = "jinja2"\nversion = "2.10"\nindex = "https://pypi.org/simple"\n\n'
        '[[packages]]\nname = "theme"\nvcs = { type = "git", url = "https://github.com/example/'
        'theme.git", commit-id = "0123456789abcdef0123456789abcdef01234567" }\n'
    )
    files = {"pylock.toml": pylock, "pylock.docs.toml": docs}
    outcome = pip_audit.run(context(tmp_path, files, settings={"osv-url": osv.url}))
    assert sorted(osv.queried) == [("idna", "2.7"), ("jinja2", "2.10")]
    assert outcome.reason == (
        "audited pylock.toml (1 pinned package) and pylock.docs.toml (1 pinned package); "
        "not audited: the project itself: demo; from a local path: vendored; "
        "from a version control repository: theme"
    )


@pytest.mark.slow
def test_pinned_requirement_files_are_audited_with_their_includes(tmp_path: Path, osv: Osv) -> None:
    files = {
        "requirements.txt": (
            "# pip-compile output\n-r requirements/base.txt\n-e .\nrequests==2.19.0 \\\n"
            "    --hash=sha256:63b52e3c866428a224f97cab011de738c36aec0185aa91cfacd418b5d58911d1\n"
        ),
        "requirements/base.txt": "idna==2.7  # via requests\n",
        "requirements-dev.txt": "click==8.1.7\n",
    }
    outcome = pip_audit.run(context(tmp_path, files, settings={"osv-url": osv.url}))
    assert sorted(osv.queried) == [("click", "8.1.7"), ("idna", "2.7"), ("requests", "2.19.0")]
    (finding,) = outcome.findings
    assert (finding.path, finding.line, finding.column) == ("requirements.txt", 4, 1)
    assert outcome.reason == (
        "audited the declared dependencies of requirements-dev.txt, requirements/base.txt and "
        "requirements.txt (3 pinned packages, not their dependencies); "
        "not audited: the project itself: demo"
    )


@pytest.mark.slow
def test_pinned_project_dependencies_and_extras_are_audited_without_the_project_itself(
    tmp_path: Path, osv: Osv
) -> None:
    # anemoi-datasets' pattern: an extra that pulls in the project's own other extras.
    pyproject = (
        'dependencies = ["requests==2.19.0"]\n\n[project.optional-dependencies]\n'
        'all = ["Demo[plot]"]\nplot = ["click==8.1.7; python_version >= \'3.10\'"]\n'
    )
    outcome = pip_audit.run(
        context(tmp_path, {}, settings={"osv-url": osv.url}, pyproject=pyproject)
    )
    assert sorted(osv.queried) == [("click", "8.1.7"), ("requests", "2.19.0")]
    (finding,) = outcome.findings
    assert (finding.path, finding.line, finding.column) == ("pyproject.toml", 4, 18)
    assert outcome.reason.endswith("; not audited: the project itself: demo")


def test_a_project_that_declares_no_dependencies_is_skipped(tmp_path: Path) -> None:
    # ``search`` finds no pip-audit: had it been run, the outcome would be "not run".
    ctx = context(tmp_path / "project", {"pkg/__init__.py": ""})
    outcome = pip_audit.run(ctx, search=[tmp_path / "nothing-here"])
    assert outcome.status is Status.SKIPPED
    assert outcome.reason == "the project declares no dependencies"


def test_a_lock_with_nothing_from_an_index_is_not_run(tmp_path: Path) -> None:
    lock = (
        'version = 1\n\n[[package]]\nname = "demo"\nversion = "0.1.0"\n'
        'source = { virtual = "." }\n\n'
        '[[package]]\nname = "shared"\nversion = "1.0"\nsource = { directory = "../shared" }\n'
    )
    ctx = context(tmp_path / "project", {"uv.lock": lock})
    outcome = pip_audit.run(ctx, search=[tmp_path / "nothing-here"])
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason == (
        "no declared dependency can be audited: the project itself: demo; from a local path: shared"
    )


def test_dependencies_in_setup_py_are_never_run_and_never_a_pass(tmp_path: Path) -> None:
    setup = 'open("setup-py-ran", "w")\nsetup(name="demo", install_requires=["requests"])\n'
    ctx = context(tmp_path / "project", {"setup.py": setup})
    outcome = pip_audit.run(ctx, search=[tmp_path / "nothing-here"])
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason.startswith(
        "the dependencies are declared where metstandards does not read them: "
        "setup.py (code, never run); "
    )
    assert not (ctx.root / "setup-py-ran").exists()


def test_an_unreadable_lock_file_is_not_run(tmp_path: Path) -> None:
    ctx = context(tmp_path / "project", {"poetry.lock": "[[package]\nname = 'x'\n"})
    outcome = pip_audit.run(ctx, search=[tmp_path / "nothing-here"])
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason.startswith("poetry.lock could not be read for the dependencies: ")


def _wheel(directory: Path, name: str, version: str, *requires: str) -> None:
    """A minimal pure-Python wheel: enough for pip to resolve, never installed."""
    dist = f"{name}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    files = {
        f"{name}/__init__.py": "",
        f"{dist}/METADATA": metadata + "".join(f"Requires-Dist: {r}\n" for r in requires),
        f"{dist}/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    files[f"{dist}/RECORD"] = "".join(f"{path},,\n" for path in [*files, f"{dist}/RECORD"])
    with zipfile.ZipFile(directory / f"{name}-{version}-py3-none-any.whl", "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)


#: pip-audit resolves in a throwaway environment with this Python's bundled pip, which it
#: upgrades from the index first; the test's offline index cannot, and pip before 23.1 (Python
#: 3.10's) lacks the --keyring-provider that pip-audit passes.
_BUNDLED_PIP_TOO_OLD = Version(ensurepip.version()) < Version("23.1")


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package index of local wheels that pip uses instead of any other: ``tinypkg 1.0``,
    which needs ``tinydep``, and ``tinydep 1.2``. pip-audit's resolution updates pip, wheel and
    setuptools in its throwaway environment first, so those are there as empty stand-ins."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _wheel(wheels, "tinypkg", "1.0", "tinydep>=1")
    _wheel(wheels, "tinydep", "1.2")
    _wheel(wheels, "wheel", "99.0")
    _wheel(wheels, "setuptools", "99.0")
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # no configured index or constraints
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    return wheels


@pytest.mark.slow
@pytest.mark.skipif(_BUNDLED_PIP_TOO_OLD, reason="this Python bundles pip < 23.1")
@pytest.mark.parametrize("osv", [("tinydep", 200)], indirect=True, ids=["tinydep"])
def test_a_range_is_resolved_by_pip_audit_with_the_dependencies_of_dependencies(
    tmp_path: Path, osv: Osv, index: Path
) -> None:
    pyproject = 'dependencies = ["tinypkg>=1"]\n'
    ctx = context(tmp_path / "project", {}, settings={"osv-url": osv.url}, pyproject=pyproject)
    outcome = pip_audit.run(ctx)
    assert sorted(osv.queried) == [("tinydep", "1.2"), ("tinypkg", "1.0")]
    # tinydep is no line of the project's: its finding is on line 1 of the declaring file.
    (finding,) = outcome.findings
    assert (finding.path, finding.line, finding.name) == ("pyproject.toml", 1, "tinydep")
    assert outcome.reason == (
        "audited the declared dependencies of pyproject.toml (resolved by pip-audit: 2 packages)"
    )


@pytest.mark.slow
@pytest.mark.skipif(_BUNDLED_PIP_TOO_OLD, reason="this Python bundles pip < 23.1")
def test_a_range_pip_cannot_resolve_is_not_run_with_pips_words(
    tmp_path: Path, osv: Osv, index: Path
) -> None:
    pyproject = 'dependencies = ["tinypkg>=1", "not-on-the-index>=2"]\n'
    ctx = context(tmp_path / "project", {}, settings={"osv-url": osv.url}, pyproject=pyproject)
    outcome = pip_audit.run(ctx)
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason == (
        "pip could not resolve the declared dependencies: "
        "No matching distribution found for not-on-the-index>=2"
    )
    assert osv.queried == []


@pytest.mark.slow
def test_an_unpinned_requirement_is_not_run_with_pip_audits_words(tmp_path: Path, osv: Osv) -> None:
    settings = {"requirements": ["requirements.txt"], "osv-url": osv.url}
    outcome = pip_audit.run(
        context(tmp_path, {"requirements.txt": "requests>=2\n"}, settings=settings)
    )
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason.startswith(
        "pip-audit failed (exit code 1): requirement requests is not pinned"
    )


@pytest.mark.slow
@pytest.mark.parametrize("osv", [("requests", 500)], indirect=True, ids=["http-500"])
def test_a_service_that_fails_is_not_run(tmp_path: Path, osv: Osv) -> None:
    ctx = context(
        tmp_path, {"requirements.txt": "requests==2.19.0\n"}, settings={"osv-url": osv.url}
    )
    outcome = pip_audit.run(ctx)
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason == (
        "the vulnerability service answered with an error: "
        f"500 Server Error: Internal Server Error for url: {osv.url}"
    )


@pytest.mark.slow
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
    ctx = context(tmp_path / "project", {}, pyproject='dependencies = ["requests==2.19.0"]\n')
    outcome = pip_audit.run(ctx)
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason.startswith("the vulnerability service could not be reached: ")
    assert re.search(r": ProxyError: \[Errno \d+\] Connection refused$", outcome.reason)


@pytest.mark.slow
def test_packages_pip_audit_skips_are_in_the_note(tmp_path: Path, osv: Osv) -> None:
    requirements = "requests==2.19.0\nmylib @ https://example.invalid/mylib-1.0.tar.gz\n"
    settings = {"requirements": ["requirements.txt"], "osv-url": osv.url}
    ctx = context(tmp_path, {"requirements.txt": requirements}, settings=settings)
    outcome = pip_audit.run(ctx)
    assert [f.name for f in outcome.findings] == ["requests"]
    assert outcome.reason == (
        "audited requirements.txt (1 pinned package); not audited: "
        "URL requirements cannot be pinned to a specific package version: mylib"
    )


@pytest.mark.slow
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


def _sdist(directory: Path, name: str, marker: Path) -> None:
    """An sdist whose setup.py leaves ``marker`` when pip builds it to read its metadata."""
    import io
    import tarfile

    setup = f"from pathlib import Path\nPath({str(marker)!r}).write_text('built')\n"
    setup += f"from setuptools import setup\nsetup(name={name!r}, version='1.0')\n"
    with tarfile.open(directory / f"{name}-1.0.tar.gz", "w:gz") as archive:
        data = setup.encode()
        info = tarfile.TarInfo(f"{name}-1.0/setup.py")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))


@pytest.mark.slow
@pytest.mark.skipif(_BUNDLED_PIP_TOO_OLD, reason="this Python bundles pip < 23.1")
@pytest.mark.parametrize("osv", [("tinydep", 200)], indirect=True, ids=["tinydep"])
def test_untrusted_resolves_from_wheels_only_and_ignores_the_repositorys_index(
    tmp_path: Path, osv: Osv, index: Path
) -> None:
    marker = tmp_path / "built"
    _sdist(index, "sdistonly", marker)
    # The repository points pip at an index of its own: a pull request could.
    requirements = "--index-url http://127.0.0.1:9/simple\ntinypkg>=1\n"
    ctx = context(
        tmp_path / "project", {"requirements.txt": requirements}, settings={"osv-url": osv.url}
    )
    untrusted = pip_audit.run(replace(ctx, untrusted=True))
    assert untrusted.reason == (
        "audited the declared dependencies of requirements.txt (from wheels only, --untrusted: "
        "2 packages)"
    )
    # Planned without the repository's index when untrusted, with it otherwise.
    found = declared.read(ctx.root)
    trusted_plan = pip_audit._declared(found)
    untrusted_plan = pip_audit._declared(found, untrusted=True)
    assert trusted_plan is not None
    assert untrusted_plan is not None
    assert "--index-url http://127.0.0.1:9/simple" in trusted_plan.inputs[0]
    assert all("index" not in line for line in untrusted_plan.inputs[0])
    with_sdist = context(
        tmp_path / "other", {"requirements.txt": "sdistonly>=1\n"}, settings={"osv-url": osv.url}
    )
    refused = pip_audit.run(replace(with_sdist, untrusted=True))
    assert refused.status is Status.NOT_RUN
    assert "sdistonly" in refused.reason
    assert not marker.exists()

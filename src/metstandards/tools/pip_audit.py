"""pip-audit: known vulnerabilities in the dependencies the checked project declares.

What is audited is the project's dependencies, never the environment metstandards runs in, and
they are read statically: nothing of the project is imported, built or run. The first of these
that applies decides:

- ``[pip-audit] requirements`` names fully pinned requirement files: those are audited as they
  are, with ``--no-deps --disable-pip``, so nothing is resolved, downloaded or built;
- lock files (:mod:`~metstandards.tools.locks`): their pins go into temporary requirement files
  audited the same way;
- the declared requirements (:mod:`~metstandards.tools.declared`): when each is pinned with
  ``==`` they are audited as pins (not their own dependencies); when one is a range, pip-audit
  resolves them all with pip against the package index, as an install would, and audits what
  pip chose, dependencies of dependencies included.

A requirements file takes one version per package, so a lock that holds two versions of numpy
(one per Python) takes one pip-audit run per version. Temporary files live in a temporary
directory that is always removed; nothing is written into the project. A project that declares
no dependency is skipped; one whose dependencies cannot be read, or none of which can be audited,
did not run.

pip-audit exits 1 both when it found vulnerabilities and when it failed; only valid JSON on stdout
tells the two apart. Findings have no source location of their own: they are anchored at the line
of pyproject.toml, setup.cfg or a requirements file that names the package, else at the lock
file's ``name = "..."`` line, else at line 1 of the first file audited.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import Version

from metstandards.findings import Finding, Severity, Span
from metstandards.results import CheckContext, Outcome
from metstandards.tools import declared, locks
from metstandards.tools.declared import SELF, Declared, Pin
from metstandards.tools.process import Completed, NotRun, outcome, relative, run_tool

CHECK = "pip-audit"
#: ``--output -`` in case PIP_AUDIT_OUTPUT in the environment sends the report to a file.
_FORMAT = ("-f", "json", "--progress-spinner", "off", "--output", "-")
#: Pins are audited as they are: nothing resolved, downloaded or built.
_PINNED = ("--no-deps", "--disable-pip")
#: What pip-audit (through requests) prints when it cannot talk to the vulnerability service.
_UNREACHABLE = re.compile(
    r"requests\.exceptions\.(ConnectionError|ProxyError|SSLError|ConnectTimeout|ReadTimeout)"
    r"|(Could not connect to .+)"
)
#: The operating system's words for it: "[Errno 111] Connection refused".
_CAUSE = re.compile(r"\[Errno -?\d+\] [^'\"()\n]+")
#: The service was reached but answered "500 Server Error: ..." (OSV mirrors, PyPI outages).
_REFUSED = re.compile(r"requests\.exceptions\.HTTPError: ([^\n]+)")
#: pip's own error lines, which pip-audit passes on when resolving failed ("ERROR: No matching
#: distribution found for ..."); pip-audit's own read "ERROR:logger:...".
_PIP_ERROR = re.compile(r"^ERROR: (.+)$", re.MULTILINE)
#: Skipped packages named in a note before the rest are only counted.
_LISTED = 5
_LOG_PREFIX = re.compile(r"^(?:ERROR|WARNING|INFO|DEBUG|CRITICAL):[\w.]+:")


@dataclass(frozen=True)
class _Audit:
    """What pip-audit is given, and what the note and the findings say about it."""

    #: The note's account of what was audited, given how many packages pip-audit audited.
    summary: Callable[[int], str]
    #: The project's own pinned files, audited as they are in one run.
    files: tuple[str, ...] = ()
    #: The lines of temporary requirement files, one run each.
    inputs: tuple[tuple[str, ...], ...] = ()
    #: Let pip-audit resolve ``inputs`` with pip (there is a range among them).
    resolve: bool = False
    #: Resolve from wheels only: pip builds no sdist, so runs no package's code.
    wheels_only: bool = False
    #: Files whose requirement lines anchor findings, then lock files whose ``name =`` lines do.
    anchors: tuple[str, ...] = ()
    locks: tuple[str, ...] = ()
    #: (package, why) set aside before pip-audit ran, and declarations that were not read.
    skipped: tuple[tuple[str, str], ...] = ()
    unread: tuple[str, ...] = ()


def run(ctx: CheckContext, *, search: Sequence[str | Path] | None = None) -> Outcome:
    """``search``: the directories pip-audit is looked for in (default: next to Python, then
    PATH)."""
    try:
        audit = _plan(ctx)
    except NotRun as reason:
        return Outcome.not_run(CHECK, str(reason))
    if audit is None:
        return Outcome.skipped(CHECK, "the project declares no dependencies")
    return outcome(CHECK, lambda: _check(ctx, audit, search))


def _plan(ctx: CheckContext) -> _Audit | None:
    """What to audit (see the module docstring); None when nothing is declared."""
    if files := tuple(str(r) for r in ctx.settings.get("requirements", [])):
        return _Audit(
            lambda n: f"{_and(files)} ({_count(n, 'pinned package')})", files, anchors=files
        )
    project = declared.project_name(ctx.root)
    if lock_files := locks.find(ctx.root):
        return _locked(ctx.root, [locks.read(ctx.root, path, project) for path in lock_files])
    return _declared(declared.read(ctx.root), untrusted=ctx.untrusted)


def _locked(root: Path, locked: list[locks.Locked]) -> _Audit | None:
    """Every lock file's pins; findings are anchored where the project declares a package."""
    pins = [pin for lock in locked for pin in lock.pins]
    skipped = tuple(dict.fromkeys(entry for lock in locked for entry in lock.skipped))
    if not pins:
        _nothing(skipped, ())
        return None
    parts = [f"{lock.path} ({_count(len(lock.pins), 'pinned package')})" for lock in locked]
    return _Audit(
        lambda _: _and(parts),
        inputs=_layers(pins),
        anchors=tuple(declared.declaration_files(root)),
        locks=tuple(lock.path for lock in locked),
        skipped=skipped,
    )


def _declared(found: Declared, *, untrusted: bool = False) -> _Audit | None:
    """Pins when every requirement is exact, else one file for pip-audit to resolve.

    Resolving builds any package that has only an sdist, which runs its code; with
    ``untrusted`` (a pull request) pip resolves from wheels only, and the index and constraint
    lines of the repository's requirement files are not passed on."""
    if not found.requirements:
        _nothing(found.skipped, found.unread)
        return None
    of = f"the declared dependencies of {_and(found.files)}"
    if (pins := found.pins()) is not None:
        layers = _layers(pins)
        summary = (
            f"{of} ({_count(sum(map(len, layers)), 'pinned package')}, not their dependencies)"
        )
        return _Audit(
            lambda _: summary,
            inputs=layers,
            anchors=found.files,
            skipped=found.skipped,
            unread=found.unread,
        )
    how = "from wheels only, --untrusted" if untrusted else "resolved by pip-audit"
    options = () if untrusted else found.options
    return _Audit(
        lambda n: f"{of} ({how}: {_count(n, 'package')})",
        inputs=((*options, *(str(r) for r in found.requirements)),),
        resolve=True,
        wheels_only=untrusted,
        anchors=found.files,
        skipped=found.skipped,
        unread=found.unread,
    )


def _nothing(skipped: tuple[tuple[str, str], ...], unread: tuple[str, ...]) -> None:
    """No package to audit: fine (a skip) when nothing but the project itself is declared;
    :class:`NotRun` when what is declared cannot be read or audited."""
    if unread:
        raise NotRun(
            "the dependencies are declared where metstandards does not read them: "
            f"{', '.join(unread)}; declare them in pyproject.toml or a requirements file, or "
            "name pinned files in [pip-audit] requirements"
        )
    if any(why != SELF for _, why in skipped):
        raise NotRun(f"no declared dependency can be audited: {_listing(list(skipped))}")


def _layers(pins: Iterable[Pin]) -> tuple[tuple[str, ...], ...]:
    """``name==version`` lines in as few files as hold each package once."""
    layers: list[list[str]] = []
    versions: dict[str, set[Version]] = {}
    for pin in pins:
        seen = versions.setdefault(canonicalize_name(pin.name), set())
        if (version := Version(pin.version)) not in seen:
            if len(seen) == len(layers):
                layers.append([])
            layers[len(seen)].append(f"{pin.name}=={pin.version}")
            seen.add(version)
    return tuple(tuple(layer) for layer in layers)


def _check(
    ctx: CheckContext, audit: _Audit, search: Sequence[str | Path] | None
) -> tuple[list[Finding], str]:
    try:
        return _findings(ctx.root, audit, _audited(ctx, audit, search))
    except (KeyError, TypeError) as error:
        raise NotRun(f"pip-audit's JSON report has an unexpected shape: {error!r}") from None


def _audited(
    ctx: CheckContext, audit: _Audit, search: Sequence[str | Path] | None
) -> list[dict[str, Any]]:
    """The ``dependencies`` of every run's report, the runs sharing the check's time limit."""
    osv_url = ctx.settings.get("osv-url", "")
    service = ["-s", "osv", "--osv-url", osv_url] if osv_url else []
    deadline = time.monotonic() + ctx.timeout
    dependencies: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="metstandards-pip-audit-") as temporary:
        for args in _runs(audit, Path(temporary)):
            left = min(ctx.timeout, math.ceil(deadline - time.monotonic()))
            if left <= 0:
                raise NotRun(f"{CHECK} stopped after {ctx.timeout:g} s")
            completed = run_tool(
                CHECK,
                [*_FORMAT, *args, *service],
                cwd=ctx.root,
                timeout=left,
                env={"PIP_ONLY_BINARY": ":all:"} if audit.wheels_only else None,
                search=search,
            )
            dependencies += _report(completed)["dependencies"]
    return dependencies


def _runs(audit: _Audit, temporary: Path) -> list[list[str]]:
    """pip-audit's arguments for each run, writing the temporary requirement files."""
    if audit.files:
        return [[*(arg for file in audit.files for arg in ("-r", file)), *_PINNED]]
    runs = []
    for number, lines in enumerate(audit.inputs, start=1):
        path = temporary / f"requirements-{number}.txt"
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        runs.append(["-r", str(path), *(() if audit.resolve else _PINNED)])
    return runs


def _report(completed: Completed) -> Any:
    if completed.returncode in (0, 1):
        with contextlib.suppress(ValueError):
            return json.loads(completed.stdout)
    raise _failure(completed)


def _failure(completed: Completed) -> NotRun:
    """Why pip-audit gave no report, in the words of whoever failed: pip, the vulnerability
    service, or pip-audit."""
    if pip := _PIP_ERROR.findall(completed.stderr):
        return NotRun(f"pip could not resolve the declared dependencies: {pip[-1].strip()}")
    if unreachable := _UNREACHABLE.search(completed.stderr):
        cause = _CAUSE.search(completed.stderr)
        words = [w.strip() for w in (*unreachable.groups(), cause and cause[0]) if w]
        return NotRun(f"the vulnerability service could not be reached: {': '.join(words)}")
    if refused := _REFUSED.search(completed.stderr):
        return NotRun(f"the vulnerability service answered with an error: {refused[1].strip()}")
    errors = [ln for ln in completed.stderr.splitlines() if ln.startswith(("ERROR:", "CRITICAL:"))]
    return completed.crashed(_LOG_PREFIX.sub("", errors[-1]) if errors else "")


def _findings(
    root: Path, audit: _Audit, dependencies: list[dict[str, Any]]
) -> tuple[list[Finding], str]:
    findings: list[Finding] = []
    skipped: list[tuple[str, str]] = []
    for dependency in dependencies:
        if "skip_reason" in dependency:
            skipped.append((dependency["name"], dependency["skip_reason"]))
            continue
        if not dependency["vulns"]:
            continue
        path, span = _anchor(root, audit, dependency["name"])
        for vuln in dependency["vulns"]:
            findings.append(
                Finding.at(
                    path,
                    span,
                    f"pip-audit:{vuln['id']}",
                    dependency["name"],
                    Severity.ERROR,
                    _message(dependency, vuln),
                )
            )
    if skipped and len(skipped) == len(dependencies):
        raise NotRun(_nothing_audited(skipped))
    return findings, _note(audit, len(dependencies) - len(skipped), skipped)


#: How pip-audit words a package that PyPI's JSON API answered 404 for.
_NOT_ON_PYPI = "Dependency not found on PyPI"


def _nothing_audited(skipped: list[tuple[str, str]]) -> str:
    """Why pip-audit audited none of the dependencies. When PyPI's JSON API answered "not
    found" for every one, the service is what failed, not the packages: a proxy or firewall
    that blocks the API answers 404 for everything, and pip-audit calls each of them "not found
    on PyPI"."""
    if not all(reason.startswith(_NOT_ON_PYPI) for _, reason in skipped):
        return f"pip-audit could not audit any dependency: {_listing(skipped)}"
    names = [name for name, _ in skipped]
    more = f" and {len(names) - _LISTED} more" if len(names) > _LISTED else ""
    return (
        "the vulnerability service (PyPI's JSON API) answered 'not found' for every dependency "
        f"({_count(len(names), 'package')}: {', '.join(names[:_LISTED])}{more}): it is "
        "unreachable or blocked here"
    )


def _note(audit: _Audit, audited: int, skipped: list[tuple[str, str]]) -> str:
    """What was audited, what was set aside and why, and what was not read."""
    parts = [f"audited {audit.summary(audited)}"]
    if not_audited := [*audit.skipped, *skipped]:
        parts.append(f"not audited: {_listing(not_audited)}")
    if audit.unread:
        parts.append(f"not read: {', '.join(audit.unread)}")
    return "; ".join(parts)


def _listing(skipped: list[tuple[str, str]]) -> str:
    """Skipped packages grouped by why (pip-audit repeats the name in each reason)."""
    by_reason: dict[str, list[str]] = {}
    for name, reason in skipped:
        by_reason.setdefault(reason.split(":", 1)[0].strip(), []).append(name)
    parts = []
    for reason, names in by_reason.items():
        shown = ", ".join(names[:_LISTED])
        more = f" and {len(names) - _LISTED} more" if len(names) > _LISTED else ""
        parts.append(f"{reason}: {shown}{more}")
    return "; ".join(parts)


def _and(items: Sequence[str]) -> str:
    return " and ".join(filter(None, (", ".join(items[:-1]), items[-1])))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _message(dependency: dict[str, Any], vuln: dict[str, Any]) -> str:
    aliases = sorted(vuln.get("aliases", []))
    ids = vuln["id"] + (f" ({', '.join(aliases)})" if aliases else "")
    fixes = vuln["fix_versions"]
    fixed = f"fixed in {', '.join(fixes)}" if fixes else "no fixed version yet"
    return f"{dependency['name']} {dependency['version']} has a known vulnerability {ids}; {fixed}"


def _anchor(root: Path, audit: _Audit, package: str) -> tuple[str, Span]:
    """The first line that names ``package``, compared as PyPI compares names: in the declaring
    files a requirement line, a quoted ``"name>=1"`` or a ``name = "^1"`` key; in lock files the
    ``name = "..."`` line of its entry. Else line 1 of the first file."""
    name = r"[-_.]+".join(re.escape(part) for part in re.split(r"[-_.]+", package))
    requirement = re.compile(rf"(?:^\s*|[\"'])({name})(?![\w.-])", re.IGNORECASE)
    entry = re.compile(rf"^\s*name\s*=\s*[\"']({name})[\"']", re.IGNORECASE)
    candidates = [(path, requirement) for path in audit.anchors]
    candidates += [(path, entry) for path in audit.locks]
    for path, pattern in candidates:
        try:
            text = (root / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if match := pattern.search(line):
                start, end = match.span(1)
                return relative(root, path), Span(number, start + 1, number, end + 1)
    return relative(root, candidates[0][0]), Span(1, 1, 1, 1)

"""pip-audit: known vulnerabilities in the project's dependencies.

Without ``requirements`` it audits the environment metstandards runs in (where CI installed the
project): ``PIPAPI_PYTHON_LOCATION`` points pip-audit's ``pip list`` at this interpreter even when
the pip-audit program lives elsewhere. With ``requirements`` it audits those fully pinned files
with ``--no-deps --disable-pip``, so nothing is resolved, downloaded or built.

pip-audit exits 1 both when it found vulnerabilities and when it failed; only valid JSON on stdout
tells the two apart. Findings have no source location of their own: they are anchored at the
file that declares dependencies, on the line that names the package when there is one.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from metstandards.check.outcome import CheckContext, Outcome
from metstandards.findings import Finding, Severity, Span
from metstandards.tools.process import Completed, NotRun, outcome, relative, run_tool

CHECK = "pip-audit"
#: Where an environment audit's findings are anchored: the first of these that exists.
_DECLARATIONS = ("pyproject.toml", "requirements.txt", "setup.cfg", "setup.py")
#: What pip-audit (through requests) prints when it cannot talk to the vulnerability service.
_UNREACHABLE = re.compile(
    r"requests\.exceptions\.(ConnectionError|ProxyError|SSLError|ConnectTimeout|ReadTimeout)"
    r"|(Could not connect to .+)"
)
#: The operating system's words for it: "[Errno 111] Connection refused".
_CAUSE = re.compile(r"\[Errno -?\d+\] [^'\"()\n]+")
#: The service was reached but answered "500 Server Error: ..." (OSV mirrors, PyPI outages).
_REFUSED = re.compile(r"requests\.exceptions\.HTTPError: ([^\n]+)")
#: Skipped packages named in a note before the rest are only counted.
_LISTED = 5
_LOG_PREFIX = re.compile(r"^(?:ERROR|WARNING|INFO|DEBUG|CRITICAL):[\w.]+:")


def run(ctx: CheckContext, *, search: Sequence[str | Path] | None = None) -> Outcome:
    """``search``: the directories pip-audit is looked for in (default: next to Python, then
    PATH)."""
    return outcome(CHECK, lambda: _check(ctx, search))


def _check(ctx: CheckContext, search: Sequence[str | Path] | None) -> tuple[list[Finding], str]:
    requirements = [str(r) for r in ctx.settings.get("requirements", [])]
    # ``--output -`` in case PIP_AUDIT_OUTPUT in the environment sends the report to a file.
    args = ["-f", "json", "--progress-spinner", "off", "--output", "-"]
    env = {}
    if requirements:
        for requirement in requirements:
            args += ["-r", requirement]
        args += ["--no-deps", "--disable-pip"]
    else:
        env["PIPAPI_PYTHON_LOCATION"] = sys.executable
    if osv_url := ctx.settings.get("osv-url", ""):
        args += ["-s", "osv", "--osv-url", osv_url]
    completed = run_tool(CHECK, args, cwd=ctx.root, timeout=ctx.timeout, env=env, search=search)
    report = _report(completed)
    anchors = requirements or _declarations(ctx.root)
    try:
        return _findings(ctx.root, anchors, report["dependencies"])
    except (KeyError, TypeError) as error:
        raise NotRun(f"pip-audit's JSON report has an unexpected shape: {error!r}") from None


def _report(completed: Completed) -> Any:
    if completed.returncode in (0, 1):
        with contextlib.suppress(ValueError):
            return json.loads(completed.stdout)
    if unreachable := _UNREACHABLE.search(completed.stderr):
        cause = _CAUSE.search(completed.stderr)
        words = [w.strip() for w in (*unreachable.groups(), cause and cause[0]) if w]
        raise NotRun(f"the vulnerability service could not be reached: {': '.join(words)}")
    if refused := _REFUSED.search(completed.stderr):
        raise NotRun(f"the vulnerability service answered with an error: {refused[1].strip()}")
    errors = [ln for ln in completed.stderr.splitlines() if ln.startswith(("ERROR:", "CRITICAL:"))]
    detail = _LOG_PREFIX.sub("", errors[-1]) if errors else ""
    raise completed.crashed(detail)


def _declarations(root: Path) -> list[str]:
    existing = [name for name in _DECLARATIONS if (root / name).is_file()]
    return existing or [_DECLARATIONS[0]]


def _findings(
    root: Path, anchors: list[str], dependencies: list[dict[str, Any]]
) -> tuple[list[Finding], str]:
    findings: list[Finding] = []
    skipped: list[tuple[str, str]] = []
    for dependency in dependencies:
        if "skip_reason" in dependency:
            skipped.append((dependency["name"], dependency["skip_reason"]))
            continue
        if not dependency["vulns"]:
            continue
        path, span = _anchor(root, anchors, dependency["name"])
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
        # A PyPI that answers 404 to everything (a blocking proxy) skips every package.
        raise NotRun(f"pip-audit could not audit any dependency: {_listing(skipped)}")
    return findings, f"not audited: {_listing(skipped)}" if skipped else ""


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


def _message(dependency: dict[str, Any], vuln: dict[str, Any]) -> str:
    aliases = sorted(vuln.get("aliases", []))
    ids = vuln["id"] + (f" ({', '.join(aliases)})" if aliases else "")
    fixes = vuln["fix_versions"]
    fixed = f"fixed in {', '.join(fixes)}" if fixes else "no fixed version yet"
    return f"{dependency['name']} {dependency['version']} has a known vulnerability {ids}; {fixed}"


def _anchor(root: Path, anchors: list[str], package: str) -> tuple[str, Span]:
    """The first line in the declaring files that names ``package`` (a requirement line, a
    quoted ``"name>=1"`` or a ``name = "^1"`` key), compared as PyPI compares names; else
    line 1 of the first file."""
    name = r"[-_.]+".join(re.escape(part) for part in re.split(r"[-_.]+", package))
    pattern = re.compile(rf"(?:^\s*|[\"'])({name})(?![\w.-])", re.IGNORECASE)
    for path in anchors:
        try:
            text = (root / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if match := pattern.search(line):
                start, end = match.span(1)
                return relative(root, path), Span(number, start + 1, number, end + 1)
    return relative(root, anchors[0]), Span(1, 1, 1, 1)

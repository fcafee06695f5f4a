"""mypy with the organisation's strictness, on the package code lint discovered.

mypy's text output is parsed rather than ``--output json``: JSON needs mypy 1.11 and has no end
positions before 2.x, while ``path:line:col:end_line:end_col: error: message  [code]`` (from
``--show-column-numbers --show-error-end --show-error-codes``) is the same on every supported
mypy. Every line must parse; one that does not makes the check "not run", never a pass.

Notes (hints, "See https://...") are appended to the error they follow when they sit on the same
file and line, which is how mypy places a hint; other notes (``reveal_type``, "defined here"
in another file) are dropped, being context for a human reading mypy's own output.

Exit 0 and 1 mean mypy checked; 2 means a blocking error stopped it (a syntax error, two files
with the same module name, a bad flag) and the rest of the code went unchecked: not run.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from metstandards.check.outcome import CheckContext, Outcome
from metstandards.findings import Finding, Severity, Span
from metstandards.tools.process import NotRun, outcome, relative, run_tool

CHECK = "mypy"

_OUTPUT_FLAGS = [
    "--show-error-codes",
    "--show-column-numbers",
    "--show-error-end",
    "--hide-error-context",
    "--no-error-summary",
    "--no-color-output",
    "--no-pretty",
]
# ``path[:line[:col[:end_line:end_col]]]: kind: message  [code]``, as mypy's errors.py writes
# it; the path is matched lazily, so a Windows drive colon stays part of it.
_LOCATION = r"(?::(?P<line>\d+)(?::(?P<column>\d+)(?::(?P<end_line>\d+):(?P<end_column>\d+))?)?)?"
_LINE = re.compile(
    r"(?P<path>.+?)"
    + _LOCATION
    + r": (?P<kind>error|warning|note): (?P<message>.*?)(?:  \[(?P<code>[\w-]+)\])?"
)


def run(ctx: CheckContext, *, search: Sequence[str | Path] | None = None) -> Outcome:
    """``search``: the directories mypy is looked for in (default: next to Python, then PATH)."""
    return outcome(CHECK, lambda: _check(ctx, search))


def _check(ctx: CheckContext, search: Sequence[str | Path] | None) -> tuple[list[Finding], str]:
    if not ctx.package_files:
        return [], "no package files"
    args = [
        *(["--strict"] if ctx.settings.get("strict", False) else []),
        *ctx.settings.get("flags", []),
        *_OUTPUT_FLAGS,
        # Imports resolve against the environment metstandards runs in, wherever mypy lives.
        "--python-executable",
        sys.executable,
    ]
    completed = run_tool(
        CHECK, [*args, "--", *ctx.package_files], cwd=ctx.root, timeout=ctx.timeout, search=search
    )
    if completed.returncode not in (0, 1):
        first_error = next((ln for ln in completed.stdout.splitlines() if ": error: " in ln), "")
        raise completed.crashed(first_error)
    severity = Severity(ctx.settings.get("severity", "error"))
    findings, warnings = parse(ctx.root, completed.stdout, severity)
    if completed.returncode == 1 and not findings:
        raise completed.crashed()
    return findings, "; ".join(warnings)


def parse(root: Path, text: str, severity: Severity) -> tuple[list[Finding], list[str]]:
    """Findings from mypy's text output (flags in ``_OUTPUT_FLAGS``), and mypy's own warnings
    ("Warning: --strict-concatenate is deprecated"); :class:`NotRun` on any other line."""
    errors: list[tuple[Finding, list[str]]] = []
    warnings: list[str] = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        if raw.startswith("Warning: "):
            warnings.append(raw)
            continue
        match = _LINE.fullmatch(raw)
        if match is None:
            raise NotRun(f"mypy printed a line that could not be read: {raw[:200]}")
        path = relative(root, match["path"])
        line, column = int(match["line"] or 1), int(match["column"] or 1)
        if match["kind"] == "note":
            if errors and (errors[-1][0].path, errors[-1][0].line) == (path, line):
                errors[-1][1].append(match["message"])
            continue
        # mypy's end column is 0-based exclusive, i.e. 1-based inclusive: +1 makes it exclusive.
        end = (int(match["end_line"] or line), int(match["end_column"] or column - 1) + 1)
        end_line, end_column = max(end, (line, column))
        code = match["code"] or "misc"
        span = Span(line, column, end_line, end_column)
        error = Finding.at(path, span, f"mypy:{code}", code, severity, match["message"])
        errors.append((error, []))
    findings = [
        replace(error, message=f"{error.message} ({'; '.join(notes)})") if notes else error
        for error, notes in errors
    ]
    return findings, warnings

"""bandit on the package code lint discovered, at the profile's severity and confidence.

bandit reads no ``pyproject.toml`` by itself, so ``-c pyproject.toml`` is passed when the
repository has a ``[tool.bandit]`` table (its skips, tests and excludes then apply). Files bandit
could not parse are listed in the note; when it could parse none, the check did not run.
Exit 0 and 1 mean it checked; anything else, or output that is not its JSON, means it did not.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from metstandards._toml import parsed, tomllib
from metstandards.findings import Finding, Severity, Span
from metstandards.results import CheckContext, Outcome
from metstandards.tools.process import (
    NothingToCheck,
    NotRun,
    Partial,
    outcome,
    relative,
    run_tool,
)

CHECK = "bandit"
#: Why bandit may not parse what lint parsed: it uses the grammar of the Python it runs on.
_PARSER = (
    f" (bandit parses with the Python it runs on, {sys.version_info[0]}.{sys.version_info[1]} "
    "here: code written for a newer Python needs bandit installed there)"
)


def run(ctx: CheckContext, *, search: Sequence[str | Path] | None = None) -> Outcome:
    """``search``: the directories bandit is looked for in (default: next to Python, then PATH)."""
    return outcome(CHECK, lambda: _check(ctx, search))


def _check(ctx: CheckContext, search: Sequence[str | Path] | None) -> tuple[list[Finding], str]:
    if not ctx.package_files:
        raise NothingToCheck("no package files")
    args = ["-f", "json", "-q"]
    args += ["--severity-level", ctx.settings.get("severity-level", "low")]
    args += ["--confidence-level", ctx.settings.get("confidence-level", "low")]
    if skip := list(ctx.settings.get("skip", [])):
        args += ["-s", ",".join(skip)]
    if _has_bandit_table(ctx.root / "pyproject.toml"):
        args += ["-c", "pyproject.toml"]
    completed = run_tool(
        CHECK, [*args, "--", *ctx.package_files], cwd=ctx.root, timeout=ctx.timeout, search=search
    )
    if completed.returncode not in (0, 1):
        raise completed.crashed()
    report = completed.json()
    try:
        findings = [_finding(ctx.root, item) for item in report["results"]]
        unread = {relative(ctx.root, e["filename"]): e["reason"] for e in report["errors"]}
    except (KeyError, TypeError) as error:
        raise NotRun(f"bandit's JSON report has an unexpected shape: {error!r}") from None
    if unread and len(unread) >= len(ctx.package_files):
        raise NotRun("bandit could not read any file: " + _listing(unread) + _PARSER)
    if unread:
        # What bandit could not read went unchecked: the check is not a pass for those files.
        count = f"{len(unread)} of {len(ctx.package_files)} files"
        raise Partial(findings, f"bandit could not read {count}: {_listing(unread)}{_PARSER}")
    return findings, ""


def _has_bandit_table(pyproject: Path) -> bool:
    try:
        data = parsed(pyproject.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise NotRun(f"pyproject.toml could not be read for [tool.bandit]: {error}") from None
    return isinstance(data.get("tool", {}).get("bandit"), dict)


def _listing(unread: dict[str, str]) -> str:
    return "; ".join(f"{path} ({reason})" for path, reason in sorted(unread.items()))


def _finding(root: Path, item: dict[str, Any]) -> Finding:
    # bandit's line is the one it blames (where a nosec comment goes); its columns are 0-based and
    # belong to the flagged node, which may start on an earlier line than the blamed one.
    line, first, last = item["line_number"], min(item["line_range"]), max(item["line_range"])
    column = item["col_offset"] + 1 if line == first else 1
    end_offset = item.get("end_col_offset")
    end = (last, end_offset + 1) if end_offset is not None else (line, column)
    severity = Severity.ERROR if item["issue_severity"] == "HIGH" else Severity.WARNING
    return Finding.at(
        relative(root, item["filename"]),
        Span(line, column, *max(end, (line, column))),
        f"bandit:{item['test_id']}",
        item["test_name"],
        severity,
        f"{item['issue_text']} (severity {item['issue_severity'].lower()}, "
        f"confidence {item['issue_confidence'].lower()})",
    )

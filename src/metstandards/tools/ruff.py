"""ruff with the organisation's rule selection, on the files lint discovered.

Only ``--select``/``--ignore`` come from the profile; ruff reads the repository's own
``[tool.ruff]`` for everything else (per-file-ignores, line length, excludes: ``--force-exclude``
applies them to the explicit paths too). That configuration is the project's own: ruff would
otherwise take a ``[tool.ruff]`` from a directory above the project root (a monorepo's, or the
repository a vendored example sits in). Exit 0 and 1 mean it checked; 2 means it did not.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from metstandards.check.outcome import CheckContext, Outcome
from metstandards.findings import Finding, Severity
from metstandards.tools.process import NotRun, outcome, relative, run_tool

CHECK = "ruff"


def run(ctx: CheckContext, *, search: Sequence[str | Path] | None = None) -> Outcome:
    """``search``: the directories ruff is looked for in (default: next to Python, then PATH)."""
    return outcome(CHECK, lambda: _check(ctx, search))


def _check(ctx: CheckContext, search: Sequence[str | Path] | None) -> tuple[list[Finding], str]:
    if not ctx.python_files:
        return [], "no Python files"
    args = ["check", "--output-format", "json", "--no-fix", "--force-exclude", *_config(ctx.root)]
    for option in ("select", "ignore"):
        if codes := list(ctx.settings.get(option, [])):
            args += [f"--{option}", ",".join(codes)]
    completed = run_tool(
        CHECK, [*args, "--", *ctx.python_files], cwd=ctx.root, timeout=ctx.timeout, search=search
    )
    if completed.returncode not in (0, 1):
        raise completed.crashed()
    report = completed.json()
    severity = Severity(ctx.settings.get("severity", "error"))
    try:
        return [_finding(ctx.root, item, severity) for item in report], ""
    except (KeyError, TypeError) as error:
        raise NotRun(f"ruff's JSON report has an unexpected shape: {error!r}") from None


def _config(root: Path) -> list[str]:
    """The project's own ruff configuration file, or none at all (never a parent's)."""
    for name in ("ruff.toml", ".ruff.toml", "pyproject.toml"):
        if (root / name).is_file():
            return ["--config", name]
    return ["--isolated"]


def _finding(root: Path, item: dict[str, Any], severity: Severity) -> Finding:
    # Syntax errors have no rule: older ruff gives code null, newer "invalid-syntax".
    code = item["code"] or "invalid-syntax"
    start, end = item["location"], item.get("end_location") or item["location"]
    return Finding(
        path=relative(root, item["filename"]),
        line=start["row"],
        column=start["column"],
        end_line=end["row"],
        end_column=end["column"],
        code=f"ruff:{code}",
        name=item.get("name") or code,
        severity=severity,
        message=item["message"],
    )

"""ruff with the repository's own configuration, plus the organisation's selection.

The repository's configuration is the base: ruff finds it the way it always does (the nearest
``ruff.toml``, ``.ruff.toml`` or ``pyproject.toml`` with ``[tool.ruff]``, nested ones included),
so its selection, per-file-ignores, line length and excludes apply (``--force-exclude`` applies
them to explicit paths too). The profile adds its codes with ``--extend-select``; a profile that
wants to replace the selection says ``select``. A project without a ruff configuration of its own
runs ``--isolated``: ruff would otherwise take a ``[tool.ruff]`` from a directory above the
project root (a monorepo's, or the repository a vendored example sits in).

The commit hook ``metstandards-ruff`` runs this same adapter, so the hook and CI see the same
findings. Exit 0 and 1 mean ruff checked; 2 means it did not.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from metstandards._toml import parsed, tomllib
from metstandards.findings import Finding, Severity
from metstandards.results import CheckContext, Outcome
from metstandards.tools.process import NothingToCheck, NotRun, outcome, relative, run_tool

CHECK = "ruff"
#: The files ruff reads its configuration from, in the order it prefers them in one directory.
CONFIG_FILES = ("ruff.toml", ".ruff.toml", "pyproject.toml")
#: Profile settings and the ruff options they become.
_OPTIONS = (("select", "--select"), ("extend-select", "--extend-select"), ("ignore", "--ignore"))


def run(ctx: CheckContext, *, search: Sequence[str | Path] | None = None) -> Outcome:
    """``search``: the directories ruff is looked for in (default: next to Python, then PATH)."""
    return outcome(CHECK, lambda: _check(ctx, search))


def _check(ctx: CheckContext, search: Sequence[str | Path] | None) -> tuple[list[Finding], str]:
    files = sorted((*ctx.python_files, *ctx.extra_sources))
    if not files:
        raise NothingToCheck("no Python files")
    args = ["check", "--output-format", "json", "--no-fix", "--force-exclude"]
    if own_config(ctx.root) is None:
        args.append("--isolated")
    for setting, option in _OPTIONS:
        if codes := list(ctx.settings.get(setting, [])):
            args += [option, ",".join(codes)]
    completed = run_tool(
        CHECK, [*args, "--", *files], cwd=ctx.root, timeout=ctx.timeout, search=search
    )
    if completed.returncode not in (0, 1):
        raise completed.crashed()
    report = completed.json()
    severity = Severity(ctx.settings.get("severity", "error"))
    try:
        return [_finding(ctx.root, item, severity) for item in report], ""
    except (KeyError, TypeError) as error:
        raise NotRun(f"ruff's JSON report has an unexpected shape: {error!r}") from None


def own_config(root: Path) -> Path | None:
    """The project's own ruff configuration file at its root, or None.

    A ``pyproject.toml`` counts only with a ``[tool.ruff]`` table, as for ruff itself; one that
    cannot be read counts too, so that ruff reads it and reports what is wrong with it.
    """
    for name in CONFIG_FILES:
        path = root / name
        if not path.is_file():
            continue
        if name != "pyproject.toml":
            return path
        try:
            data = parsed(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return path
        if isinstance(data.get("tool", {}).get("ruff"), dict):
            return path
    return None


def _finding(root: Path, item: dict[str, Any], severity: Severity) -> Finding:
    # Syntax errors have no rule: older ruff gives code null, newer "invalid-syntax".
    code = item["code"] or "invalid-syntax"
    start, end = item["location"], item.get("end_location") or item["location"]
    # In a notebook, ruff counts lines within the cell it names.
    cell = f"cell {item['cell']}: " if item.get("cell") is not None else ""
    return Finding(
        path=relative(root, item["filename"]),
        line=start["row"],
        column=start["column"],
        end_line=end["row"],
        end_column=end["column"],
        code=f"ruff:{code}",
        name=item.get("name") or code,
        severity=severity,
        message=cell + item["message"],
    )

"""The linter's commands: ``lint`` checks files against the rules, ``rules`` lists them (and
the gates of ``check`` and the repository checks) and ``explain`` prints one's documentation.

``lint`` runs in a pre-commit hook on every commit, so the engine (and libcst with it) is
imported inside the command, only when it runs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from metstandards.cli._common import (
    EXIT_CODES,
    baseline_options,
    emit,
    fail,
    load,
    load_baseline,
    main,
    report_options,
)

if TYPE_CHECKING:
    from metstandards.catalogue import Entry
    from metstandards.config import Config
    from metstandards.engine.runner import LintResult


@main.command(epilog=EXIT_CODES)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@report_options("Output format. `github` prints workflow-command annotations.")
@click.option("--select", help="Comma-separated codes or prefixes to run, instead of the config's.")
@click.option(
    "--ignore", help="Comma-separated codes or prefixes to skip, instead of the config's."
)
@baseline_options
@click.option(
    "--no-cache", is_flag=True, help="Check every file again; neither read nor write the cache."
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes [default: all cores]."
)
@click.option(
    "--color/--no-color", default=None, help="Colour text output [default: when a terminal]."
)
def lint(
    paths: tuple[Path, ...],
    output_format: str,
    output_file: Path | None,
    select: str | None,
    ignore: str | None,
    baseline_file: Path | None,
    no_baseline: bool,
    no_cache: bool,
    jobs: int | None,
    color: bool | None,
) -> None:
    """Check Python files and Jupyter notebooks against the metstandards rules.

    PATHS are files or directories (default: the whole project). The project root is the nearest
    directory above them with a pyproject.toml, setup.py or setup.cfg, else the git work tree;
    project-level rules (MS102, MS201) always read the whole project but report only in PATHS,
    which is what a pre-commit hook wants. Findings the baseline records (`metstandards
    baseline`) are not reported, as in `check`.
    """
    from metstandards.engine.runner import run_lint

    for path in paths:
        if not os.path.lexists(path):
            fail(f"no such file or directory: {path}")
        if not path.is_dir() and path.suffix not in (".py", ".pyi", ".ipynb"):
            fail(f"{path}: not a Python file or notebook (.py, .pyi, .ipynb); lint reads no other")
    absolute = [Path(os.path.abspath(p)) for p in paths]
    start = Path(os.path.commonpath(absolute)) if absolute else Path.cwd()
    config, registry = load(start, select, ignore)
    outside = [str(p) for p in absolute if not p.is_relative_to(config.root)]
    if outside:
        fail(f"paths outside the project root {config.root}: {', '.join(outside)}")

    result = run_lint(config, registry, absolute, use_cache=not no_cache, workers=jobs)
    result = _without_recorded(result, config, baseline_file, no_baseline)
    emit(result, output_format, output_file, color, config.root)
    raise SystemExit(1 if result.findings else 0)


def _without_recorded(
    result: LintResult, config: Config, explicit: Path | None, disabled: bool
) -> LintResult:
    """``result`` less the findings the baseline records, as ``check`` and its hooks hide them:
    a commit that adds no finding passes."""
    from dataclasses import replace

    from metstandards.check.baseline import apply
    from metstandards.check.settings import check_settings_for
    from metstandards.config import ConfigError

    try:
        default = str(check_settings_for(config.root)[1].table("check")["baseline"])
    except ConfigError as error:
        fail(str(error))
    loaded = load_baseline(config.root, default, explicit, disabled)
    if loaded is None:
        return result
    baseline, name = loaded
    codes = {rule.code for rule in result.rules}
    paths = set(result.report_paths)

    def covered(code: str, path: str) -> bool:
        return code in codes and path in paths

    findings, use = apply(baseline, config.root, result.findings, name, covered)
    return replace(result, findings=findings, baseline=use)


def _catalogue() -> list[Entry]:
    from metstandards.catalogue import entries
    from metstandards.registry import RegistryError, load_registry
    from metstandards.repository.registry import load_checks

    try:
        registry = load_registry()
        registry.load_all()
        return entries(registry, load_checks())
    except RegistryError as error:
        fail(str(error))


@main.command(name="rules")
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    help="markdown: the whole catalogue with every entry's documentation (docs/rules.md).",
)
def list_rules(output_format: str) -> None:
    """List every installed rule, the gates of `check` and the repository checks (MS6xx): code,
    name, severity, scope, what it flags."""
    import json

    from metstandards.catalogue import markdown

    found = _catalogue()
    if output_format == "markdown":
        click.echo(markdown(found), nl=False)
        return
    if output_format == "json":
        fields = ("code", "name", "severity", "scope", "summary", "origin")
        rows = [{field: getattr(entry, field) for field in fields} for entry in found]
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(entry.name) for entry in found)
    scope_width = max(len(entry.scope) for entry in found)
    for entry in found:
        click.echo(
            f"{entry.code:<7} {entry.name:<{width}}  {entry.severity:<7} "
            f"{entry.scope:<{scope_width}}  {entry.summary}"
        )


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Show the documentation of the rule, gate or repository check CODE (for example MS202)."""
    import difflib

    found = {entry.code: entry for entry in _catalogue()}
    entry = found.get(code.upper())
    if entry is None:
        close = difflib.get_close_matches(code.upper(), sorted(found), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        fail(f"unknown rule code {code!r}{hint}; `metstandards rules` lists them")
    click.echo(f"# {entry.title}\n\n{entry.doc}")

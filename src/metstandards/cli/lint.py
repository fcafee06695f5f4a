"""The linter's commands: ``lint`` checks files against the rules, ``rules`` lists them (and
the gates of ``check`` and the repository checks) and ``explain`` prints one's documentation.

``lint`` runs in a pre-commit hook on every commit, so the engine (and libcst with it) is
imported inside the command, only when it runs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from metstandards.cli._common import (
    EXIT_CODES,
    LINT_EXIT_ZERO,
    baseline_options,
    check_habits,
    config_option,
    emit,
    fail,
    habit_options,
    load,
    load_baseline,
    main,
    quiet_level,
    report_options,
)

if TYPE_CHECKING:
    from metstandards.catalogue import Entry
    from metstandards.config import Config
    from metstandards.engine.runner import LintResult


@main.command(epilog=EXIT_CODES + "\n\n" + LINT_EXIT_ZERO)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, allow_dash=True))
@report_options("Output format. `github` prints workflow-command annotations.")
@click.option("--select", help="Comma-separated codes or prefixes to run, instead of the config's.")
@click.option(
    "--extend-select",
    metavar="CODES",
    help="Comma-separated codes or prefixes to run besides the selection (the config's, or "
    "--select's); they run even where the config's ignore names them.",
)
@click.option(
    "--ignore", help="Comma-separated codes or prefixes to skip, instead of the config's."
)
@config_option
@click.option(
    "--stdin-filename",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Read the code from standard input (PATHS `-` or none) and check it as the file PATH "
    "of its project: settings found from PATH, its role and per-file ignores by its path, the "
    "project rules seeing the rest of the project on disk. Findings are reported at PATH.",
)
@baseline_options
@click.option(
    "--no-cache", is_flag=True, help="Check every file again; neither read nor write the cache."
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes [default: all cores]."
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour text output [default: on a terminal; FORCE_COLOR=1 forces it, NO_COLOR=1 "
    "turns it off].",
)
@habit_options
def lint(
    paths: tuple[Path, ...],
    output_format: str,
    output_file: Path | None,
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    config_file: Path | None,
    stdin_filename: Path | None,
    baseline_file: Path | None,
    no_baseline: bool,
    no_cache: bool,
    jobs: int | None,
    color: bool | None,
    exit_zero: bool,
    statistics: bool,
    quiet: int,
    silent: bool,
) -> None:
    """Check Python files and Jupyter notebooks against the metstandards rules.

    PATHS are files or directories (default: the whole project). The project root is the nearest
    directory above them with a pyproject.toml, setup.py or setup.cfg, else the git work tree;
    project-level rules (MS102, MS201) always read the whole project but report only in PATHS,
    which is what a pre-commit hook wants. Findings the baseline records (`metstandards
    baseline`) are not reported, as in `check`.

    An editor or formatter pipes a buffer: `metstandards lint --stdin-filename pkg/f.py -`.
    """
    from metstandards.engine.runner import run_lint

    check_habits(output_format, statistics)
    buffer = _stdin_buffer(paths, stdin_filename)
    if buffer is not None:
        paths = ()
    for path in paths:
        if not os.path.lexists(path):
            fail(f"no such file or directory: {path}")
        if not path.is_dir() and path.suffix not in (".py", ".pyi", ".ipynb"):
            fail(f"{path}: not a Python file or notebook (.py, .pyi, .ipynb); lint reads no other")
    absolute = [Path(os.path.abspath(p)) for p in paths]
    if buffer is not None:
        start = Path(os.path.abspath(buffer[0]))
    else:
        start = Path(os.path.commonpath(absolute)) if absolute else Path.cwd()
    config, registry = load(
        start, select, ignore, config_file=config_file, extend_select=extend_select
    )
    outside = [str(p) for p in absolute if not p.is_relative_to(config.root)]
    if outside:
        fail(f"paths outside the project root {config.root}: {', '.join(outside)}")

    if buffer is not None:
        from metstandards.engine.buffer import lint_buffer

        result = lint_buffer(
            buffer[0],
            buffer[1],
            config=config,
            registry=registry,
            use_cache=not no_cache,
            workers=jobs,
        )
    else:
        result = run_lint(config, registry, absolute, use_cache=not no_cache, workers=jobs)
    result = _without_recorded(result, config, baseline_file, no_baseline, config_file)
    level = quiet_level(quiet, silent)
    emit(
        result,
        output_format,
        output_file,
        color,
        config.root,
        quiet=level,
        statistics=statistics,
    )
    raise SystemExit(1 if result.findings and not exit_zero else 0)


#: The path that stands for standard input, as in ruff and most Unix tools.
STDIN = Path("-")


def _stdin_buffer(
    paths: tuple[Path, ...], stdin_filename: Path | None
) -> tuple[Path, bytes] | None:
    """The file standard input stands for and its bytes, when the code comes from there
    (``-``, or ``--stdin-filename`` without paths); None when the paths are files on disk."""
    from_stdin = STDIN in paths
    if from_stdin and len(paths) > 1:
        fail("`-` (standard input) cannot be checked together with other paths")
    if stdin_filename is None:
        if from_stdin:
            fail(
                "`-` reads the code from standard input: name the file it stands for with "
                "--stdin-filename PATH (its project, role and settings come from PATH)"
            )
        return None
    if paths and not from_stdin:
        fail(
            "--stdin-filename checks standard input: pass `-` (or no path), not "
            + ", ".join(str(p) for p in paths)
        )
    if stdin_filename.suffix not in (".py", ".pyi", ".ipynb"):
        kinds = "not a Python file or notebook (.py, .pyi, .ipynb)"
        fail(f"--stdin-filename {stdin_filename}: {kinds}")
    if stdin_filename.is_dir():
        fail(f"--stdin-filename {stdin_filename}: is a directory")
    return stdin_filename, sys.stdin.buffer.read()


def _without_recorded(
    result: LintResult,
    config: Config,
    explicit: Path | None,
    disabled: bool,
    config_file: Path | None = None,
) -> LintResult:
    """``result`` less the findings the baseline records, as ``check`` and its hooks hide them:
    a commit that adds no finding passes."""
    from dataclasses import replace

    from metstandards.check.baseline import apply
    from metstandards.check.settings import check_settings_for
    from metstandards.config import ConfigError

    try:
        settings = check_settings_for(config.root, config_file)[1]
        default = str(settings.table("check")["baseline"])
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

"""The ``metstandards`` command line. It parses arguments and calls the library; nothing else.

Heavy imports (libcst) happen inside the commands that need them: a pre-commit hook pays the
start-up time on every commit.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from metstandards import __version__

EXIT_CODES = """\b
Exit status:
  0  no findings
  1  findings (including files that could not be checked, MS000)
  2  usage or configuration error"""


def _fail(message: str) -> NoReturn:
    click.echo(f"metstandards: error: {message}", err=True)
    raise SystemExit(2)


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(code.strip().upper() for code in value.split(",") if code.strip())


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=f"Run `metstandards COMMAND --help` for a command's options.\n\n{EXIT_CODES}",
)
@click.version_option(__version__, prog_name="metstandards")
def main() -> None:
    """Enforce the E-AI WG3 development standards for weather and climate ML code.

    Rules are configured in `[tool.metstandards]` of the project's pyproject.toml.
    """


@main.command(epilog=EXIT_CODES)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
    help="Output format. `github` prints workflow-command annotations.",
)
@click.option("--output-file", "-o", type=click.Path(path_type=Path), help="Write the report here.")
@click.option("--select", help="Comma-separated codes or prefixes to run, instead of the config's.")
@click.option(
    "--ignore", help="Comma-separated codes or prefixes to skip, instead of the config's."
)
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
    no_cache: bool,
    jobs: int | None,
    color: bool | None,
) -> None:
    """Check Python files against the metstandards rules.

    PATHS are files or directories (default: the whole project). The project root is the nearest
    directory with a pyproject.toml above them; project-level rules (MS102, MS201) always read
    the whole project but report only in PATHS, which is what a pre-commit hook wants.
    """
    import difflib

    from metstandards.config import ConfigError, find_root, load_config
    from metstandards.engine.runner import run_lint
    from metstandards.registry import RegistryError, load_registry
    from metstandards.reporters import reporter

    for path in paths:
        if not os.path.lexists(path):
            _fail(f"no such file or directory: {path}")
    absolute = [Path(os.path.abspath(p)) for p in paths]
    start = Path(os.path.commonpath(absolute)) if absolute else Path.cwd()
    try:
        registry = load_registry()
        config = load_config(find_root(start), registry)
        overrides = {"select": _codes(select), "ignore": _codes(ignore)}
        for key, codes in overrides.items():
            for code in codes or ():
                if not any(known.startswith(code) for known in registry.codes):
                    close = difflib.get_close_matches(code, sorted(registry.codes), n=1)
                    hint = f" (did you mean {close[0]}?)" if close else ""
                    raise ConfigError(f"--{key}: unknown rule code or prefix {code!r}{hint}")
        from dataclasses import replace

        config = replace(
            config,
            select=overrides["select"] or config.select,
            ignore=overrides["ignore"] if overrides["ignore"] is not None else config.ignore,
        )
    except (ConfigError, RegistryError) as error:
        _fail(str(error))
    outside = [str(p) for p in absolute if not p.is_relative_to(config.root)]
    if outside:
        _fail(f"paths outside the project root {config.root}: {', '.join(outside)}")

    result = run_lint(config, registry, absolute, use_cache=not no_cache, workers=jobs)
    use_color = sys.stdout.isatty() and output_file is None if color is None else color
    report = reporter(output_format)(result, use_color and output_format == "text")
    if output_file is not None:
        try:
            output_file.write_text(report, encoding="utf-8")
        except OSError as error:
            _fail(f"cannot write {output_file}: {error.strerror}")
    else:
        click.echo(report, nl=False, color=use_color)
    raise SystemExit(1 if result.findings else 0)


@main.command(name="rules")
@click.option(
    "--format", "-f", "output_format", type=click.Choice(["text", "json"]), default="text"
)
def list_rules(output_format: str) -> None:
    """List every installed rule: code, name, severity, what it flags."""
    import json

    from metstandards.registry import RegistryError, load_registry
    from metstandards.rule import ProjectRule

    try:
        registry = load_registry()
    except RegistryError as error:
        _fail(str(error))
    rows = [
        {
            "code": code,
            "name": rule.name,
            "severity": rule.severity.value,
            "scope": "project" if issubclass(rule, ProjectRule) else "file",
            "summary": rule.summary(),
            "origin": registry.origins[code],
        }
        for code, rule in sorted(registry.rules.items())
    ]
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        click.echo(
            f"{row['code']:<7} {row['name']:<{width}}  {row['severity']:<7} "
            f"{row['scope']:<7}  {row['summary']}"
        )


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Show the documentation of the rule CODE (for example MS202)."""
    import difflib
    import inspect

    from metstandards.registry import RegistryError, load_registry

    try:
        registry = load_registry()
    except RegistryError as error:
        _fail(str(error))
    rule = registry.rules.get(code.upper())
    if rule is None:
        close = difflib.get_close_matches(code.upper(), sorted(registry.codes), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        _fail(f"unknown rule code {code!r}{hint}; `metstandards rules` lists them")
    doc = inspect.cleandoc(rule.__doc__ or "")
    click.echo(f"# {rule.code} {rule.name} ({rule.severity.value})\n\n{doc}")

"""The ``main`` click group and what its commands share: config loading, error exits, report
output and the exit-status texts of the epilogs.

Kept apart from the commands so that each command module imports it and it imports none of
them; at start-up it imports only click, the standard library and the package's version.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from metstandards import __version__
from metstandards.reporters import FORMATS

if TYPE_CHECKING:
    from metstandards.check.baseline import Baseline
    from metstandards.config import Config
    from metstandards.engine.runner import LintResult
    from metstandards.findings import Finding
    from metstandards.registry import Registry

EXIT_CODES = """\b
Exit status:
  0  no findings
  1  findings (including files that could not be checked, MS000)
  2  usage or configuration error"""

CHECK_EXIT_CODES = """\b
Exit status:
  0  every check ran and none reported an error (warnings may be shown)
  1  error findings (those a baseline records are not counted)
  2  usage or configuration error
  3  no error findings, but a check did not run (a tool is missing, crashed,
     timed out or could not reach its service): never counted as a pass"""

INIT_EXIT_CODES = """\b
Exit status:
  0  every file was written or is up to date
  1  a file holds other content and was left as it is (diff shown; --force replaces
     what init owns: a file it writes whole, or its own entry of .pre-commit-config.yaml)
  2  usage error: not a Python project, a bad --ref, an unknown workflow"""


def fail(message: str) -> NoReturn:
    """Print ``message`` as a usage or configuration error and exit with status 2."""
    click.echo(f"metstandards: error: {message}", err=True)
    raise SystemExit(2)


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(code.strip().upper() for code in value.split(",") if code.strip())


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=(
        "Run `metstandards COMMAND --help` for a command's options and exit statuses "
        "(`check` adds 3: a check did not run).\n\n" + EXIT_CODES
    ),
)
@click.version_option(__version__, prog_name="metstandards")
def main() -> None:
    """Enforce the E-AI WG3 development standards for weather and climate ML code.

    Rules are configured in `[tool.metstandards]` of the project's pyproject.toml.
    """


def load(start: Path, select: str | None, ignore: str | None) -> tuple[Config, Registry]:
    """The project's config (with --select/--ignore applied) and the installed rules."""
    import difflib
    from dataclasses import replace

    from metstandards.config import ConfigError, find_root, load_config
    from metstandards.registry import RegistryError, load_registry

    try:
        registry = load_registry()
        registry.load_selected(_codes(select) or ())
        config = load_config(find_root(start), registry)
        overrides = {"select": _codes(select), "ignore": _codes(ignore)}
        for key, codes in overrides.items():
            for code in codes or ():
                if not any(known.startswith(code) for known in registry.codes):
                    close = difflib.get_close_matches(code, sorted(registry.codes), n=1)
                    hint = f" (did you mean {close[0]}?)" if close else ""
                    raise ConfigError(f"--{key}: unknown rule code or prefix {code!r}{hint}")
        config = replace(
            config,
            select=overrides["select"] or config.select,
            ignore=overrides["ignore"] if overrides["ignore"] is not None else config.ignore,
        )
    except (ConfigError, RegistryError) as error:
        fail(str(error))
    return config, registry


def baseline_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--baseline`` and ``--no-baseline``, the same for ``lint`` and ``check``."""
    command = click.option(
        "--no-baseline", is_flag=True, help="Report every finding, ignoring the baseline."
    )(command)
    return click.option(
        "--baseline",
        "baseline_file",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Baseline file [default: [check] baseline, used when it exists].",
    )(command)


def load_baseline(
    root: Path, default: str, explicit: Path | None, disabled: bool
) -> tuple[Baseline, str] | None:
    """The baseline a run applies, and its path relative to ``root``: ``explicit``, else
    ``default`` (relative to ``root``) when that file exists; None with ``disabled``."""
    import os

    from metstandards.check.baseline import BaselineError
    from metstandards.check.baseline import load as load_file

    path = Path(os.path.abspath(explicit)) if explicit is not None else root / default
    if disabled or (explicit is None and not path.is_file()):
        return None
    try:
        return load_file(path), os.path.relpath(path, root)
    except BaselineError as error:
        fail(str(error))


def report_options(format_help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format`` and ``--output-file``, the same for every command that prints a report."""
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--output-file", "-o", type=click.Path(path_type=Path), help="Write the report here."
        )(command)
        return click.option(
            "--format",
            "-f",
            "output_format",
            type=click.Choice(FORMATS),
            default="text",
            show_default=True,
            help=format_help,
        )(command)

    return decorate


def write(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, or fail with a usage error when it cannot be written."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror}")


#: Formats whose paths are relative to the project root: machine-read reports whose readers
#: (code scanning, the JSON schema) know the root. The others print paths as the user reaches them.
_ROOT_RELATIVE = ("json", "sarif")


def render(result: LintResult, output_format: str, root: Path, color: bool) -> str:
    """The report in ``output_format``, with paths relative to the current directory for people
    (or to the workspace, for GitHub annotations) and to ``root`` for machines."""
    import os

    from metstandards.reporters import reporter

    if output_format not in _ROOT_RELATIVE:
        base = Path.cwd()
        workspace = os.environ.get("GITHUB_WORKSPACE", "")
        if output_format == "github" and workspace and root.is_relative_to(workspace):
            base = Path(workspace)
        result = relocated(result, root, base)
    return reporter(output_format)(result, color)


def relocated(result: LintResult, root: Path, base: Path) -> LintResult:
    """``result`` with its paths relative to ``base`` instead of ``root``, or absolute where
    they are not below ``base`` (as ruff prints them)."""
    from dataclasses import replace

    from metstandards.reporters import as_check_report

    if base == root:
        return result

    def moved(path: str) -> str:
        absolute = root / path
        if absolute.is_relative_to(base):
            return absolute.relative_to(base).as_posix()
        return absolute.as_posix()

    def findings(found: Iterable[Finding]) -> list[Finding]:
        return [replace(f, path=moved(f.path)) for f in found]

    result = replace(
        result,
        findings=findings(result.findings),
        not_checked=[moved(p) for p in result.not_checked],
    )
    report = as_check_report(result)
    if report is None:
        return result
    outcomes = tuple(replace(o, findings=tuple(findings(o.findings))) for o in report.outcomes)
    return replace(report, outcomes=outcomes)


def emit(
    result: LintResult,
    output_format: str,
    output_file: Path | None,
    color: bool | None,
    root: Path,
) -> None:
    """Print the report (or write it to ``output_file``), coloured only as text on a terminal."""
    use_color = sys.stdout.isatty() and output_file is None if color is None else color
    report = render(result, output_format, root, use_color and output_format == "text")
    if output_file is not None:
        write(output_file, report)
    else:
        click.echo(report, nl=False, color=use_color)

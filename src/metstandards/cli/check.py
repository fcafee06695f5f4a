"""The standard's gates: ``check`` runs every part of the standard on a project in one report,
``baseline`` records today's findings so that ``check`` fails only on new ones, and
``version-check`` runs only the release-tag check for the pre-push hook.

Kept together because they share the project's ``[check]`` settings, the baseline file and the
check runner; the runner and the tools are imported inside the commands, only when they run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from metstandards.check import CHECKS
from metstandards.cli._common import (
    CHECK_EXIT_CODES,
    CHECK_EXIT_ZERO,
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
    report_targets,
    write,
)
from metstandards.reporters import FORMATS

if TYPE_CHECKING:
    from metstandards.check.report import CheckReport
    from metstandards.check.settings import CheckSettings
    from metstandards.config import Config
    from metstandards.registry import Registry


def _check_setup(
    project: Path | None, config_file: Path | None = None
) -> tuple[Config, Registry, CheckSettings]:
    start = Path(os.path.abspath(project or Path.cwd()))
    if not start.is_dir():
        fail(f"no such directory: {project}")
    return _setup_at(start, config_file)


def _setup_at(
    start: Path, config_file: Path | None = None, extend_select: str | None = None
) -> tuple[Config, Registry, CheckSettings]:
    from metstandards.check.settings import check_settings_for
    from metstandards.config import ConfigError

    config, registry = load(start, None, None, config_file=config_file, extend_select=extend_select)
    try:
        _, settings = check_settings_for(config.root, config_file)
    except ConfigError as error:
        fail(str(error))
    return config, registry, settings


def _baseline_path(config: Config, settings: CheckSettings, explicit: Path | None) -> Path:
    if explicit is not None:
        return Path(os.path.abspath(explicit))
    return config.root / str(settings.table("check")["baseline"])


def _targets(paths: tuple[Path, ...]) -> tuple[Path, tuple[Path, ...]]:
    """Where the project is looked for, and the paths to report on (none: the whole project)."""
    for path in paths:
        if path == Path("-"):
            fail(
                "check reads the project's files on disk, not standard input (`-`): "
                "`metstandards lint --stdin-filename PATH -` checks a buffer"
            )
        if not os.path.lexists(path):
            fail(f"no such file or directory: {path}")
        if not path.is_dir() and path.suffix not in (".py", ".pyi", ".ipynb"):
            fail(f"{path}: not a Python file or notebook (.py, .pyi, .ipynb)")
    absolute = tuple(Path(os.path.abspath(p)) for p in paths)
    if not absolute:
        return Path.cwd(), ()
    start = Path(os.path.commonpath(absolute))
    return (start if start.is_dir() else start.parent), absolute


@main.command(epilog=CHECK_EXIT_CODES + "\n\n" + CHECK_EXIT_ZERO)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@report_options("Output format on stdout (or in --output-file).")
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FORMAT=PATH",
    help="Also write the report as FORMAT to PATH; repeatable "
    "(e.g. --report sarif=check.sarif --report junit=check.xml).",
)
@click.option(
    "--tag",
    help="The release tag for MS502 [default: GITHUB_REF=refs/tags/..., CI_COMMIT_TAG, "
    "else a tag on HEAD].",
)
@click.option(
    "--only",
    multiple=True,
    type=click.Choice(CHECKS),
    help="Run only this check (repeatable); the others are left out of the report.",
)
@click.option(
    "--skip",
    multiple=True,
    type=click.Choice(CHECKS),
    help="Leave out a check for this run (repeatable); it is listed as disabled.",
)
@click.option(
    "--extend-select",
    metavar="CODES",
    help="Comma-separated lint codes or prefixes to run besides the configured selection; "
    "they run even where the config's ignore names them.",
)
@config_option
@baseline_options
@click.option(
    "--show-config",
    is_flag=True,
    help="Print the effective settings and where each came from, then exit.",
)
@click.option(
    "--untrusted",
    is_flag=True,
    help="The code comes from an untrusted source, such as a pull request: run nothing the "
    "repository names (mypy plugins, an interpreter inside it), whatever its settings allow.",
)
@click.option("--no-cache", is_flag=True, help="Lint every file again, ignoring the cache.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Lint worker processes.")
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour text output [default: on a terminal; FORCE_COLOR=1 forces it, NO_COLOR=1 "
    "turns it off].",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show which check runs on stderr [default: when stderr is a terminal, without -q].",
)
@habit_options
def check(
    paths: tuple[Path, ...],
    output_format: str,
    output_file: Path | None,
    reports: tuple[str, ...],
    tag: str | None,
    only: tuple[str, ...],
    skip: tuple[str, ...],
    extend_select: str | None,
    config_file: Path | None,
    baseline_file: Path | None,
    no_baseline: bool,
    show_config: bool,
    untrusted: bool,
    no_cache: bool,
    jobs: int | None,
    color: bool | None,
    progress: bool | None,
    exit_zero: bool,
    statistics: bool,
    quiet: int,
    silent: bool,
) -> None:
    """Check a project against the WG3 standard, in one report.

    Runs the parts that `[check] checks` of the profile lists: the metstandards lint rules, the
    complexity gate (MS501), the release-tag check (MS502), and the real ruff, mypy, bandit and
    pip-audit with the org's settings on top of the repository's own configuration. A check that
    cannot run is reported as not run, with the reason, and never as passed.

    PATHS (default: the current directory) locate the project: the nearest directory above them
    with a pyproject.toml, setup.py or setup.cfg, else the git work tree. Given files or
    sub-directories, the per-file checks (lint, complexity, ruff, mypy, bandit) report only on
    them, which is what the commit hooks do (`--only ruff`, `--only complexity`); the project
    average of MS501 is then left to the full run.
    """
    from metstandards.check.progress import Progress
    from metstandards.check.runner import CheckRequest, run_check
    from metstandards.check.show_config import render_config

    check_habits(output_format, statistics)
    start, targets = _targets(paths)
    config, registry, settings = _setup_at(start, config_file, extend_select)
    if show_config:
        click.echo(render_config(config, settings), nl=False)
        return
    if any(target == config.root for target in targets):
        targets = ()
    extra = report_targets(reports, FORMATS)
    default = str(settings.table("check")["baseline"])
    baseline = load_baseline(config.root, default, baseline_file, no_baseline)
    level = quiet_level(quiet, silent)
    show = Progress((sys.stderr.isatty() and not level) if progress is None else progress)
    request = CheckRequest(
        config,
        registry,
        settings,
        tag=tag,
        baseline=baseline[0] if baseline else None,
        baseline_path=baseline[1] if baseline else "",
        skip=frozenset(skip),
        only=frozenset(only),
        targets=targets,
        use_cache=not no_cache,
        workers=jobs,
        untrusted=untrusted,
    )
    report = run_check(
        request, started=show.started, finished=show.finished, files_done=show.files_done
    )
    emit(
        report,
        output_format,
        output_file,
        color,
        config.root,
        extra,
        quiet=level,
        statistics=statistics,
    )
    if (level == 1 and output_format == "text") or (statistics and output_format == "json"):
        _name_not_run(report)  # the report printed has no table to show them in
    raise SystemExit(_exit_status(report, exit_zero))


def _name_not_run(report: CheckReport) -> None:
    """One line on stderr for each check that did not run."""
    for outcome in report.not_run:
        click.echo(
            f"metstandards: warning: {outcome.check} did not run: {outcome.reason}", err=True
        )


def _exit_status(report: CheckReport, exit_zero: bool) -> int:
    """The report's status; with ``--exit-zero``, findings do not count, but a check that did
    not run (or a run that checked nothing) still ends in 3."""
    status = report.exit_status
    if exit_zero and status == 1:
        return 3 if report.not_run or report.nothing_checked else 0
    return status


@main.command(name="baseline")
@click.argument("project", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--output-file",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write it [default: [check] baseline].",
)
@click.option(
    "--skip",
    multiple=True,
    # The release-tag check is never recorded (see the docstring), so it cannot be left out.
    type=click.Choice([name for name in CHECKS if name != "version-tag"]),
    help="Leave out a check (repeatable).",
)
@click.option("--progress/--no-progress", default=None, help="Show progress on stderr.")
@config_option
def baseline_command(
    project: Path | None,
    output_file: Path | None,
    skip: tuple[str, ...],
    progress: bool | None,
    config_file: Path | None,
) -> None:
    """Record today's findings, so that `check` fails only on new ones.

    For adopting the standard on a legacy repository: commit the file, and `check` then hides
    the recorded findings, fails on new ones, lets no recorded block get more complex (MS501),
    and lists entries that no longer match so the record can shrink. Files that could not be
    checked (MS000) and the release-tag check (MS502) are never recorded.
    """
    import json

    from metstandards.check.baseline import record
    from metstandards.check.progress import Progress
    from metstandards.check.runner import CheckRequest, complexity_snapshot, run_check
    from metstandards.gates.complexity import MODULE_AVERAGE, MODULE_MAINTAINABILITY, PROJECT

    config, registry, settings = _check_setup(project, config_file)
    path = _baseline_path(config, settings, output_file)
    show = Progress(sys.stderr.isatty() if progress is None else progress)
    request = CheckRequest(config, registry, settings, skip=frozenset({*skip, "version-tag"}))
    report = run_check(
        request, started=show.started, finished=show.finished, files_done=show.files_done
    )
    snapshot = complexity_snapshot(request) if "complexity" not in skip else {}
    document = record(config.root, report.findings, snapshot)
    write(path, json.dumps(document, indent=2) + "\n")
    blocks = sum(
        1
        for path, measured in snapshot.items()
        if path != PROJECT  # the project average
        for key in measured
        if key not in (MODULE_AVERAGE, MODULE_MAINTAINABILITY)
    )
    click.echo(
        f"Recorded {len(document['findings'])} finding entries and the complexity of "
        f"{blocks} blocks in {os.path.relpath(path)}."
    )
    for outcome in report.not_run:
        click.echo(
            f"warning: {outcome.check} did not run ({outcome.reason}); its findings are not "
            "recorded and will fail `check` once it runs.",
            err=True,
        )


def _pushed_tag(environ: Mapping[str, str]) -> str | None:
    """The tag a pre-push hook is pushing: pre-commit names the pushed ref
    ``PRE_COMMIT_LOCAL_BRANCH``, ``refs/tags/v1.2.3`` for a tag."""
    ref = environ.get("PRE_COMMIT_LOCAL_BRANCH", "")
    prefix = "refs/tags/"
    return ref[len(prefix) :] or None if ref.startswith(prefix) else None


@main.command(name="version-check", epilog=CHECK_EXIT_CODES)
@click.argument("project", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--tag",
    help="The release tag [default: the tag being pushed (PRE_COMMIT_LOCAL_BRANCH=refs/tags/...), "
    "GITHUB_REF=refs/tags/..., CI_COMMIT_TAG, else a tag on HEAD].",
)
def version_check(project: Path | None, tag: str | None) -> None:
    """Check only that a release tag names the version the project declares (MS502).

    The pre-push hook `metstandards-version-tag` runs this: a tag does not exist at commit time.
    Without a tag there is nothing to check and the exit status is 0.
    """
    from dataclasses import replace

    from metstandards.check.runner import CheckRequest, run_check

    config, registry, settings = _check_setup(project)
    own = "version-tag"
    request = CheckRequest(
        config, registry, settings, tag=tag or _pushed_tag(os.environ), only=frozenset({own})
    )
    report = run_check(request)
    # Its own row only: the other checks were not asked for, not switched off. And not a run
    # over the whole project: without a tag it rightly has nothing to check (status 0).
    outcomes = tuple(o for o in report.outcomes if o.check == own)
    report = replace(report, outcomes=outcomes, whole_project=False)
    emit(report, "text", None, None, config.root)
    raise SystemExit(report.exit_status)

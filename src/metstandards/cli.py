"""The ``metstandards`` command line. It parses arguments and calls the library; nothing else.

Heavy imports (libcst) happen inside the commands that need them: a pre-commit hook pays the
start-up time on every commit.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from metstandards import __version__

if TYPE_CHECKING:
    from metstandards.check.settings import CheckSettings
    from metstandards.config import Config
    from metstandards.engine.runner import LintResult
    from metstandards.registry import Registry

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


def _load(start: Path, select: str | None, ignore: str | None) -> tuple[Config, Registry]:
    """The project's config (with --select/--ignore applied) and the installed rules."""
    import difflib
    from dataclasses import replace

    from metstandards.config import ConfigError, find_root, load_config
    from metstandards.registry import RegistryError, load_registry

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
        config = replace(
            config,
            select=overrides["select"] or config.select,
            ignore=overrides["ignore"] if overrides["ignore"] is not None else config.ignore,
        )
    except (ConfigError, RegistryError) as error:
        _fail(str(error))
    return config, registry


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        _fail(f"cannot write {path}: {error.strerror}")


def _emit(
    result: LintResult, output_format: str, output_file: Path | None, color: bool | None
) -> None:
    """Print the report (or write it to ``output_file``), coloured only as text on a terminal."""
    from metstandards.reporters import reporter

    use_color = sys.stdout.isatty() and output_file is None if color is None else color
    report = reporter(output_format)(result, use_color and output_format == "text")
    if output_file is not None:
        _write(output_file, report)
    else:
        click.echo(report, nl=False, color=use_color)


@main.command(epilog=EXIT_CODES)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github", "markdown", "junit"]),
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
    from metstandards.engine.runner import run_lint

    for path in paths:
        if not os.path.lexists(path):
            _fail(f"no such file or directory: {path}")
    absolute = [Path(os.path.abspath(p)) for p in paths]
    start = Path(os.path.commonpath(absolute)) if absolute else Path.cwd()
    config, registry = _load(start, select, ignore)
    outside = [str(p) for p in absolute if not p.is_relative_to(config.root)]
    if outside:
        _fail(f"paths outside the project root {config.root}: {', '.join(outside)}")

    result = run_lint(config, registry, absolute, use_cache=not no_cache, workers=jobs)
    _emit(result, output_format, output_file, color)
    raise SystemExit(1 if result.findings else 0)


def _gate_row(code: str, module_name: str) -> dict[str, str]:
    from importlib import import_module

    module = import_module(module_name)
    return {
        "code": code,
        "name": module.NAME,
        "severity": "error",
        "scope": "gate",
        "summary": module.DOC.strip().splitlines()[0],
        "origin": "metstandards check",
    }


@main.command(name="rules")
@click.option(
    "--format", "-f", "output_format", type=click.Choice(["text", "json"]), default="text"
)
def list_rules(output_format: str) -> None:
    """List every installed rule and the gates of `check`: code, name, severity, what it flags."""
    import json

    from metstandards.gates import GATES
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
    rows += [_gate_row(code, module) for code, module in sorted(GATES.items())]
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
    from importlib import import_module

    from metstandards.registry import RegistryError, load_registry

    try:
        registry = load_registry()
    except RegistryError as error:
        _fail(str(error))
    from metstandards.gates import GATES

    gate = GATES.get(code.upper())
    if gate is not None:
        module = import_module(gate)
        click.echo(f"# {module.CODE} {module.NAME} (gate of `metstandards check`)\n\n{module.DOC}")
        return
    rule = registry.rules.get(code.upper())
    if rule is None:
        known = sorted({*registry.codes, *GATES})
        close = difflib.get_close_matches(code.upper(), known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        _fail(f"unknown rule code {code!r}{hint}; `metstandards rules` lists them")
    doc = inspect.cleandoc(rule.__doc__ or "")
    click.echo(f"# {rule.code} {rule.name} ({rule.severity.value})\n\n{doc}")


CHECK_EXIT_CODES = """\b
Exit status:
  0  every check ran and none reported an error (warnings may be shown)
  1  error findings (those a baseline records are not counted)
  2  usage or configuration error
  3  no error findings, but a check did not run (a tool is missing, crashed,
     timed out or could not reach its service): never counted as a pass"""


def _check_setup(project: Path | None) -> tuple[Config, Registry, CheckSettings]:
    from metstandards.check.settings import check_settings_for
    from metstandards.config import ConfigError

    start = Path(os.path.abspath(project or Path.cwd()))
    if not start.is_dir():
        _fail(f"no such directory: {project}")
    config, registry = _load(start, None, None)
    try:
        _, settings = check_settings_for(config.root)
    except ConfigError as error:
        _fail(str(error))
    return config, registry, settings


def _baseline_path(config: Config, settings: CheckSettings, explicit: Path | None) -> Path:
    if explicit is not None:
        return Path(os.path.abspath(explicit))
    return config.root / str(settings.table("check")["baseline"])


def _report_targets(values: tuple[str, ...]) -> list[tuple[str, Path]]:
    from metstandards.reporters import FORMATS

    targets = []
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not path or name not in FORMATS:
            _fail(
                f"--report {value!r}: expected FORMAT=PATH with FORMAT one of {', '.join(FORMATS)}"
            )
        targets.append((name, Path(path)))
    return targets


@main.command(epilog=CHECK_EXIT_CODES)
@click.argument("project", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github", "markdown", "junit"]),
    default="text",
    show_default=True,
    help="Output format on stdout (or in --output-file).",
)
@click.option("--output-file", "-o", type=click.Path(path_type=Path), help="Write the report here.")
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
    "--skip",
    multiple=True,
    type=click.Choice(["lint", "complexity", "version-tag", "ruff", "mypy", "bandit", "pip-audit"]),
    help="Leave out a check for this run (repeatable); it is listed as disabled.",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Baseline file [default: [check] baseline, used when it exists].",
)
@click.option("--no-baseline", is_flag=True, help="Report every finding, ignoring the baseline.")
@click.option(
    "--show-config",
    is_flag=True,
    help="Print the effective settings and where each came from, then exit.",
)
@click.option("--no-cache", is_flag=True, help="Lint every file again, ignoring the cache.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Lint worker processes.")
@click.option("--color/--no-color", default=None, help="Colour text output [default: terminal].")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show which check runs on stderr [default: when stderr is a terminal].",
)
def check(
    project: Path | None,
    output_format: str,
    output_file: Path | None,
    reports: tuple[str, ...],
    tag: str | None,
    skip: tuple[str, ...],
    baseline_file: Path | None,
    no_baseline: bool,
    show_config: bool,
    no_cache: bool,
    jobs: int | None,
    color: bool | None,
    progress: bool | None,
) -> None:
    """Check a whole project against the WG3 standard, in one report.

    Runs, as `[check] checks` of the profile lists: the metstandards lint rules, the complexity
    gate (MS501), the release-tag check (MS502), and the real ruff, mypy, bandit and pip-audit
    with the org's settings. PROJECT is a directory in the project (default: the current one).
    A check that cannot run is reported as not run, with the reason, and never as passed.
    """
    from metstandards.check.baseline import BaselineError, load
    from metstandards.check.progress import Progress
    from metstandards.check.runner import CheckRequest, run_check
    from metstandards.check.show_config import render_config

    config, registry, settings = _check_setup(project)
    if show_config:
        click.echo(render_config(config, settings), nl=False)
        return
    extra = _report_targets(reports)
    baseline_path = _baseline_path(config, settings, baseline_file)
    baseline = None
    if not no_baseline and (baseline_file is not None or baseline_path.is_file()):
        try:
            baseline = load(baseline_path)
        except BaselineError as error:
            _fail(str(error))
    show = Progress(sys.stderr.isatty() if progress is None else progress)
    request = CheckRequest(
        config,
        registry,
        settings,
        tag=tag,
        baseline=baseline,
        baseline_path=os.path.relpath(baseline_path, config.root),
        skip=frozenset(skip),
        use_cache=not no_cache,
        workers=jobs,
    )
    report = run_check(
        request, started=show.started, finished=show.finished, files_done=show.files_done
    )
    for name, path in extra:
        from metstandards.reporters import reporter

        _write(path, reporter(name)(report, False))
    _emit(report, output_format, output_file, color)
    raise SystemExit(report.exit_status)


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
    type=click.Choice(["lint", "complexity", "ruff", "mypy", "bandit", "pip-audit"]),
    help="Leave out a check (repeatable).",
)
@click.option("--progress/--no-progress", default=None, help="Show progress on stderr.")
def baseline_command(
    project: Path | None, output_file: Path | None, skip: tuple[str, ...], progress: bool | None
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

    config, registry, settings = _check_setup(project)
    path = _baseline_path(config, settings, output_file)
    show = Progress(sys.stderr.isatty() if progress is None else progress)
    request = CheckRequest(config, registry, settings, skip=frozenset({*skip, "version-tag"}))
    report = run_check(
        request, started=show.started, finished=show.finished, files_done=show.files_done
    )
    snapshot = complexity_snapshot(request) if "complexity" not in skip else {}
    document = record(config.root, report.findings, snapshot)
    _write(path, json.dumps(document, indent=2) + "\n")
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
    from metstandards.check.runner import CheckRequest, run_check
    from metstandards.check.settings import CHECKS

    config, registry, settings = _check_setup(project)
    others = frozenset(CHECKS) - {"version-tag"}
    request = CheckRequest(
        config, registry, settings, tag=tag or _pushed_tag(os.environ), skip=others
    )
    report = run_check(request)
    _emit(report, "text", None, None)
    raise SystemExit(report.exit_status)


INIT_EXIT_CODES = """\b
Exit status:
  0  every file was written or is up to date
  1  a file holds other content and was left as it is (diff shown; --force overwrites it)
  2  usage error: not a Python project, a bad --ref, an unknown workflow"""


@main.command(name="init", epilog=INIT_EXIT_CODES)
@click.argument("path", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--ref",
    help="The metstandards commit to pin, as a full 40-hex SHA [default: the latest release].",
)
@click.option(
    "--version",
    "version",
    help="The release of that commit (v1.2.3), which the workflows install; needed with --ref "
    "[default: the latest release].",
)
@click.option(
    "--hooks-repo",
    metavar="URL",
    help="Where pre-commit fetches the metstandards hooks: a git URL or a local clone "
    "[default: the GitHub repository of the latest release].",
)
@click.option(
    "--workflows",
    default="metstandards,python-ci",
    show_default=True,
    help="Comma-separated caller workflows to write into .github/workflows/ ('' for none).",
)
@click.option("--force", is_flag=True, help="Overwrite files that hold other content.")
@click.option("--dry-run", is_flag=True, help="Show what would change, as diffs; write nothing.")
def init(
    path: Path,
    ref: str | None,
    version: str | None,
    hooks_repo: str | None,
    workflows: str,
    force: bool,
    dry_run: bool,
) -> None:
    """Bring the repository at PATH (default: here) up to the WG3 standard.

    Writes .pre-commit-config.yaml (the metstandards hooks with ruff, mypy and zizmor), appends a
    [tool.metstandards] section to pyproject.toml when it has none (the rest of the file is left
    as it is), and writes caller workflows into .github/workflows/ that run the org's reusable
    workflows. Everything pins one metstandards commit by its SHA. Running init again changes
    nothing; a file that holds other content is shown as a diff and only --force overwrites it.
    """
    from metstandards.scaffold import ScaffoldError
    from metstandards.scaffold.pin import choose_pin, load_pin
    from metstandards.scaffold.plan import InitRequest, plan, write
    from metstandards.scaffold.sources import Sources
    from metstandards.scaffold.summary import summarize

    names = tuple(name.strip() for name in workflows.split(",") if name.strip())
    try:
        sources = Sources.shipped()
        pin = choose_pin(load_pin(sources.pin), ref, version)
        request = InitRequest(path, pin, hooks_repo or pin.hooks_repo, names, sources)
        changes = plan(request)
        if not dry_run:
            for change in changes:
                write(path, change, force=force)
    except ScaffoldError as error:
        _fail(str(error))
    text, status = summarize(changes, dry_run=dry_run, force=force)
    click.echo(text, nl=False)
    raise SystemExit(status)


@main.command(name="gpu-preflight")
@click.option(
    "--framework",
    type=click.Choice(["auto", "torch"]),
    default="auto",
    show_default=True,
    help="auto: check torch when this interpreter has it; torch: fail when it does not.",
)
@click.option(
    "--format", "-f", "output_format", type=click.Choice(["text", "json"]), default="text"
)
def gpu_preflight(framework: str, output_format: str) -> None:
    """Check that this job can use a GPU, before it spends its allocation.

    Checks that nvidia-smi lists a GPU, that /dev/nvidia* device files are there, that
    CUDA_VISIBLE_DEVICES does not hide every GPU, and that torch (in a separate interpreter,
    this one) was built with CUDA and sees a GPU. Nothing of the project is imported.
    Exit status 0 when every required check passes, 1 otherwise.
    """
    from metstandards.gpu_preflight import Host, preflight, render_json, render_text

    result = preflight(Host.current(), require_torch=framework == "torch")
    render = render_json if output_format == "json" else render_text
    click.echo(render(result), nl=False)
    raise SystemExit(0 if result.passed else 1)

"""The ``main`` click group and what its commands share: config loading, error exits, report
output and the exit-status texts of the epilogs.

Kept apart from the commands so that each command module imports it and it imports none of
them; at start-up it imports only click, the standard library and the package's version.

How a run ends, whatever the command:

- a user error (a bad option, a broken configuration, a report path that cannot be written) is
  one line on stderr and status 2 (:func:`fail`);
- a bug (an exception no command handles) is a short message naming what failed, where, and
  where to report it, and status 70 (``EX_SOFTWARE``); ``--debug`` or ``METSTANDARDS_DEBUG=1``
  adds the traceback;
- Ctrl-C (SIGINT) stops the run within a second, with status 130, and SIGTERM with 143: this
  process's children (lint's workers, the wrapped tools and their own children) are stopped
  first, so that nothing is left running or holding the output open.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
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

#: An internal error: a bug in metstandards, neither a finding nor a user error (EX_SOFTWARE of
#: sysexits.h, so that no status a command already uses changes meaning).
INTERNAL_ERROR = 70
#: Stopped by Ctrl-C (SIGINT) or SIGTERM: 128 plus the signal's number, as a shell reports it.
INTERRUPTED = 128 + signal.SIGINT
TERMINATED = 128 + signal.SIGTERM
ISSUES_URL = "https://github.com/metstandards/metstandards/issues"
DEBUG_VARIABLE = "METSTANDARDS_DEBUG"

#: The statuses every command may end with, besides its own.
STOPPED_EXIT_CODES = f"""\
  {INTERNAL_ERROR}   internal error: a bug in metstandards; a short message says what failed and
       where to report it (--debug or {DEBUG_VARIABLE}=1 adds the traceback)
  {INTERRUPTED}  interrupted (Ctrl-C)
  {TERMINATED}  terminated (SIGTERM)"""

EXIT_CODES = f"""\b
Exit status:
  0    no findings
  1    findings (including files that could not be checked, MS000)
  2    usage or configuration error
{STOPPED_EXIT_CODES}"""

CHECK_EXIT_CODES = f"""\b
Exit status:
  0    every check ran and none reported an error (warnings may be shown)
  1    error findings (those a baseline records are not counted)
  2    usage or configuration error
  3    no error findings, but a check did not run (a tool is missing, crashed,
       timed out or could not reach its service): never counted as a pass
{STOPPED_EXIT_CODES}"""

INIT_EXIT_CODES = f"""\b
Exit status:
  0    every file was written or is up to date
  1    a file holds other content and was left as it is (diff shown; --force replaces
       what init owns: a file it writes whole, or its own entry of .pre-commit-config.yaml)
  2    usage error: not a Python project, a bad --ref, an unknown workflow
{STOPPED_EXIT_CODES}"""

LINT_EXIT_ZERO = """--exit-zero: findings never fail, so status 1 (MS000 included: a file that
could not be checked is a finding, as ruff's syntax errors are) becomes 0; the reports still show
every finding. Every other status (2, 70, 130, 143) is unchanged."""

CHECK_EXIT_ZERO = """--exit-zero: findings never fail, so status 1 becomes 0, or 3 when a check
did not run as well: what did not run is not a finding, and --exit-zero never hides it. The
reports (and the exit_status field of the JSON) still give the verdict without it. Every other
status (2, 70, 130, 143) is unchanged."""

#: What a command whose epilog says nothing of them gets appended.
_STOPPED_EPILOG = f"""\b
Every command may also exit with:
{STOPPED_EXIT_CODES}"""


def fail(message: str) -> NoReturn:
    """Print ``message`` as a usage or configuration error and exit with status 2."""
    click.echo(f"metstandards: error: {message}", err=True)
    raise SystemExit(2)


def report_targets(values: Sequence[str], formats: Sequence[str]) -> list[tuple[str, Path]]:
    """The ``--report FORMAT=PATH`` values as (format, path), each format one of ``formats``;
    a usage error for any other."""
    targets = []
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not path or name not in formats:
            fail(
                f"--report {value!r}: expected FORMAT=PATH with FORMAT one of {', '.join(formats)}"
            )
        targets.append((name, Path(path)))
    return targets


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(code.strip().upper() for code in value.split(",") if code.strip())


class Terminated(BaseException):
    """SIGTERM: the run was asked to stop. Not an ``Exception``, so that no ``except Exception``
    that isolates one check's failure takes it for that check's."""


class _Command(click.Command):
    """A command whose help lists the exit statuses every command shares."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        if f"  {INTERNAL_ERROR} " not in (self.epilog or ""):  # its own table has them
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(_STOPPED_EPILOG)


class _Main(click.Group):
    """The command group: what no command handles becomes a status and a message, not a
    traceback (see the module docstring)."""

    command_class = _Command

    def invoke(self, ctx: click.Context) -> Any:
        with _stopping_on_signals():
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt:
                _stopped("interrupted", INTERRUPTED)
            except Terminated:
                _stopped("terminated", TERMINATED)
            except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
                raise  # click's own ends, and a closed pipe (`| head`), which click handles
            except Exception as error:
                internal_error(error, f"running `metstandards {ctx.invoked_subcommand}`")


@click.group(
    cls=_Main,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=(
        "Run `metstandards COMMAND --help` for a command's options and exit statuses "
        "(`check` adds 3: a check did not run).\n\n" + EXIT_CODES
    ),
)
@click.version_option(__version__, prog_name="metstandards")
@click.option(
    "--debug",
    is_flag=True,
    envvar=DEBUG_VARIABLE,
    help=f"Print the traceback of an internal error (exit status {INTERNAL_ERROR}) "
    f"[env: {DEBUG_VARIABLE}=1].",
)
def main(debug: bool) -> None:
    """Enforce the E-AI WG3 development standards for weather and climate ML code.

    Rules are configured in `[tool.metstandards]` of the project's pyproject.toml.
    """


def debugging() -> bool:
    """Whether tracebacks of internal errors are wanted (``--debug``, ``METSTANDARDS_DEBUG``)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and "debug" in ctx.find_root().params:
        return bool(ctx.find_root().params["debug"])
    return os.environ.get(DEBUG_VARIABLE, "").lower() not in ("", "0", "false", "no")


def _where(error: BaseException) -> str:
    """The innermost line of metstandards the error passed through: ``reporters/sarif.py:91 in
    _uri``, for a bug report that names the place without the whole traceback."""
    frames = traceback.extract_tb(error.__traceback__)
    package = Path(__file__).resolve().parent.parent
    for frame in reversed(frames):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(package):
            return f"{path.relative_to(package.parent).as_posix()}:{frame.lineno} in {frame.name}"
    last = frames[-1] if frames else None
    return f"{last.filename}:{last.lineno} in {last.name}" if last else "unknown place"


def _bug_line(error: BaseException, doing: str) -> str:
    """What failed, and where in metstandards."""
    return (
        f"metstandards: internal error while {doing}: {type(error).__name__}: {error} "
        f"(at {_where(error)})"
    )


def _report_it() -> str:
    """Where a bug goes, with what it needs."""
    line = (
        f"metstandards: this is a bug in metstandards {__version__}; please report it at "
        f"{ISSUES_URL} with the command you ran"
    )
    if debugging():
        return f"{line} and the traceback above"
    return f"{line} and its traceback (run it again with {DEBUG_VARIABLE}=1 to see it)"


def internal_error(error: BaseException, doing: str) -> NoReturn:
    """Report a bug (the traceback first with ``--debug``) and exit with ``INTERNAL_ERROR``."""
    if debugging():
        traceback.print_exception(type(error), error, error.__traceback__)
    click.echo(_bug_line(error, doing), err=True)
    click.echo(_report_it(), err=True)
    raise SystemExit(INTERNAL_ERROR)


def _stopped(what: str, status: int) -> NoReturn:
    click.echo(f"metstandards: {what}", err=True)
    raise SystemExit(status)


@contextmanager
def _stopping_on_signals() -> Iterator[None]:
    """While a command runs, SIGINT and SIGTERM stop this process's children, then end the run
    through an exception, so that temporary files and caches are cleaned up on the way out.

    Only in the main thread (where Python runs signal handlers), and not for a signal this
    process was started with ignored (``nohup``, a background job): that choice stands.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[signal.Signals, Any] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            previous[signum] = signal.signal(signum, _on_signal)
    try:
        yield
    finally:
        for stopped, handler in previous.items():
            signal.signal(stopped, handler)
        _STOPPING.clear()


#: Set by the first SIGINT or SIGTERM: a second one ends the process at once.
_STOPPING: list[int] = []


def _on_signal(signum: int, frame: FrameType | None) -> None:
    status = 128 + signum
    if _STOPPING:  # asked twice: no more cleaning up
        os._exit(status)
    _STOPPING.append(signum)
    stop_children()
    # A tool thread may start its process just after this: keep stopping children until exit.
    threading.Thread(target=_keep_stopping_children, name="stop-children", daemon=True).start()
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated


def stop_children() -> None:
    """Send SIGTERM to every child of this process, and to the process group of a child that
    leads its own (a wrapped tool runs in its own session, with pip or git below it).

    SIGTERM, not SIGKILL: git removes its lock files on the way out. Lint's workers take it
    as their end; a tool's thread sees its process end and returns at once instead of waiting
    for it. Linux only (children are found in /proc); elsewhere the lint pool stops its own
    workers (``engine.workers.run``) and a wrapped tool runs to its end.
    """
    for pid in _children(os.getpid()):
        try:
            if os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGTERM)
            else:
                os.kill(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):  # already gone
            continue


def _keep_stopping_children() -> None:
    while _STOPPING:
        time.sleep(0.1)
        stop_children()


def _children(parent: int) -> list[int]:
    """The process ids whose parent is ``parent``, from /proc (empty where there is none)."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    found = []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:  # ended meanwhile
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses; the last ")" ends it.
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == parent:
            found.append(int(entry))
    return found


def load(
    start: Path,
    select: str | None,
    ignore: str | None,
    *,
    config_file: Path | None = None,
    extend_select: str | None = None,
) -> tuple[Config, Registry]:
    """The project's config (read from ``config_file`` instead of its ``pyproject.toml`` with
    --config, then with --select, --ignore and --extend-select applied) and the installed rules.
    """
    import difflib

    from metstandards.config import ConfigError, find_root, load_config
    from metstandards.registry import RegistryError, load_registry

    try:
        registry = load_registry()
        extend = _codes(extend_select) or ()
        registry.load_selected((*(_codes(select) or ()), *extend))
        config = load_config(find_root(start), registry, config_file)
        overrides = {"select": _codes(select), "ignore": _codes(ignore), "extend-select": extend}
        for key, codes in overrides.items():
            for code in codes or ():
                if not any(known.startswith(code) for known in registry.codes):
                    close = difflib.get_close_matches(code, sorted(registry.codes), n=1)
                    hint = f" (did you mean {close[0]}?)" if close else ""
                    raise ConfigError(f"--{key}: unknown rule code or prefix {code!r}{hint}")
    except (ConfigError, RegistryError) as error:
        fail(str(error))
    return _selection(config, overrides["select"], overrides["ignore"], extend), registry


def _selection(
    config: Config,
    select: tuple[str, ...] | None,
    ignore: tuple[str, ...] | None,
    extend: tuple[str, ...],
) -> Config:
    """``config`` with the command line's selection: --select and --ignore replace the
    configuration's; --extend-select adds to the selection, as a later layer (ruff's rule): a
    code it names runs even where the configuration's ignore names it or its family. An --ignore
    on the same command line is of the same layer, where the more specific code wins."""
    from dataclasses import replace

    chosen = select or config.select
    dropped = ignore if ignore is not None else config.ignore
    origins = dict(config.origins)
    if select:
        origins["select"] = "--select"
    if ignore is not None:
        origins["ignore"] = "--ignore"
    if extend:
        if ignore is None:
            dropped = tuple(code for code in dropped if not code.startswith(extend))
        chosen = (*chosen, *(code for code in extend if code not in chosen))
        origins["select"] = f"{origins.get('select', 'default')} + --extend-select"
    return replace(config, select=chosen, ignore=dropped, origins=origins)


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
#: Formats whose readers resolve paths against the CI's checkout, and the variable that names it:
#: GitHub annotations, and GitLab's Code Quality widget.
_WORKSPACES = {"github": "GITHUB_WORKSPACE", "gitlab": "CI_PROJECT_DIR"}


def config_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--config``, the same for every command that reads the project's settings."""
    return click.option(
        "--config",
        "config_file",
        type=click.Path(path_type=Path),
        metavar="FILE",
        help="Read metstandards' settings from FILE instead of the project's pyproject.toml: a "
        "pyproject.toml's [tool.metstandards], or the top level of any other TOML file "
        "(metstandards.toml). The project root is still found from the paths.",
    )(command)


def habit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--exit-zero``, ``--statistics``, ``--quiet`` and ``--silent``: the output habits of
    ruff's command line, the same for ``lint`` and ``check``."""
    command = click.option(
        "--silent",
        is_flag=True,
        help="Print no report on stdout (as -qq); a report asked for with --output-file (or "
        "check's --report) is still written, errors still go to stderr, and the exit status "
        "tells the result.",
    )(command)
    command = click.option(
        "--quiet",
        "-q",
        count=True,
        help="Print the findings only: no summary, no progress (text format; other formats are "
        "unchanged). Twice: as --silent.",
    )(command)
    command = click.option(
        "--statistics",
        is_flag=True,
        help="Print how many findings each code has (count, code, name), most frequent first, "
        "instead of the findings; text or json only.",
    )(command)
    return click.option(
        "--exit-zero",
        is_flag=True,
        help="Exit with status 0 even when there are findings (see the exit statuses below).",
    )(command)


#: The formats ``--statistics`` can be printed in, as ruff's.
STATISTICS_FORMATS = ("text", "json")


def check_habits(output_format: str, statistics: bool) -> None:
    """Refuse options that do not go together, before anything runs."""
    if statistics and output_format not in STATISTICS_FORMATS:
        fail(f"--statistics prints text or json, not {output_format}")


def quiet_level(quiet: int, silent: bool) -> int:
    """0: the whole report; 1 (``-q``): findings only; 2 (``-qq``, ``--silent``): no report on
    stdout."""
    return 2 if silent else min(quiet, 2)


def color_wanted(flag: bool | None, output_file: Path | None) -> bool:
    """Whether the text report is coloured: ``--color``/``--no-color`` when given; never in an
    ``--output-file`` otherwise; else on when ``FORCE_COLOR`` is set (to anything but ""), off
    when ``NO_COLOR`` is, else on a terminal only. FORCE_COLOR wins over NO_COLOR, as in ruff:
    the one set for a run is more specific than the one set for a whole account."""
    if flag is not None:
        return flag
    if output_file is not None:
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def render(
    result: LintResult,
    output_format: str,
    root: Path,
    color: bool,
    *,
    quiet: int = 0,
    statistics: bool = False,
) -> str:
    """The report in ``output_format``, with paths relative to the current directory for people
    (or to the workspace, for GitHub annotations) and to ``root`` for machines; with
    ``statistics``, the counts by code instead, and with ``quiet``, the text report's findings
    without the summary."""
    from metstandards.reporters import reporter

    if statistics:
        from metstandards.reporters.statistics import render as render_statistics

        return render_statistics(result, output_format, color, summary=not quiet)

    if output_format not in _ROOT_RELATIVE:
        base = Path.cwd()
        workspace = os.environ.get(_WORKSPACES.get(output_format, ""), "")
        if workspace and root.is_relative_to(workspace):
            base = Path(workspace)
        result = relocated(result, root, base)
    if quiet and output_format == "text":
        from metstandards.reporters.text import render_findings

        return render_findings(result, color)
    return reporter(output_format)(result, color)


def relocated(result: LintResult, root: Path, base: Path) -> LintResult:
    """``result`` with its paths relative to ``base`` instead of ``root``, or absolute where
    they are not below ``base`` (as ruff prints them)."""
    from dataclasses import replace

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
    report = result.check_report()
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
    extra: Sequence[tuple[str, Path]] = (),
    *,
    quiet: int = 0,
    statistics: bool = False,
) -> None:
    """Write the ``extra`` reports (``check --report FORMAT=PATH``), then print the report or
    write it to ``output_file``, coloured only as text where :func:`color_wanted` says so.

    ``quiet`` and ``statistics`` shape the main report only (``render``); with ``quiet`` 2
    (``--silent``) nothing is printed, but an ``output_file`` is still written. The ``extra``
    reports are always whole.

    A report that fails never keeps the others from being written. Once all are out, each
    failure is named and the run ends with status 2 for a path that cannot be written, or 70 for
    a bug in a reporter: the findings' status would otherwise hide that a report is missing."""
    use_color = color_wanted(color, output_file)
    unwritten = [_deliver(result, name, path, root, False) for name, path in extra]
    colored = use_color and output_format == "text"
    reports = len(extra)
    if quiet < 2 or output_file is not None:
        reports += 1
        unwritten.append(
            _deliver(
                result,
                output_format,
                output_file,
                root,
                colored,
                quiet=quiet,
                statistics=statistics,
            )
        )
    _end_if_unwritten([report for report in unwritten if report is not None], reports)


@dataclass(frozen=True)
class _Unwritten:
    """A report that could not be written, and why."""

    output_format: str
    #: The path, or "standard output".
    target: str
    error: Exception

    @property
    def bug(self) -> bool:
        """A reporter that raised is a bug; a path the system refuses is the user's to fix."""
        return not isinstance(self.error, OSError)


def _deliver(
    result: LintResult,
    output_format: str,
    path: Path | None,
    root: Path,
    color: bool,
    *,
    quiet: int = 0,
    statistics: bool = False,
) -> _Unwritten | None:
    """Render one report and write it to ``path`` (stdout when None); what went wrong, if."""
    try:
        text = render(result, output_format, root, color, quiet=quiet, statistics=statistics)
        if path is None:
            click.echo(text, nl=False, color=color)
        else:
            path.write_text(text, encoding="utf-8")
    except BrokenPipeError:
        raise  # stdout closed by its reader (`| head`): click ends the run quietly
    except Exception as error:
        return _Unwritten(output_format, "standard output" if path is None else str(path), error)
    return None


def _end_if_unwritten(unwritten: list[_Unwritten], reports: int) -> None:
    """Name every report that was not written and exit: 70 if a reporter failed, else 2."""
    if not unwritten:
        return
    others = " (the other reports were written)" if reports > len(unwritten) else ""
    for report in unwritten:
        click.echo(_unwritten_line(report) + others, err=True)
    if not any(report.bug for report in unwritten):
        raise SystemExit(2)
    click.echo(_report_it(), err=True)
    raise SystemExit(INTERNAL_ERROR)


def _unwritten_line(report: _Unwritten) -> str:
    """Why one report is missing; a bug's traceback goes first with ``--debug``."""
    error = report.error
    if isinstance(error, OSError):
        return f"metstandards: error: cannot write {report.target}: {error.strerror or error}"
    if debugging():
        traceback.print_exception(type(error), error, error.__traceback__)
    return _bug_line(error, f"writing the {report.output_format} report to {report.target}")

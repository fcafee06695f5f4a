"""mypy with the repository's own configuration, in the project's environment.

The repository's mypy configuration is the base (:mod:`.mypy_config`): its strictness stands,
and the profile adds only the flags it requires (``strict``, ``required-flags``) and any extra
``flags``. Where the configuration relaxes a required flag, the note says so once. Plugins the
configuration names are code of the repository, so they are refused unless ``allow-plugins`` is
set (and always with ``--untrusted``); the note says which were refused. Imports resolve in the
project's interpreter (:mod:`.environment`); imports of other packages that cannot be found there
are folded into one line of the note, since they say the environment lacks the project's
dependencies, not that the code is wrong.

mypy's text output is parsed rather than ``--output json``: JSON needs mypy 1.11 and has no end
positions before 2.x, while ``path:line:col:end_line:end_col: error: message  [code]`` (from
``--show-column-numbers --show-error-end --show-error-codes``) is the same on every supported
mypy. Every line must parse; one that does not makes the check "not run", never a pass.

Notes (hints, "See https://...") are appended to the error they follow when they sit on the same
file and line, which is how mypy places a hint; other notes (``reveal_type``, "defined here"
in another file) are dropped, being context for a human reading mypy's own output.

Exit 0 and 1 mean mypy checked; 2 means a blocking error stopped it (a syntax error, two files
with the same module name, a bad flag) and the rest of the code went unchecked: not run.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from metstandards.findings import Finding, Severity, Span
from metstandards.results import CheckContext, Outcome
from metstandards.tools import mypy_config
from metstandards.tools.environment import Interpreter, project_interpreter
from metstandards.tools.process import NothingToCheck, NotRun, outcome, relative, run_tool

CHECK = "mypy"

_OUTPUT_FLAGS = [
    "--show-error-codes",
    "--show-column-numbers",
    "--show-error-end",
    "--hide-error-context",
    # The summary says mypy finished: a mypy that prints nothing is no pass.
    "--error-summary",
    "--no-color-output",
    "--no-pretty",
]
# ``path[:line[:col[:end_line:end_col]]]: kind: message  [code]``, as mypy's errors.py writes
# it; the path is matched lazily, so a Windows drive colon stays part of it.
_LOCATION = r"(?::(?P<line>\d+)(?::(?P<column>\d+)(?::(?P<end_line>\d+):(?P<end_column>\d+))?)?)?"
_LINE = re.compile(
    r"(?P<path>.+?)"
    + _LOCATION
    + r": (?P<kind>error|warning|note): (?P<message>.*?)(?:  \[(?P<code>[\w-]+)\])?"
)


#: mypy's codes for an import it cannot resolve (``import`` before mypy 1.7).
_MISSING_CODES = ("mypy:import-not-found", "mypy:import")
_MISSING = re.compile(
    r'Cannot find implementation or library stub for module named "(?P<module>[\w.]+)"'
)
#: mypy's summary lines (``--error-summary``).
_SUCCESS = re.compile(r"Success: no issues found in \d+ source files?")
_FOUND = re.compile(r"Found (?P<errors>\d+) errors? in \d+ files? \(checked \d+ source files?\)")
#: Missing packages named in the note before the rest are only counted.
_LISTED = 8


def run(ctx: CheckContext, *, search: Sequence[str | Path] | None = None) -> Outcome:
    """``search``: the directories mypy is looked for in (default: next to Python, then PATH)."""
    return outcome(CHECK, lambda: _check(ctx, search))


def _check(ctx: CheckContext, search: Sequence[str | Path] | None) -> tuple[list[Finding], str]:
    if not ctx.package_files:
        raise NothingToCheck("no package files")
    required = [*(["--strict"] if ctx.settings.get("strict", False) else [])]
    required += ctx.settings.get("required-flags", [])
    interpreter = project_interpreter(
        ctx.root, str(ctx.settings.get("python", "")), untrusted=ctx.untrusted
    )
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="metstandards-mypy-") as scratch:
        config_args = _config_args(ctx, required, Path(scratch), notes)
        args = [
            *config_args,
            *required,
            *ctx.settings.get("flags", []),
            *_OUTPUT_FLAGS,
            "--python-executable",
            str(interpreter.executable),
        ]
        completed = run_tool(
            CHECK,
            [*args, "--", *ctx.package_files],
            cwd=ctx.root,
            timeout=ctx.timeout,
            search=search,
        )
    if completed.returncode not in (0, 1):
        first_error = next((ln for ln in completed.stdout.splitlines() if ": error: " in ln), "")
        raise completed.crashed(first_error)
    severity = Severity(ctx.settings.get("severity", "error"))
    findings, warnings = parse(ctx.root, completed.stdout, severity)
    if completed.returncode == 1 and not findings:
        raise completed.crashed()
    _check_summary(completed.stdout, len(findings), completed.returncode)
    findings, missing = fold_missing_imports(findings, own_modules(ctx.package_files))
    if missing:
        notes.append(_missing_note(missing, interpreter))
    return findings, "; ".join([*warnings, *notes])


def _config_args(
    ctx: CheckContext, required: list[str], scratch: Path, notes: list[str]
) -> list[str]:
    """``--config-file`` for the repository's configuration (a copy without its plugins unless
    they are allowed), or for none at all; what the note should say about it goes in ``notes``."""
    config = mypy_config.find(ctx.root)
    if config is None:
        return ["--config-file", ""]  # neither a parent directory's nor the user's
    if relaxed := mypy_config.relaxations(config, required):
        notes.append(
            "the repository's mypy configuration relaxes what the profile requires: "
            + "; ".join(relaxed)
        )
    plugins = config.plugins
    if not plugins:
        return ["--config-file", config.name]
    listing = f"{', '.join(plugins)} ({config.where(config.sections[0], 'plugins')})"
    if ctx.settings.get("allow-plugins", False) and not ctx.untrusted:
        notes.append(f"ran the repository's mypy plugins {listing}")
        return ["--config-file", config.name]
    why = (
        "the repository is untrusted here (--untrusted)"
        if ctx.untrusted
        else "allow them with [tool.metstandards.mypy] allow-plugins = true"
    )
    notes.append(
        f"refused the mypy plugins {listing}: a plugin is code the repository names, and "
        f"metstandards runs none; {why}"
    )
    return ["--config-file", str(mypy_config.without_plugins(config, scratch))]


def own_modules(package_files: Sequence[str]) -> frozenset[str]:
    """The top-level modules of the project's own code (``src/`` layout understood)."""
    tops = set()
    for path in package_files:
        parts = path.split("/")
        if parts[0] == "src" and len(parts) > 1:
            parts = parts[1:]
        tops.add(parts[0].removesuffix(".pyi").removesuffix(".py"))
    return frozenset(tops)


def fold_missing_imports(
    findings: list[Finding], own: frozenset[str]
) -> tuple[list[Finding], Counter[str]]:
    """The findings less mypy's "cannot find module" errors for other packages, and how many
    of those there were per missing top-level package."""
    kept: list[Finding] = []
    missing: Counter[str] = Counter()
    for finding in findings:
        module = _MISSING.match(finding.message) if finding.code in _MISSING_CODES else None
        top = module["module"].split(".")[0] if module else None
        if top is None or top in own:
            kept.append(finding)
        else:
            missing[top] += 1
    return kept, missing


def _missing_note(missing: Counter[str], interpreter: Interpreter) -> str:
    names = [name for name, _ in missing.most_common()]
    more = f" and {len(names) - _LISTED} more" if len(names) > _LISTED else ""
    errors = sum(missing.values())
    packages = "1 imported package is" if len(names) == 1 else f"{len(names)} imported packages are"
    return (
        f"{packages} not installed in {interpreter.executable} ({interpreter.origin}): "
        f"{', '.join(names[:_LISTED])}{more}; "
        f"{'1 import error is' if errors == 1 else f'their {errors} import errors are'} "
        "not reported. Install the project's dependencies "
        "there, or point [tool.metstandards.mypy] python at the project's environment"
    )


def _check_summary(text: str, errors: int, returncode: int) -> None:
    """mypy's last line must be its summary, and agree with what was read: NotRun otherwise."""
    lines = [line for line in text.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    found = _FOUND.fullmatch(last)
    if _SUCCESS.fullmatch(last) and returncode == 0 and errors == 0:
        return
    if found and returncode == 1 and int(found["errors"]) == errors:
        return
    said = f"its last line was {last[:200]!r}" if last else "it printed nothing"
    raise NotRun(
        f"mypy (exit code {returncode}) did not end with a summary that matches the {errors} "
        f"error(s) read: {said}"
    )


def parse(root: Path, text: str, severity: Severity) -> tuple[list[Finding], list[str]]:
    """Findings from mypy's text output (flags in ``_OUTPUT_FLAGS``), and mypy's own warnings
    ("Warning: --strict-concatenate is deprecated"); :class:`NotRun` on any other line."""
    errors: list[tuple[Finding, list[str]]] = []
    warnings: list[str] = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        if raw.startswith("Warning: "):
            warnings.append(raw)
            continue
        if _SUCCESS.fullmatch(raw) or _FOUND.fullmatch(raw):
            continue
        match = _LINE.fullmatch(raw)
        if match is None:
            raise NotRun(f"mypy printed a line that could not be read: {raw[:200]}")
        path = relative(root, match["path"])
        line, column = int(match["line"] or 1), int(match["column"] or 1)
        if match["kind"] == "note":
            if errors and (errors[-1][0].path, errors[-1][0].line) == (path, line):
                errors[-1][1].append(match["message"])
            continue
        # mypy's end column is 0-based exclusive, i.e. 1-based inclusive: +1 makes it exclusive.
        end = (int(match["end_line"] or line), int(match["end_column"] or column - 1) + 1)
        end_line, end_column = max(end, (line, column))
        code = match["code"] or "misc"
        span = Span(line, column, end_line, end_column)
        error = Finding.at(path, span, f"mypy:{code}", code, severity, match["message"])
        errors.append((error, []))
    findings = [
        replace(error, message=f"{error.message} ({'; '.join(notes)})") if notes else error
        for error, notes in errors
    ]
    return findings, warnings

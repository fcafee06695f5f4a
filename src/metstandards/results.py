"""The records every part of ``metstandards check`` shares: what a part is given (its
context) and what it produced (its outcome), and the complexity numbers a baseline keeps.

They sit below the orchestrating ``check`` package, the gates and the tool adapters alike, so
that each of those imports this module and none imports another: ``check`` runs the gates, the
gates never reach back into ``check``.

A part that did not run is never a pass: the report lists it as "not run" with the reason, and the
exit status says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from metstandards.findings import Finding

#: The reason of a check that ``--only`` left out; summary tables leave such checks out.
NOT_SELECTED = "not selected with --only"


class Status(str, Enum):
    """How one check ended."""

    PASSED = "passed"
    FINDINGS = "findings"
    NOT_RUN = "not-run"
    #: Ran, but had nothing to check here (MS502 when the commit is not a tag); not a failure.
    SKIPPED = "skipped"
    #: Switched off by the profile or the repository's configuration.
    DISABLED = "disabled"


@dataclass(frozen=True)
class Outcome:
    """The result of one check (``lint``, ``complexity``, ``version-tag``, ``ruff``, ...)."""

    check: str
    status: Status
    findings: tuple[Finding, ...] = ()
    #: Why it did not run or was disabled; for a check that ran, an optional note
    #: ("not on a tag", "412 files").
    reason: str = ""
    seconds: float = 0.0

    @classmethod
    def ran(
        cls, check: str, findings: Iterable[Finding], *, seconds: float = 0.0, note: str = ""
    ) -> Outcome:
        found = tuple(sorted(findings))
        return cls(check, Status.FINDINGS if found else Status.PASSED, found, note, seconds)

    @classmethod
    def skipped(cls, check: str, reason: str) -> Outcome:
        return cls(check, Status.SKIPPED, (), reason)

    @classmethod
    def not_run(cls, check: str, reason: str, *, seconds: float = 0.0) -> Outcome:
        return cls(check, Status.NOT_RUN, (), reason, seconds)


#: A baseline's complexity record: file -> block key (or module average...) -> number.
Snapshot = dict[str, dict[str, int]]


@dataclass(frozen=True)
class CheckContext:
    """What every check gets: the project, the files lint discovered, and its own settings."""

    root: Path
    #: Python files discovered with the project's include/exclude (POSIX, relative to root).
    python_files: tuple[str, ...]
    #: The subset that is package code (not tests, docs, examples): what mypy and bandit check.
    package_files: tuple[str, ...]
    #: This check's effective settings: the profile's section overridden by the repository.
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: Seconds a wrapped tool may run before it is stopped and reported as not run.
    timeout: float = 600.0
    #: Stubs and notebooks under the same excludes: ruff reads them, the other checks do not.
    extra_sources: tuple[str, ...] = ()
    #: False when only some files were asked for (a commit hook): project-wide measures, such
    #: as the project's average complexity, are then left to the full run.
    whole_project: bool = True
    #: Where a check may keep results between runs (the project's cache directory); None: don't.
    cache_dir: Path | None = None
    #: The repository's code and configuration come from an untrusted source (a pull request):
    #: nothing it names is run, whatever its configuration allows (``check --untrusted``).
    untrusted: bool = False
    #: ``max-file-size-kb`` of the configuration (its default here): a larger file is not read
    #: by the checks that read files themselves (the complexity gate), as lint does not read it.
    max_file_size_kb: int = 2048

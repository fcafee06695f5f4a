"""Adopt the standard on a legacy repository: ``metstandards baseline`` records today's findings,
and ``check`` then fails only on findings that are not in the record.

A finding is recorded by its code, its file and the text of its line (whitespace collapsed), not
by its line number, so code moved up or down by an edit elsewhere stays recorded. Identical
findings are counted. Entries that no longer match anything are stale: the report lists them, so
the record shrinks as the debt is paid instead of silently allowing new findings in their place.

Complexity (MS501) is recorded as numbers per block instead, so a recorded block may not get
worse (see ``metstandards.gates.complexity``). Findings that must always be seen are never
recorded: files that could not be checked (MS000) and the release check (MS502), which is about
one tag.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from metstandards.findings import Finding
from metstandards.gates import GATES
from metstandards.results import Snapshot
from metstandards.rules.meta.file_not_checked import FileNotChecked

BASELINE_VERSION = 1
#: Codes a baseline never records or hides: a file not checked, and the gates (which keep their
#: own ratchet).
NEVER_RECORDED = (FileNotChecked.code, *GATES)
_SPACE = re.compile(r"\s+")

Key = tuple[str, str, str]


class BaselineError(Exception):
    """The baseline file cannot be read; the message names it."""


@dataclass(frozen=True)
class Baseline:
    """A recorded state: findings by key, and each block's complexity."""

    findings: Counter[Key] = field(default_factory=Counter)
    complexity: Snapshot = field(default_factory=dict)


@dataclass(frozen=True)
class BaselineUse:
    """What applying a baseline did, for the report."""

    path: str
    suppressed: int
    #: ``path: CODE`` of entries nothing matched any more (with a count when above one).
    stale: tuple[str, ...]


def _recordable(finding: Finding) -> bool:
    return not finding.code.startswith(NEVER_RECORDED)


class _Lines:
    """The lines of project files, read once each; a file that cannot be read has none."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._files: dict[str, list[str]] = {}

    def text(self, path: str, line: int) -> str:
        if path not in self._files:
            try:
                content = (self._root / path).read_text(encoding="utf-8")
                self._files[path] = content.splitlines()
            except (OSError, UnicodeDecodeError):
                self._files[path] = []
        lines = self._files[path]
        return _SPACE.sub(" ", lines[line - 1]).strip() if 0 < line <= len(lines) else ""


def _key(finding: Finding, lines: _Lines) -> Key:
    # The message stands in for the line when the line is gone or not text.
    context = lines.text(finding.path, finding.line) or finding.message
    digest = hashlib.sha256(context.encode()).hexdigest()[:16]
    return (finding.code, finding.path, digest)


def record(root: Path, findings: Iterable[Finding], complexity: Snapshot) -> dict[str, Any]:
    """The JSON document of a baseline of ``findings`` (stable order, easy to review in a diff)."""
    lines = _Lines(root)
    counts = Counter(_key(f, lines) for f in findings if _recordable(f))
    return {
        "version": BASELINE_VERSION,
        "findings": [
            {"code": code, "path": path, "context": digest, "count": count}
            for (code, path, digest), count in sorted(
                counts.items(), key=lambda i: i[0][1:] + i[0][:1]
            )
        ],
        "complexity": {
            path: dict(sorted(blocks.items())) for path, blocks in sorted(complexity.items())
        },
    }


def load(path: Path) -> Baseline:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"{path}: cannot read the baseline: {error}") from None
    except json.JSONDecodeError as error:
        raise BaselineError(
            f"{path}:{error.lineno}:{error.colno}: the baseline is not valid JSON: {error.msg}; "
            "run `metstandards baseline` to write it again"
        ) from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION:
        raise BaselineError(
            f"{path}: not a metstandards baseline of version {BASELINE_VERSION}; "
            "run `metstandards baseline` to write it again"
        )
    try:
        findings = Counter[Key](
            {(e["code"], e["path"], e["context"]): int(e["count"]) for e in document["findings"]}
        )
        complexity = {
            str(p): {str(block): int(cc) for block, cc in blocks.items()}
            for p, blocks in document["complexity"].items()
        }
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BaselineError(f"{path}: a baseline entry is malformed ({error!r})") from None
    return Baseline(findings, complexity)


def apply(
    baseline: Baseline,
    root: Path,
    findings: Iterable[Finding],
    name: str,
    covered: Callable[[str, str], bool] | None = None,
) -> tuple[list[Finding], BaselineUse]:
    """``findings`` less those the baseline records, and what was stale in it.

    ``covered(code, path)`` says which entries this run could have matched: a commit hook that
    checked two files with one tool cannot tell whether entries elsewhere are stale."""
    remaining: Counter[Key] = Counter(baseline.findings)
    lines = _Lines(root)
    kept: list[Finding] = []
    suppressed = 0
    for finding in findings:
        key = _key(finding, lines) if _recordable(finding) else None
        if key is not None and remaining[key] > 0:
            remaining[key] -= 1
            suppressed += 1
        else:
            kept.append(finding)
    stale = tuple(
        f"{path}: {code}" + (f" (x{count})" if count > 1 else "")
        for (code, path, _), count in sorted(remaining.items(), key=lambda i: i[0][1:] + i[0][:1])
        if count > 0 and (covered is None or covered(code, path))
    )
    return kept, BaselineUse(name, suppressed, stale)

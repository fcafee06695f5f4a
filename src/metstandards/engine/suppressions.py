"""Suppression comments: ``# metstandards: ignore[MS202]``, ``# noqa: MS202`` and the file form.

Comments are read with :mod:`tokenize`, so a ``# noqa`` inside a string never counts, and only
for files whose text mentions a marker at all. ``# noqa`` codes that belong to other tools
(``S301``, ``F401``) are left alone; a blanket ``# noqa`` does not silence metstandards, and a
bandit/ruff ``# noqa: S301`` does not silence MS202.

:func:`parse_suppressions` reads them from a file's text (in the worker that checks it);
:func:`apply` drops the findings they silence once every file's findings are in, and reports the
ones that silence nothing (MS001).
"""

from __future__ import annotations

import io
import re
import tokenize
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from metstandards.findings import Finding, Severity, Span
from metstandards.rules.meta.file_not_checked import FileNotChecked
from metstandards.rules.meta.unused_suppression import UnusedSuppression

if TYPE_CHECKING:
    from metstandards.engine.analyze import FileResult
    from metstandards.registry import Registry
    from metstandards.rule import Rule

_OURS = re.compile(r"#\s*metstandards\s*:\s*(ignore-file|ignore)\b\s*(?:\[([^\]]*)\])?", re.I)
_NOQA = re.compile(r"#\s*noqa\s*:\s*([A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*)", re.I)
_CODE_LIKE = re.compile(r"^[A-Z]+[0-9]+$")


@dataclass(frozen=True)
class Suppression:
    """One code named by one comment; ``form`` "ignore-file" covers the whole file."""

    line: int
    column: int
    code: str
    form: str  # "ignore", "ignore-file" or "noqa"


def _comments(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                found.append((token.start[0], token.start[1] + 1, token.string))
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def parse_suppressions(text: str, known_prefixes: frozenset[str]) -> list[Suppression]:
    """Every suppression in ``text``. Codes in ``# noqa`` count only with a prefix we own."""
    lowered = text.lower()
    if "metstandards" not in lowered and "noqa" not in lowered:
        return []
    result: list[Suppression] = []
    for line, column, comment in _comments(text):
        for match in _OURS.finditer(comment):
            form = match.group(1).lower()
            codes = [c.strip().upper() for c in (match.group(2) or "").split(",") if c.strip()]
            if not codes:
                result.append(Suppression(line, column, "", form))
            for code in codes:
                result.append(Suppression(line, column, code, form))
        for match in _NOQA.finditer(comment):
            for written in re.split(r"[\s,]+", match.group(1).strip()):
                code = written.upper()
                if _CODE_LIKE.match(code) and code.rstrip("0123456789") in known_prefixes:
                    result.append(Suppression(line, column, code, "noqa"))
    return result


def _covers(suppression: Suppression, finding: Finding) -> bool:
    """Whether ``suppression`` silences ``finding``: the same code, on its first or last line, or
    anywhere in the file for ``ignore-file``."""
    if suppression.code != finding.code:
        return False
    return suppression.form == "ignore-file" or suppression.line in (finding.line, finding.end_line)


def apply(
    findings: list[Finding],
    results: Mapping[str, FileResult],
    registry: Registry,
    enabled: Callable[[FileResult], set[str]],
    rules: Sequence[type[Rule]],
) -> list[Finding]:
    """Drop suppressed findings; report suppressions that are unknown, empty or unused (MS001).

    ``enabled(result)`` is the codes that ran in that file: a suppression of another code is
    not reported as unused there."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_path[finding.path].append(finding)
    report_unused = any(rule.code == UnusedSuppression.code for rule in rules)
    kept: list[Finding] = []
    for path, path_findings in by_path.items():
        result = results.get(path)
        suppressions = result.suppressions if result is not None else []
        used: set[Suppression] = set()
        for finding in path_findings:
            covering = [s for s in suppressions if _covers(s, finding)]
            if covering and finding.code != FileNotChecked.code:
                used.update(covering)
            else:
                kept.append(finding)
        if report_unused and result is not None:
            kept.extend(_unused(path, suppressions, used, registry, enabled(result)))
    for path, result in results.items():
        if path not in by_path and report_unused:
            kept.extend(_unused(path, result.suppressions, set(), registry, enabled(result)))
    return kept


def _unused(
    path: str,
    suppressions: list[Suppression],
    used: set[Suppression],
    registry: Registry,
    enabled: set[str],
) -> list[Finding]:
    """MS001 for each suppression of ``path`` that silenced nothing: one naming no code, an
    unknown code or MS000, or an enabled rule that found nothing there."""
    found = []
    for suppression in suppressions:
        if suppression in used:
            continue
        comment = "noqa" if suppression.form == "noqa" else f"metstandards: {suppression.form}"
        if not suppression.code:
            message = f"`# {comment}` names no rule code; write the codes, e.g. `[MS202]`"
        elif suppression.code not in registry.codes:
            message = f"`# {comment}` names unknown rule code {suppression.code}"
        elif suppression.code == FileNotChecked.code:
            message = f"{FileNotChecked.code} cannot be suppressed; exclude the file instead"
        elif suppression.code in enabled:
            message = f"unused suppression: no {suppression.code} finding here; remove it"
        else:
            continue
        span = Span(suppression.line, suppression.column, suppression.line, suppression.column)
        rule = UnusedSuppression
        found.append(Finding.at(path, span, rule.code, rule.name, Severity.WARNING, message))
    return found

"""GitLab Code Quality: the JSON file a job names in ``artifacts:reports:codequality``.

GitLab shows its issues in the merge request (new and fixed ones against the target branch),
on the changed lines of the diff, and in the pipeline's Code Quality tab. The format is a subset
of the Code Climate issue: a JSON array with, for each finding, ``description``, ``check_name``,
``fingerprint``, ``severity`` and ``location`` (``path`` relative to the repository, and
``lines.begin``/``lines.end``). ``gitlab-code-quality.schema.json`` next to this module is
that format written out from GitLab's documentation
(https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format).

The fingerprint is how GitLab tells a finding that was already there from a new one, so it is
made of what the finding is and never of where it sits: the code, the path, the message (with
any "line 12" in it made line-free) and the finding's rank among identical ones in its file.
Code added or removed above a finding leaves its fingerprint as it was; a second identical
finding in the file gets a fingerprint of its own (GitLab shows only one issue per fingerprint).

Severities: GitLab ranks info < minor < major < critical < blocker. A warning is ``minor``, an
error ``major``; an error that exposes a secret or lets a file run code when loaded (MS3xx,
MS202), a bandit error and a known vulnerability (pip-audit) are ``critical``; a release tag
that names another version than the project (MS502) is a ``blocker``, since that release must
not go out. A check that did not run is not an issue of the code: it is in the job log and the
JUnit report, and the job fails with exit status 3.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from metstandards.findings import Finding, Severity
from metstandards.reporters import cell_place, raw_bytes, visible_data

if TYPE_CHECKING:
    from metstandards.engine.runner import LintResult

#: Codes (or prefixes) whose error findings are ``critical``.
CRITICAL = ("MS3", "MS202", "bandit:", "pip-audit:")
#: Codes whose findings are ``blocker``s.
BLOCKER = ("MS502",)
#: "line 12", "lines 3-5", "line 3 to 7": a place in the file, in a message (mypy's "already
#: defined on line 12", ruff's "redefinition of unused `x` from line 3").
_LINE_REFERENCE = re.compile(r"\b(lines?)\s+\d+(?:\s*(?:-|to|and)\s*\d+)?", re.IGNORECASE)


def severity(finding: Finding) -> str:
    """The finding's place on GitLab's scale (see the module's docs)."""
    if finding.code.startswith(BLOCKER):
        return "blocker"
    if finding.severity is Severity.WARNING:
        return "minor"
    if finding.code.startswith(CRITICAL):
        return "critical"
    return "major"


def identity(finding: Finding) -> tuple[str, str, str]:
    """What the fingerprint is made of besides the rank: code, path and the message without
    line numbers (findings equal in these are told apart by their rank in the file)."""
    message = _LINE_REFERENCE.sub(lambda match: f"{match.group(1)} N", finding.message)
    return finding.code, finding.path, message


def fingerprint(finding: Finding, occurrence: int) -> str:
    """The finding's :func:`identity` and its rank among the findings of equal identity (1 for
    the first in the file), hashed."""
    text = "\0".join((*identity(finding), str(occurrence)))
    return hashlib.sha256(raw_bytes(text)).hexdigest()


def issue(finding: Finding, occurrence: int) -> dict[str, Any]:
    """One finding as a Code Quality issue. One in a notebook is placed on the notebook's first
    line (GitLab's lines would be the notebook's JSON); its description names the cell."""
    begin = max(finding.line, 1) if finding.cell is None else 1
    end = max(finding.end_line, begin) if finding.cell is None else 1
    return {
        "description": f"{finding.code} {finding.name}: {cell_place(finding)}{finding.message}",
        "check_name": finding.code,
        "fingerprint": fingerprint(finding, occurrence),
        "severity": severity(finding),
        "location": {
            # GitLab matches the path against the repository's files; "./x.py" matches nothing.
            "path": finding.path.removeprefix("./"),
            "lines": {"begin": begin, "end": end},
        },
    }


def document(result: LintResult) -> list[dict[str, Any]]:
    """The report as a JSON-ready list, in the findings' order."""
    seen: Counter[tuple[str, str, str]] = Counter()
    issues = []
    for finding in result.findings:
        seen[identity(finding)] += 1
        issues.append(issue(finding, seen[identity(finding)]))
    return issues


def render(result: LintResult, color: bool) -> str:
    """The report as JSON, every text in it encodable (:func:`~metstandards.reporters.visible`)."""
    return json.dumps(visible_data(document(result)), indent=2) + "\n"

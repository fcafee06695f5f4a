"""SARIF 2.1.0 for GitHub code scanning (documented in docs/output-formats.md).

One run. ``tool.driver.rules`` describes every rule that ran and every rule that reported, by
code, with its docs as help; results keep the findings' order. Paths are project-relative URIs
against ``%SRCROOT%``, percent-encoded from the bytes of the name on disk (a latin-1 ``café.py`` is
``caf%E9.py``); in texts such a byte is written ``\\xe9``. Columns count Unicode code points,
end columns are exclusive, as in SARIF.

A finding in a Jupyter notebook has its cell's number in the result's ``properties.cell``, and
its region is the lines and columns within that cell (SARIF has no notion of cells; the file's
own lines are the notebook's JSON). Its message text begins with the cell, line and column, so
that a viewer that shows the region on the JSON still says where the code is.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from metstandards import __version__
from metstandards.findings import Finding
from metstandards.reporters import cell_place, raw_bytes, visible_data
from metstandards.rules.meta.file_not_checked import FileNotChecked

if TYPE_CHECKING:
    from metstandards.engine.runner import LintResult
    from metstandards.rule import Rule

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/metstandards/metstandards"
SRCROOT = "%SRCROOT%"
#: metstandards' own key in ``partialFingerprints``; bump ``/v1`` if the recipe changes.
FINGERPRINT_KEY = "metstandardsFinding/v1"
NOT_CHECKED = FileNotChecked.code
_SRCROOT_TEXT = (
    "The project root: the directory of pyproject.toml, setup.py or setup.cfg, else the git work "
    "tree."
)

_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.M)


def _section(doc: str, title: str) -> str:
    """The body of one ``## title`` section of a rule's docs, or "" if it has none."""
    headings = list(_HEADING.finditer(doc))
    for index, heading in enumerate(headings):
        if heading.group(1) == title:
            end = headings[index + 1].start() if index + 1 < len(headings) else len(doc)
            return doc[heading.end() : end].strip()
    return ""


def _descriptor(rule: type[Rule]) -> dict[str, Any]:
    doc = inspect.cleandoc(rule.__doc__ or "") or rule.summary()
    summary = rule.summary()
    full = _section(doc, "What it does") or summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": " ".join(full.split())},
        "help": {"text": doc, "markdown": f"# {rule.code} {rule.name}\n\n{doc}"},
        "defaultConfiguration": {"level": rule.severity.value},
    }


def _fallback_descriptor(finding: Finding) -> dict[str, Any]:
    """A rule reported that the result carries no class for (a hand-made LintResult)."""
    return {
        "id": finding.code,
        "name": finding.name,
        "shortDescription": {"text": finding.name},
        "defaultConfiguration": {"level": finding.severity.value},
    }


def _region(finding: Finding) -> dict[str, int]:
    """1-based, end column exclusive; a point (MS000 at a syntax error, MS001 at a comment)
    becomes the one character there, so that viewers have something to mark."""
    line = max(finding.line, 1)
    column = max(finding.column, 1)
    end_line = max(finding.end_line, line)
    end_column = max(finding.end_column, 1)
    if end_line == line and end_column <= column:
        end_column = column + 1
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _uri(path: str) -> str:
    """A relative URI reference for ``path``: its bytes on disk, percent-encoded, so that a name
    that is not UTF-8 still makes a valid URI that names exactly that file."""
    return quote(raw_bytes(path), safe="/")


def _location(finding: Finding) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": SRCROOT},
            "region": _region(finding),
        }
    }


def _fingerprint(finding: Finding, occurrence: int) -> str:
    """Code, path, message and the finding's rank among identical ones in its file: stable when
    lines move; different when the path, the rule or what the message says changes."""
    text = "\0".join((finding.code, finding.path, finding.message, str(occurrence)))
    return hashlib.sha256(raw_bytes(text)).hexdigest()


def _incomplete(result: LintResult) -> bool:

    report = result.check_report()
    return report is not None and bool(report.not_run)


def _not_run_notifications(result: LintResult) -> list[dict[str, Any]]:
    """A check of ``metstandards check`` that did not run: an error notification, so code
    scanning shows the analysis as incomplete rather than clean."""

    report = result.check_report()
    if report is None:
        return []
    return [
        {"level": "error", "message": {"text": f"{o.check} did not run: {o.reason}"}}
        for o in report.not_run
    ]


def document(result: LintResult) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict."""
    descriptors = {rule.code: _descriptor(rule) for rule in result.rules}
    for finding in result.findings:
        descriptors.setdefault(finding.code, _fallback_descriptor(finding))
    codes = sorted(descriptors)
    index = {code: position for position, code in enumerate(codes)}

    seen: Counter[tuple[str, str, str]] = Counter()
    results = []
    notifications = []
    for finding in result.findings:
        key = (finding.code, finding.path, finding.message)
        seen[key] += 1
        entry = {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": finding.severity.value,
            "message": {"text": cell_place(finding) + finding.message},
            "locations": [_location(finding)],
            "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(finding, seen[key])},
        }
        if finding.cell is not None:
            entry["properties"] = {"cell": finding.cell}
        results.append(entry)
        if finding.code == NOT_CHECKED:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": f"{finding.path}: {finding.message}"},
                    "locations": [_location(finding)],
                    "associatedRule": {"id": finding.code, "index": index[finding.code]},
                }
            )

    notifications.extend(_not_run_notifications(result))
    invocation: dict[str, Any] = {"executionSuccessful": not _incomplete(result)}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "metstandards",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [descriptors[code] for code in codes],
                    }
                },
                "invocations": [invocation],
                "originalUriBaseIds": {SRCROOT: {"description": {"text": _SRCROOT_TEXT}}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render(result: LintResult, color: bool) -> str:
    """The log as JSON, every text in it encodable (see :func:`~metstandards.reporters.visible`)."""
    return json.dumps(visible_data(document(result)), indent=2) + "\n"

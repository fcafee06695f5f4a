"""The audit as CSV: one row per repository and check, for spreadsheets and dataframes.

A repository that could not be audited has one row, with its error. The columns are stable;
evidence is written as ``path:line`` joined by ``; ``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

COLUMNS = (
    "repository",
    "status",
    "score",
    "passed",
    "code",
    "name",
    "family",
    "verdict",
    "message",
    "evidence",
    "hint",
)


def _evidence(items: list[Mapping[str, Any]]) -> str:
    parts = []
    for item in items:
        where = item["path"] + (f":{item['line']}" if item["line"] else "")
        parts.append(" ".join(p for p in (where, item["detail"]) if p))
    return "; ".join(parts)


def render(document: Mapping[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in document["repositories"]:
        head = [r["name"], r["status"], "" if r["score"] is None else r["score"], r["passed"]]
        if r["status"] == "error":
            writer.writerow([*head, "", "", "", "", r["error"], "", ""])
            continue
        for c in r["checks"]:
            writer.writerow(
                [
                    *head,
                    c["code"],
                    c["name"],
                    c["family"],
                    c["verdict"],
                    c["message"],
                    _evidence(c["evidence"]),
                    c["hint"],
                ]
            )
    return out.getvalue()

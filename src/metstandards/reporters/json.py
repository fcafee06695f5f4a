"""The JSON report, schema version 1 (documented in docs/output-formats.md).

Stable field names and order; findings sorted by path, line, column, code.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from metstandards import __version__

if TYPE_CHECKING:
    from metstandards.engine.runner import LintResult

SCHEMA_VERSION = 1


def document(result: LintResult) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "metstandards", "version": __version__},
        "files_checked": result.files_checked,
        "not_checked": result.not_checked,
        "findings": [
            {
                "code": f.code,
                "name": f.name,
                "severity": f.severity.value,
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "end_line": f.end_line,
                "end_column": f.end_column,
                "message": f.message,
            }
            for f in result.findings
        ],
    }


def render(result: LintResult, color: bool) -> str:
    return json.dumps(document(result), indent=2) + "\n"

"""GitHub Actions workflow commands: one ``::error`` or ``::warning`` annotation a finding.

``::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=CODE name::message``. GitHub reads
``file`` relative to the workspace (the checkout); the command line gives this reporter paths
relative to ``GITHUB_WORKSPACE``, so a project in a sub-directory is annotated too.

Columns go only on single-line findings: GitHub rejects them for an annotation spanning lines.
A finding in a notebook annotates the notebook file without a line (GitHub's lines would be the
notebook's JSON): its cell, line and column begin the message.
Escaping follows the runner's parser: ``%``, CR and LF in the message; those and ``:`` and ``,``
in property values, which would otherwise end the property list or the property. A byte of a
file name that is not UTF-8 is written ``\\xe9``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from metstandards.findings import Finding, Severity
from metstandards.reporters import cell_place

if TYPE_CHECKING:
    from metstandards.engine.runner import LintResult


def escape_data(text: str) -> str:
    """A command's message: ``%`` first, so the escapes themselves survive."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: as data, plus the separators ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _position(finding: Finding) -> list[tuple[str, str]]:
    """``line`` and ``endLine``, with columns on one line; nothing in a notebook."""
    if finding.cell is not None:
        return []
    line = max(finding.line, 1)
    end_line = max(finding.end_line, line)
    if end_line != line:
        return [("line", str(line)), ("endLine", str(end_line))]
    column = max(finding.column, 1)
    return [
        ("line", str(line)),
        ("col", str(column)),
        ("endLine", str(end_line)),
        ("endColumn", str(max(finding.end_column, column))),
    ]


def annotation(finding: Finding) -> str:
    """The workflow command for one finding."""
    command = "error" if finding.severity is Severity.ERROR else "warning"
    properties = [
        ("file", finding.path),
        *_position(finding),
        ("title", f"{finding.code} {finding.name}"),
    ]
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{command} {rendered}::{escape_data(cell_place(finding) + finding.message)}"


def render(result: LintResult, color: bool) -> str:
    from metstandards.reporters import visible

    lines = [annotation(finding) for finding in result.findings]
    report = result.check_report()
    if report is not None:
        # Not tied to a file: an annotation without `file` shows on the run's summary page.
        lines += [
            f"::error title={escape_property(f'{o.check} did not run')}::{escape_data(o.reason)}"
            for o in report.not_run
        ]
    return visible("".join(line + "\n" for line in lines))

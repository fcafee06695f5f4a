"""Findings as LSP diagnostics: range in the client's position encoding, severity, the rule's
code with a link to its documentation, and the faded look for an unused suppression."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from metstandards.findings import Finding, Severity

#: The project's repository ([project.urls] Repository in pyproject.toml; a test keeps them equal).
REPOSITORY = "https://github.com/metstandards/metstandards"
#: The catalogue of every rule (``metstandards rules --format markdown``), whose entries carry
#: the anchor ``#ms202``: the page a diagnostic's code links to.
RULES_PAGE = f"{REPOSITORY}/blob/main/docs/rules.md"
SOURCE = "metstandards"
#: Codes that a suppression comment cannot silence: no quick fix offers one.
UNSUPPRESSIBLE = frozenset({"MS000", "MS001"})
_UNUSED_SUPPRESSION = "MS001"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
}


def rule_url(code: str, origins: Mapping[str, str]) -> str | None:
    """The documentation of rule ``code``: metstandards' own rules are in its catalogue; a
    plugin's rules are documented by the plugin (``metstandards explain CODE`` shows them)."""
    if origins.get(code, "").partition("==")[0] != "metstandards":
        return None
    return f"{RULES_PAGE}#{code.lower()}"


def position(lines: Sequence[str], codec: PositionCodec, line: int, column: int) -> types.Position:
    """The LSP position of a finding's 1-based ``line`` and 1-based ``column`` (in characters),
    clamped to the text (a finding of an older parse may lie past a line's end)."""
    if not lines:
        return types.Position(line=0, character=0)
    row = min(max(line - 1, 0), len(lines) - 1)
    text = lines[row].rstrip("\r\n")
    character = min(max(column - 1, 0), len(text))
    return codec.position_to_client_units(lines, types.Position(line=row, character=character))


def diagnostic(
    finding: Finding, lines: Sequence[str], codec: PositionCodec, origins: Mapping[str, str]
) -> types.Diagnostic:
    """One finding as a diagnostic of the document whose ``lines`` it was found in."""
    start = position(lines, codec, finding.line, finding.column)
    end = position(lines, codec, finding.end_line, finding.end_column)
    if (end.line, end.character) < (start.line, start.character):
        end = start
    url = rule_url(finding.code, origins)
    return types.Diagnostic(
        range=types.Range(start=start, end=end),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=url) if url else None,
        source=SOURCE,
        tags=[types.DiagnosticTag.Unnecessary] if finding.code == _UNUSED_SUPPRESSION else None,
        data={"name": finding.name},
    )

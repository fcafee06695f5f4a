"""Findings as LSP diagnostics: positions in the client's encoding, severity, the link to the
rule's entry in the catalogue (whose anchors it names), the faded unused suppression."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from metstandards.findings import Finding, Severity
from metstandards.registry import Registry
from metstandards.server.diagnostics import REPOSITORY, RULES_PAGE, diagnostic, rule_url

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]


def _finding(
    line: int, column: int, end_line: int, end_column: int, code: str = "MS202"
) -> Finding:
    severity = Severity.WARNING if code == "MS001" else Severity.ERROR
    return Finding("pkg/io.py", line, column, end_line, end_column, code, "name", severity, "msg")


def _range(d: types.Diagnostic) -> tuple[int, int, int, int]:
    return (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        (types.PositionEncodingKind.Utf16, (0, 6, 0, 12)),  # the emoji is two UTF-16 units
        (types.PositionEncodingKind.Utf32, (0, 5, 0, 11)),
        (types.PositionEncodingKind.Utf8, (0, 9, 0, 15)),  # é is two bytes, the emoji four
    ],
)
def test_columns_are_converted_to_the_clients_encoding(
    encoding: types.PositionEncodingKind, expected: tuple[int, int, int, int], registry: Registry
) -> None:
    lines = ["é😀 = torch.load(p)\n"]
    # characters 6 to 12 (1-based, end exclusive): "torch."
    found = diagnostic(_finding(1, 6, 1, 12), lines, PositionCodec(encoding), registry.origins)
    assert _range(found) == expected


def test_severity_code_link_and_tags(registry: Registry) -> None:
    codec = PositionCodec(types.PositionEncodingKind.Utf16)
    error = diagnostic(_finding(1, 1, 1, 2), ["x\n"], codec, registry.origins)
    assert (error.severity, error.code, error.source) == (
        types.DiagnosticSeverity.Error,
        "MS202",
        "metstandards",
    )
    assert error.code_description is not None
    assert error.code_description.href == f"{RULES_PAGE}#ms202"
    assert error.tags is None
    unused = diagnostic(_finding(1, 1, 1, 1, "MS001"), ["x\n"], codec, registry.origins)
    assert unused.severity == types.DiagnosticSeverity.Warning
    assert unused.tags == [types.DiagnosticTag.Unnecessary]


def test_a_stale_position_is_clamped_to_the_text(registry: Registry) -> None:
    codec = PositionCodec(types.PositionEncodingKind.Utf16)
    found = diagnostic(_finding(5, 40, 9, 50), ["ab\n", "c\n"], codec, registry.origins)
    assert _range(found) == (1, 1, 1, 1)


def test_plugin_rules_link_to_nothing_here() -> None:
    assert rule_url("DWD101", {"DWD101": "dwd-rules==1.0"}) is None
    assert rule_url("MS101", {"MS101": "metstandards==0.4.0"}) == f"{RULES_PAGE}#ms101"


def test_the_links_name_the_repository_and_anchors_of_the_catalogue(registry: Registry) -> None:
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls["Repository"] == REPOSITORY
    catalogue = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="([a-z0-9]+)"></a>', catalogue))
    for code, origin in registry.origins.items():
        if origin.startswith("metstandards=="):
            url = rule_url(code, registry.origins)
            assert url is not None
            assert url.partition("#")[2] in anchors, code

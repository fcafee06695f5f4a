"""The audit's text formats, each read back the way its consumers read it: OpenMetrics by
Prometheus' own parser, CSV by the csv module, badges as SVG."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from xml.etree import ElementTree as ET

from prometheus_client.openmetrics.parser import text_string_to_metric_families

from metstandards.audit import csv_table, formats, markdown, openmetrics, text
from metstandards.audit.badge import file_name

from .test_document import build, entry

HOSTILE = 'org/"quoted"\\|pipe\nline'


def sample() -> dict:
    failing = {
        "code": "MS603",
        "name": "tests-in-ci",
        "family": "ci",
        "verdict": "fail",
        "message": "no workflow runs pytest",
        "evidence": [{"path": ".github/workflows/ci.yml", "line": 12, "detail": "job lint"}],
        "hint": "call the python-ci workflow",
    }
    good = entry("org/good", 9.0)
    bad = entry(
        HOSTILE,
        3.0,
        checks=[failing],
        code={**good["code"], "counts": {"MS101": 2, "ruff:F401": 5}},
    )
    broken = entry(
        "org/broken",
        None,
        status="error",
        error="clone failed: not found",
        families=[],
        checks=[],
        code=None,
    )
    return build([good, bad, broken])


def test_openmetrics_parses_back_with_prometheus_own_parser() -> None:
    parsed = {
        family.name: family
        for family in text_string_to_metric_families(openmetrics.render(sample()))
    }
    scores = {s.labels["repository"]: s.value for s in parsed["metstandards_audit_score"].samples}
    assert scores == {"org/good": 9.0, HOSTILE: 3.0}
    checks = [
        (s.labels["repository"], s.labels["code"], s.labels["verdict"])
        for s in parsed["metstandards_audit_check"].samples
    ]
    assert (HOSTILE, "MS603", "fail") in checks
    findings = {
        (s.labels["repository"], s.labels["family"]): s.value
        for s in parsed["metstandards_audit_findings"].samples
    }
    assert findings[(HOSTILE, "reproducibility")] == 2
    assert findings[(HOSTILE, "code-quality")] == 5
    errors = {
        s.labels["repository"]: s.value
        for s in parsed["metstandards_audit_repository_error"].samples
    }
    assert errors["org/broken"] == 1
    assert parsed["metstandards_audit_passing"].samples[0].value == 1


def test_csv_has_a_row_per_repository_and_check() -> None:
    rows = list(csv.DictReader(io.StringIO(csv_table.render(sample()))))
    assert [tuple(rows[0])] == [csv_table.COLUMNS]
    by_repo = {(row["repository"], row["code"]): row for row in rows}
    failing = by_repo[(HOSTILE, "MS603")]
    assert failing["verdict"] == "fail"
    assert failing["evidence"] == ".github/workflows/ci.yml:12 job lint"
    assert by_repo[("org/broken", "")]["message"] == "clone failed: not found"
    assert len(rows) == 3


def test_markdown_tables_survive_pipes_and_newlines_in_names() -> None:
    rendered = markdown.render(sample())
    table = rendered.split("\n\n")[2].splitlines()
    # A pipe in a name is escaped: every row has the header's number of cells.
    assert {line.replace("\\|", "").count("|") for line in table} == {13}
    assert 'org/"quoted"\\\\\\|pipe line' in rendered
    assert (
        "| MS603 tests-in-ci | no workflow runs pytest | call the python-ci workflow |" in rendered
    )
    assert "- org/broken: clone failed: not found" in rendered


def test_text_names_every_repository_and_the_totals() -> None:
    rendered = text.render(sample())
    assert re.search(r"^org/broken +- +error: clone failed: not found$", rendered, re.M)
    assert re.search(
        r'^org/"quoted"\\\|pipe\\x0aline +3\.0 +below 7 \(failing: MS603\)$', rendered, re.M
    )
    assert "3 repositories: 2 audited, 1 passing (score 7 or more), 1 not audited" in rendered


def test_badges_are_svg_files_named_after_the_repositories(tmp_path: Path) -> None:
    formats.write("badges", sample(), tmp_path / "badges")
    written = sorted(p.name for p in (tmp_path / "badges").iterdir())
    assert written == sorted([file_name("org/good"), file_name(HOSTILE), file_name("org/broken")])
    assert file_name("org/good") == "org--good.svg"
    good = ET.parse(tmp_path / "badges" / "org--good.svg").getroot()
    assert "9.0/10" in "".join(good.itertext())
    broken = ET.parse(tmp_path / "badges" / file_name("org/broken")).getroot()
    assert "not audited" in "".join(broken.itertext())

"""The JSON document: valid against its shipped schema, sharded and merged back into what one
run writes, compared with the previous run, and read back with clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from metstandards.audit import document
from metstandards.audit.document import DocumentError

WEIGHTS = {"ci": 2.0}


def entry(name: str, score: float | None = 7.5, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": name,
        "source": f"/srv/{name}",
        "web_url": f"https://github.com/{name}",
        "commit": "0" * 40,
        "status": "audited",
        "error": "",
        "score": score,
        "passed": score is not None and score >= 7,
        "families": [{"id": "ci", "score": score, "lost": []}],
        "checks": [
            {
                "code": "MS601",
                "name": "pre-commit-standard",
                "family": "ci",
                "verdict": "pass",
                "message": "runs the hooks",
                "evidence": [{"path": ".pre-commit-config.yaml", "line": 3, "detail": ""}],
                "hint": "",
            }
        ],
        "code": {
            "files": 3,
            "lines": 120,
            "parts": [{"check": "lint", "status": "passed", "reason": "", "findings": 0}],
            "counts": {},
            "findings": [],
            "findings_total": 0,
        },
        "seconds": 1.5,
    }
    base.update(changes)
    return base


def build(entries: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    return document.build(entries, profile="wg3", pass_score=7.0, weights=WEIGHTS, **options)


def test_a_document_validates_and_summarises_its_repositories() -> None:
    entries = [
        entry("org/b", 9.5),
        entry("org/a", 4.0),
        entry(
            "org/c", None, status="error", error="clone failed", families=[], checks=[], code=None
        ),
        entry("org/d", 10.0),
    ]
    built = build(entries)
    jsonschema.validate(built, document.schema())
    assert [r["name"] for r in built["repositories"]] == ["org/a", "org/b", "org/c", "org/d"]
    assert built["summary"] == {
        "repositories": 4,
        "audited": 3,
        "errors": 1,
        "passing": 2,
        "mean_score": 7.8,
        "distribution": [0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1],
    }
    assert {f["id"]: f["weight"] for f in built["families"]}["ci"] == 2.0


def test_shards_partition_the_repositories_stably() -> None:
    names = [f"org/repo-{i}" for i in range(200)]
    shards = [document.shard(names, str, index, 4) for index in range(1, 5)]
    assert sorted(n for shard in shards for n in shard) == sorted(names)
    assert all(30 < len(shard) < 70 for shard in shards)
    assert document.shard(names, str, 3, 4) == shards[2]


def test_merged_shards_equal_the_whole_run(tmp_path: Path) -> None:
    entries = [entry(f"org/repo-{i}", float(i % 11)) for i in range(20)]
    whole = build(entries, generated_at="2026-12-04T10:00:00Z")
    paths = []
    for index in (1, 2, 3):
        part = document.shard(entries, lambda e: e["name"], index, 3)
        shard_doc = build(part, shard_of=(index, 3), generated_at=f"2026-12-04T0{index}:00:00Z")
        path = tmp_path / f"shard-{index}.json"
        path.write_text(document.render(shard_doc))
        paths.append(path)
    merged = document.merge([(p, document.load(p)) for p in paths])
    assert merged["generated_at"] == "2026-12-04T03:00:00Z"
    assert {**merged, "generated_at": None} == {**whole, "generated_at": None}


def test_merging_refuses_shards_of_different_runs(tmp_path: Path) -> None:
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    one.write_text(document.render(build([entry("org/a")])))
    other = document.build([entry("org/b")], profile="wg3", pass_score=8.0, weights=WEIGHTS)
    two.write_text(document.render(other))
    with pytest.raises(DocumentError, match=r"two\.json: its pass_score differs from"):
        document.merge([(p, document.load(p)) for p in (one, two)])
    two.write_text(document.render(build([entry("org/a")])))
    with pytest.raises(DocumentError, match="repository org/a is also in"):
        document.merge([(p, document.load(p)) for p in (one, two)])


def test_the_trend_names_score_changes_checks_and_findings() -> None:
    check = entry("org/a")["checks"][0]
    before = build(
        [
            entry(
                "org/a",
                5.0,
                checks=[{**check, "verdict": "fail"}],
                code={**entry("x")["code"], "counts": {"MS101": 3, "ruff:F401": 1}},
            ),
            entry("org/gone", 6.0),
        ],
        generated_at="2026-11-27T05:00:00Z",
    )
    now = build(
        [
            entry("org/a", 8.0, code={**entry("x")["code"], "counts": {"MS101": 1, "MS202": 2}}),
            entry("org/new", 9.0),
        ],
        previous=before,
    )
    jsonschema.validate(now, document.schema())
    trend = now["trend"]
    assert trend["previous_generated_at"] == "2026-11-27T05:00:00Z"
    a, new = trend["repositories"]
    assert a == {
        "name": "org/a",
        "score_before": 5.0,
        "score_after": 8.0,
        "newly_passing": ["MS601"],
        "newly_failing": [],
        "findings_new": 2,
        "findings_fixed": 3,
    }
    assert (new["score_before"], new["newly_passing"], new["findings_new"]) == (None, ["MS601"], 0)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{", "not valid JSON"),
        ('{"schema_version": 2}', "not a metstandards audit report of schema version 1"),
        ('{"schema_version": 1}', "has no 'generated_at'"),
    ],
)
def test_a_report_that_cannot_be_read_says_why(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "audit.json"
    path.write_text(text)
    with pytest.raises(DocumentError, match=words):
        document.load(path)


def test_the_schema_ships_in_the_package() -> None:
    shipped = document.schema()
    assert shipped["properties"]["schema_version"] == {"const": 1}
    json.dumps(shipped)

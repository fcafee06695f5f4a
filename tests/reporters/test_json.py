"""``--format json``: the v1 document validates against the schema shipped in the package."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import jsonschema
import pytest

from metstandards import __version__

from .conftest import PROJECT, Lint

FINDING_FIELDS = [
    "code",
    "name",
    "severity",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "message",
]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(
        files("metstandards.reporters").joinpath("lint-report.schema.json").read_text("utf-8")
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_report_validates_and_holds_every_finding(lint: Lint, validator: Any) -> None:
    run = lint(PROJECT, "-f", "json")
    assert run.exit_code == 1
    document = json.loads(run.stdout)
    validator.validate(document)

    assert list(document) == [
        "schema_version",
        "tool",
        "files_checked",
        "not_checked",
        "findings",
        "baseline",
    ]
    assert document["schema_version"] == 1
    assert document["tool"] == {"name": "metstandards", "version": __version__}
    assert document["files_checked"] == 4
    assert document["not_checked"] == ["demo/broken.py"]
    assert all(list(finding) == FINDING_FIELDS for finding in document["findings"])
    assert [tuple(f.values()) for f in document["findings"]] == [
        (
            "MS001", "unused-suppression", "warning", "demo/50%, a:b.py", 1, 8, 1, 8,
            "`# metstandards: ignore` names unknown rule code 50%:X",
        ),
        (
            "MS001", "unused-suppression", "warning", "demo/50%, a:b.py", 2, 8, 2, 8,
            "`# metstandards: ignore` names no rule code; write the codes, e.g. `[MS202]`",
        ),
        (
            "MS000", "file-not-checked", "error", "demo/broken.py", 1, 11, 1, 11,
            "file not checked: syntax error: invalid syntax",
        ),
        (
            "MS202", "unsafe-model-load", "error", "demo/model.py", 3, 9, 3, 25,
            "`torch.load` without `weights_only=True` unpickles arbitrary objects; "
            "pass `weights_only=True` or store weights as safetensors",
        ),
    ]  # fmt: skip


def test_clean_project_exits_zero_with_an_empty_list(lint: Lint, validator: Any) -> None:
    run = lint({"demo/__init__.py": "x = 1\n"}, "-f", "json")
    assert run.exit_code == 0
    document = json.loads(run.stdout)
    validator.validate(document)
    assert (document["files_checked"], document["not_checked"], document["findings"]) == (1, [], [])


def test_output_file_holds_the_same_report(lint: Lint, tmp_path: Any) -> None:
    target = tmp_path / "report.json"
    printed = lint(PROJECT, "-f", "json", root="a").stdout
    written = lint(PROJECT, "-f", "json", "--output-file", str(target), root="b")
    assert written.stdout == ""
    assert written.exit_code == 1
    assert json.loads(target.read_text("utf-8")) == json.loads(printed)


@pytest.mark.parametrize(
    "broken",
    [
        {"schema_version": 2},
        {"files_checked": -1},
        {"findings": [{"code": "MS202"}]},
        {"not_checked": ["/abs/path.py"]},
    ],
)
def test_schema_rejects_what_v1_does_not_allow(broken: dict[str, Any], validator: Any) -> None:
    document = {
        "schema_version": 1,
        "tool": {"name": "metstandards", "version": __version__},
        "files_checked": 0,
        "not_checked": [],
        "findings": [],
    }
    assert validator.is_valid(document)
    assert not validator.is_valid({**document, **broken})


def test_schema_lets_readers_accept_fields_added_within_v1(validator: Any) -> None:
    finding = dict(
        zip(FINDING_FIELDS, ["MS202", "n", "error", "a.py", 1, 1, 1, 2, "m"], strict=True)
    )
    document = {
        "schema_version": 1,
        "tool": {"name": "metstandards", "version": __version__},
        "files_checked": 1,
        "not_checked": [],
        "findings": [{**finding, "fix": None}],
        "files_from_cache": 0,
    }
    assert validator.is_valid(document)

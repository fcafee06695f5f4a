"""``--format sarif``: valid against the official OASIS SARIF 2.1.0 schema, and what code
scanning needs: rule docs, 1-based regions, percent-encoded project-relative URIs, stable
fingerprints, and files not checked as results and as tool notifications."""

from __future__ import annotations

import inspect
import json
import re
from typing import Any
from urllib.parse import unquote

from metstandards import __version__
from metstandards.engine.runner import LintResult
from metstandards.findings import Finding, Severity
from metstandards.registry import load_registry
from metstandards.reporters.sarif import render

from .conftest import PROJECT, Lint

# RFC 3986 characters of a relative reference's path, once percent-encoded.
_URI_PATH = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})+$")


def _sarif(lint: Lint, project: dict[str, str], root: str = "project") -> dict[str, Any]:
    run = lint(project, "-f", "sarif", root=root)
    assert run.exit_code == 1
    document: dict[str, Any] = json.loads(run.stdout)
    return document


def test_report_validates_against_the_official_schema(lint: Lint, sarif_validator: Any) -> None:
    document = _sarif(lint, PROJECT)
    errors = sorted(sarif_validator.iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    clean = lint({"demo/__init__.py": "x = 1\n"}, "-f", "sarif", root="clean")
    assert clean.exit_code == 0
    sarif_validator.validate(json.loads(clean.stdout))
    assert json.loads(clean.stdout)["runs"][0]["results"] == []


def test_driver_describes_every_rule_that_ran_with_its_docs(lint: Lint) -> None:
    document = _sarif(lint, PROJECT)
    assert document["version"] == "2.1.0"
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("metstandards", __version__)
    assert driver["informationUri"] == "https://github.com/metstandards/metstandards"
    registry = load_registry()
    assert [rule["id"] for rule in driver["rules"]] == sorted(registry.rules)
    for descriptor in driver["rules"]:
        rule = registry.rules[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary()
        assert descriptor["defaultConfiguration"]["level"] == rule.severity.value
        assert descriptor["help"]["text"] == inspect.cleandoc(rule.__doc__ or "")
        assert descriptor["help"]["markdown"].endswith(descriptor["help"]["text"])
        assert descriptor["fullDescription"]["text"]
    ms202 = next(d for d in driver["rules"] if d["id"] == "MS202")
    assert ms202["fullDescription"]["text"].startswith("Flags `torch.load(...)` without")
    assert "## Why is this bad?" in ms202["help"]["markdown"]


def test_rules_that_report_unselected_are_still_described(lint: Lint) -> None:
    project = {**PROJECT, "pyproject.toml": ""}
    run = lint(project, "-f", "sarif", "--select", "MS202")
    driver = json.loads(run.stdout)["runs"][0]["tool"]["driver"]
    assert [rule["id"] for rule in driver["rules"]] == ["MS000", "MS202"]


def test_results_locate_each_finding(lint: Lint) -> None:
    run = _sarif(lint, PROJECT)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["columnKind"] == "unicodeCodePoints"
    summary = []
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert _URI_PATH.match(artifact["uri"]), artifact["uri"]
        region = location["physicalLocation"]["region"]
        summary.append(
            (
                result["ruleId"],
                result["level"],
                unquote(artifact["uri"]),
                tuple(region[k] for k in ("startLine", "startColumn", "endLine", "endColumn")),
                result["message"]["text"],
            )
        )
    assert summary == [
        ("MS001", "warning", "demo/50%, a:b.py", (1, 8, 1, 9),
         "`# metstandards: ignore` names unknown rule code 50%:X"),
        ("MS001", "warning", "demo/50%, a:b.py", (2, 8, 2, 9),
         "`# metstandards: ignore` names no rule code; write the codes, e.g. `[MS202]`"),
        ("MS000", "error", "demo/broken.py", (1, 11, 1, 12),
         "file not checked: syntax error: invalid syntax"),
        ("MS202", "error", "demo/model.py", (3, 9, 3, 25),
         "`torch.load` without `weights_only=True` unpickles arbitrary objects; "
         "pass `weights_only=True` or store weights as safetensors"),
    ]  # fmt: skip
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "demo/50%25%2C%20a%3Ab.py"
    )


def test_files_not_checked_are_also_tool_notifications(lint: Lint) -> None:
    run = _sarif(lint, PROJECT)["runs"][0]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert notification["message"]["text"] == (
        "demo/broken.py: file not checked: syntax error: invalid syntax"
    )
    assert notification["associatedRule"]["id"] == "MS000"
    rules = run["tool"]["driver"]["rules"]
    assert rules[notification["associatedRule"]["index"]]["id"] == "MS000"
    clean = _sarif(lint, {"demo/model.py": PROJECT["demo/model.py"]}, root="clean")
    assert "toolExecutionNotifications" not in clean["runs"][0]["invocations"][0]


def _fingerprints(document: dict[str, Any]) -> dict[tuple[str, int], str]:
    return {
        (result["ruleId"], result["locations"][0]["physicalLocation"]["region"]["startLine"]): (
            result["partialFingerprints"]["metstandardsFinding/v1"]
        )
        for result in document["runs"][0]["results"]
    }


def test_fingerprints_are_distinct_and_survive_moved_lines(lint: Lint) -> None:
    first = _fingerprints(_sarif(lint, PROJECT, root="a"))
    assert len(set(first.values())) == len(first) == 4
    assert _fingerprints(_sarif(lint, PROJECT, root="b")) == first
    moved = {**PROJECT, "demo/model.py": "# a comment\n\n" + PROJECT["demo/model.py"]}
    after = _fingerprints(_sarif(lint, moved, root="c"))
    assert after.pop(("MS202", 5)) == first.pop(("MS202", 3))
    assert after == first


def test_report_is_deterministic(lint: Lint) -> None:
    assert (
        lint(PROJECT, "-f", "sarif", root="a").stdout
        == lint(PROJECT, "-f", "sarif", root="b").stdout
    )


def test_hand_made_result_without_rule_classes_is_still_valid(sarif_validator: Any) -> None:
    finding = Finding("pkg/a.py", 4, 2, 4, 2, "XY123", "plugin-rule", Severity.WARNING, "m: 1%")
    document = json.loads(render(LintResult([finding], 1), False))
    sarif_validator.validate(document)
    (rule,) = document["runs"][0]["tool"]["driver"]["rules"]
    assert (rule["id"], rule["name"], rule["defaultConfiguration"]["level"]) == (
        "XY123",
        "plugin-rule",
        "warning",
    )
    (result,) = document["runs"][0]["results"]
    assert result["ruleIndex"] == 0
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 4,
        "startColumn": 2,
        "endLine": 4,
        "endColumn": 3,
    }

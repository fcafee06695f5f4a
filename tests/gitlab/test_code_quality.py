"""``--format gitlab``: GitLab Code Quality JSON, valid against the schema written from GitLab's
documentation, with fingerprints that stay when code moves and severities on GitLab's scale;
for ``lint`` and ``check``, with paths relative to the repository."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from metstandards.cli import main
from metstandards.engine.runner import LintResult
from metstandards.findings import Finding, Severity
from metstandards.reporters import gitlab

SCHEMA_PATH = Path(gitlab.__file__).with_name("gitlab-code-quality.schema.json")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(document)
    return document


def finding(
    path: str = "src/model.py",
    line: int = 3,
    code: str = "MS202",
    message: str = "`torch.load` without `weights_only=True`",
    severity: Severity = Severity.ERROR,
    end_line: int | None = None,
) -> Finding:
    return Finding(path, line, 5, end_line or line, 9, code, "some-name", severity, message)


def report(*findings: Finding) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = json.loads(gitlab.render(LintResult(list(findings), 1), False))
    return issues


def test_the_report_is_a_list_of_issues_valid_against_the_schema(schema: dict[str, Any]) -> None:
    issues = report(
        finding(),
        finding("./pkg/a.py", 0, "MS101", "seedless", Severity.WARNING),
        finding("caf\udce9.py", 7, "ruff:E501", "Line too long (120 > 100)", end_line=9),
        finding(".", 1, "MS601", "no .pre-commit-config.yaml is tracked"),
    )
    jsonschema.validate(issues, schema)
    first, second, third, fourth = issues
    assert first == {
        "description": "MS202 some-name: `torch.load` without `weights_only=True`",
        "check_name": "MS202",
        "fingerprint": first["fingerprint"],
        "severity": "critical",
        "location": {"path": "src/model.py", "lines": {"begin": 3, "end": 3}},
    }
    assert second["location"] == {"path": "pkg/a.py", "lines": {"begin": 1, "end": 1}}
    assert third["location"] == {"path": "caf\\xe9.py", "lines": {"begin": 7, "end": 9}}
    assert fourth["location"]["path"] == "."  # the repository itself (MS6xx)
    assert report() == []
    assert gitlab.render(LintResult([], 0), False) == "[]\n"


@pytest.mark.parametrize(
    ("broken", "why"),
    [
        ({"severity": "high"}, "not on GitLab's scale"),
        ({"location": {"path": "./a.py", "lines": {"begin": 1}}}, "path starts with ./"),
        ({"location": {"path": "/abs/a.py", "lines": {"begin": 1}}}, "absolute path"),
        ({"location": {"path": "a.py"}}, "no line"),
        ({"location": {"path": "a.py", "lines": {"begin": 0}}}, "lines count from 1"),
        ({"fingerprint": ""}, "empty fingerprint"),
    ],
)
def test_the_schema_refuses_what_gitlab_cannot_show(
    schema: dict[str, Any], broken: dict[str, Any], why: str
) -> None:
    issue = {**report(finding())[0], **broken}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([issue], schema)


def test_a_fingerprint_stays_when_code_moves_and_changes_with_what_is_found() -> None:
    moved = report(finding(line=40, end_line=42))[0]["fingerprint"]
    assert report(finding())[0]["fingerprint"] == moved
    others = {
        report(finding(path="src/other.py"))[0]["fingerprint"],
        report(finding(code="MS201"))[0]["fingerprint"],
        report(finding(message="`torch.load` of an untrusted file"))[0]["fingerprint"],
    }
    assert moved not in others
    assert len(others) == 3


def test_identical_findings_of_a_file_get_fingerprints_of_their_own() -> None:
    issues = report(finding(line=3), finding(line=9), finding(path="src/b.py", line=3))
    assert len({issue["fingerprint"] for issue in issues}) == 3
    # The first in the file keeps its fingerprint when another is added below it.
    assert report(finding(line=3))[0]["fingerprint"] == issues[0]["fingerprint"]


def test_line_numbers_in_a_message_do_not_move_its_fingerprint() -> None:
    before = report(finding(code="mypy:no-redef", message='Name "x" already defined on line 3'))
    after = report(finding(code="mypy:no-redef", message='Name "x" already defined on line 30'))
    assert before[0]["fingerprint"] == after[0]["fingerprint"]
    both = report(
        finding(code="ruff:F811", message="Redefinition of unused `x` from line 3"),
        finding(code="ruff:F811", message="Redefinition of unused `x` from line 8", line=12),
    )
    assert both[0]["fingerprint"] != both[1]["fingerprint"]


@pytest.mark.parametrize(
    ("code", "level", "expected"),
    [
        ("MS101", Severity.WARNING, "minor"),
        ("MS101", Severity.ERROR, "major"),
        ("ruff:E501", Severity.ERROR, "major"),
        ("MS301", Severity.ERROR, "critical"),
        ("MS202", Severity.ERROR, "critical"),
        ("bandit:B202", Severity.ERROR, "critical"),
        ("pip-audit:PYSEC-2024-1", Severity.ERROR, "critical"),
        ("bandit:B101", Severity.WARNING, "minor"),
        ("MS502", Severity.ERROR, "blocker"),
    ],
)
def test_severities_on_gitlabs_scale(code: str, level: Severity, expected: str) -> None:
    assert report(finding(code=code, severity=level))[0]["severity"] == expected


PROJECT = {
    "pyproject.toml": '[project]\nname = "demo"\nversion = "0.1.0"\n',
    "demo/__init__.py": "",
    "demo/model.py": "import torch\n\nstate = torch.load(path)\n",
}


def _repository(root: Path) -> Path:
    """A repository with the project in a sub-directory, as in a monorepo."""
    for relpath, text in PROJECT.items():
        path = root / "services" / "demo" / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("command", [["lint"], ["check", "--only", "lint"]])
def test_lint_and_check_write_the_report_with_paths_relative_to_the_repository(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    schema: dict[str, Any],
    command: list[str],
) -> None:
    """Run from the repository root, as a CI job is: GitLab matches the paths to its files."""
    root = _repository(tmp_path / "repo")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(
        main, [*command, "services/demo", "--no-cache", "--format", "gitlab"]
    )
    assert result.exit_code == 1, result.output
    issues = json.loads(result.stdout)
    jsonschema.validate(issues, schema)
    assert [(i["check_name"], i["location"]["path"]) for i in issues] == [
        ("MS202", "services/demo/demo/model.py")
    ]
    written = tmp_path / "gl-code-quality-report.json"
    extra = CliRunner().invoke(
        main, ["check", "services/demo", "--only", "lint", "--report", f"gitlab={written}"]
    )
    assert extra.exit_code == 1, extra.output
    assert json.loads(written.read_text(encoding="utf-8")) == issues

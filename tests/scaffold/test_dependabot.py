"""``.github/dependabot.yml`` keeps the pins init writes current: written when missing, merged
into the repository's own otherwise; GitHub's schema (check-jsonschema's vendored copy) and
zizmor accept what is written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from ._init import in_order, init, project, tool, tree

PYPROJECT = '[project]\nname = "demo"\nversion = "0.1.0"\n'
DEPENDABOT = ".github/dependabot.yml"

# The repository's own: quoted values, sequences flush with their key, an ecosystem left
# commented out.
OWN = """\
version: 2
updates:
- package-ecosystem: "pip"
  directory: "/"
  schedule:
    interval: "daily"
# - package-ecosystem: "github-actions"
#   directory: "/"
"""


def zizmor_findings(path: Path) -> list[tuple[str, int]]:
    """(audit, line) of each finding; zizmor offline and without a configuration."""
    done = tool(
        "zizmor", "--offline", "--no-config", "--strict-collection", "--format", "json", path,
        cwd=path.parent,
    )  # fmt: skip
    findings = json.loads(done.stdout or "null")
    assert isinstance(findings, list), done.stderr
    return [
        (finding["ident"], location["concrete"]["location"]["start_point"]["row"] + 1)
        for finding in findings
        for location in finding["locations"]
    ]


def schema_errors(path: Path) -> str:
    done = tool("check-jsonschema", "--builtin-schema", "vendor.dependabot", path, cwd=path.parent)
    return "" if done.returncode == 0 else done.stdout + done.stderr


def ecosystems(path: Path) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(u["package-ecosystem"], u["schedule"]["interval"]) for u in data["updates"]]


@pytest.mark.slow
def test_a_repository_without_one_gets_weekly_actions_and_pip_updates(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo", {"pyproject.toml": PYPROJECT})
    result = init(repo)
    assert re.search(rf"^created +{DEPENDABOT}$", result.output, re.M), result.output
    assert ecosystems(repo / DEPENDABOT) == [("github-actions", "weekly"), ("pip", "weekly")]
    assert schema_errors(repo / DEPENDABOT) == ""
    assert zizmor_findings(repo / DEPENDABOT) == []


@pytest.mark.slow
def test_the_repositorys_own_gets_the_missing_ecosystem_and_keeps_the_rest(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo", {"pyproject.toml": PYPROJECT, DEPENDABOT: OWN})
    before = zizmor_findings(repo / DEPENDABOT)
    result = init(repo)
    assert result.exit_code == 0, result.output
    assert re.search(rf"^updated +{DEPENDABOT} \(adds the github-actions updates; keeps its 1 "
                     r"other update\)$", result.output, re.M), result.output  # fmt: skip
    text = (repo / DEPENDABOT).read_text()
    assert in_order(OWN.splitlines(), text.splitlines())
    assert ecosystems(repo / DEPENDABOT) == [("pip", "daily"), ("github-actions", "weekly")]
    assert '    interval: "daily"\n- package-ecosystem: github-actions\n  directory: /\n' in text
    assert schema_errors(repo / DEPENDABOT) == ""
    assert zizmor_findings(repo / DEPENDABOT) == before  # the team's own entry: as it was

    written = tree(repo)
    assert init(repo).output.endswith("Up to date: nothing to change.\n")
    assert tree(repo) == written


@pytest.mark.slow
def test_a_dependabot_yaml_is_merged_where_it_is(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo", {"pyproject.toml": PYPROJECT, ".github/dependabot.yaml": OWN})
    result = init(repo)
    assert re.search(r"^updated +\.github/dependabot\.yaml ", result.output, re.M), result.output
    assert not (repo / DEPENDABOT).exists()


@pytest.mark.slow
def test_no_workflows_no_dependabot(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo", {"pyproject.toml": PYPROJECT})
    assert init(repo, "--workflows", "").exit_code == 0
    assert not (repo / ".github").exists()

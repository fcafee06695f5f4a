"""One test for every registered rule: its VALID examples give no finding of its code, each
INVALID example gives at least one (in a notebook's cell too, exactly when the rule checks
notebooks), and its docs have the fixed sections in order."""

from __future__ import annotations

import inspect
from collections.abc import Mapping

import pytest
from conftest import notebook

from metstandards.registry import load_registry
from metstandards.rule import DOC_SECTIONS, Example, ProjectRule, Rule

RULES = sorted(load_registry().rules.values(), key=lambda rule: rule.code)


def _files(example: Example) -> Mapping[str, str]:
    return {"pkg/example.py": example} if isinstance(example, str) else example


def _cases(kind: str, *, single_file: bool = False) -> list[object]:
    """Every example of ``kind``; with ``single_file``, only those of one file (a cell holds
    one file's code, not a project of several)."""
    return [
        pytest.param(rule, example, id=f"{rule.code}-{kind}-{index}")
        for rule in RULES
        for index, example in enumerate(getattr(rule, kind))
        if isinstance(example, str) or not single_file
    ]


@pytest.mark.parametrize(("rule", "example"), _cases("VALID"))
def test_valid_example_has_no_finding(rule: type[Rule], example: Example, lint_project) -> None:
    result = lint_project(_files(example))
    assert [f for f in result.findings if f.code == rule.code] == []


@pytest.mark.parametrize(("rule", "example"), _cases("INVALID"))
def test_invalid_example_is_found(rule: type[Rule], example: Example, lint_project) -> None:
    result = lint_project(_files(example))
    found = [f for f in result.findings if f.code == rule.code]
    assert found, f"{rule.code} found nothing in:\n{example}"
    assert all(f.name == rule.name and f.message for f in found)


@pytest.mark.parametrize(("rule", "example"), _cases("INVALID", single_file=True))
def test_invalid_example_in_a_notebook_is_found_by_a_rule_that_checks_notebooks(
    rule: type[Rule], example: str, lint_project
) -> None:
    result = lint_project({"notebooks/example.ipynb": notebook("md:# Example", example)})
    found = [f for f in result.findings if f.code == rule.code]
    assert bool(found) == (rule.notebooks and not issubclass(rule, ProjectRule)), found
    assert all(f.cell == 2 for f in found)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_is_documented(rule: type[Rule]) -> None:
    doc = inspect.cleandoc(rule.__doc__ or "")
    headings = [line[3:].strip() for line in doc.splitlines() if line.startswith("## ")]
    assert headings == list(DOC_SECTIONS), f"{rule.code} docs sections: {headings}"
    assert rule.VALID, f"{rule.code} needs VALID examples"
    assert rule.INVALID, f"{rule.code} needs INVALID examples"
    assert rule.name == rule.name.lower()
    assert " " not in rule.name

"""One finding per problem: tool findings the profile maps to a rule, at the rule's site."""

from __future__ import annotations

from pathlib import Path

import pytest

from metstandards._toml import tomllib
from metstandards.check.duplicates import fold, fold_outcomes
from metstandards.check.settings import load_check_settings
from metstandards.config import ConfigError
from metstandards.findings import Finding, Severity, Span
from metstandards.results import Outcome, Status

SAME = {"MS202": ["bandit:B301", "bandit:B614", "ruff:S301"]}


def finding(code: str, line: int, end_line: int | None = None, path: str = "pkg/io.py") -> Finding:
    span = Span(line, 5, end_line or line, 20)
    return Finding.at(path, span, code, code.lower(), Severity.ERROR, f"{code} says so")


def test_tool_findings_at_the_rules_site_are_named_in_it() -> None:
    folded = fold(
        [finding("MS202", 7, 9), finding("bandit:B614", 8), finding("ruff:S301", 7)], SAME
    )
    assert [(f.code, f.message) for f in folded] == [
        ("MS202", "MS202 says so (also bandit B614, ruff S301)")
    ]


@pytest.mark.parametrize(
    "other",
    [
        finding("bandit:B614", 10),  # another line
        finding("bandit:B614", 7, path="pkg/other.py"),  # another file
        finding("bandit:B608", 7),  # another reason
    ],
)
def test_a_tool_finding_elsewhere_or_for_another_reason_stays(other: Finding) -> None:
    assert fold([finding("MS202", 7), other], SAME) == sorted([finding("MS202", 7), other])


def test_a_check_left_with_nothing_passed_and_says_where_its_findings_went() -> None:
    lint = Outcome.ran("lint", [finding("MS202", 7)])
    bandit = Outcome.ran("bandit", [finding("bandit:B301", 7), finding("bandit:B608", 9)])
    ruff = Outcome.ran("ruff", [finding("ruff:S301", 7)])
    lint_after, bandit_after, ruff_after = fold_outcomes([lint, bandit, ruff], SAME)
    assert lint_after.findings[0].message.endswith("(also bandit B301, ruff S301)")
    assert [f.code for f in bandit_after.findings] == ["bandit:B608"]
    assert bandit_after.reason == "1 finding shown as the metstandards rule's"
    assert (ruff_after.status, ruff_after.findings) == (Status.PASSED, ())


def _settings(tmp_path: Path, table: str) -> object:
    pyproject = tmp_path / "pyproject.toml"
    text = f"[tool.metstandards.duplicates]\n{table}\n"
    pyproject.write_text(text, encoding="utf-8")
    user = {"duplicates": tomllib.loads(text)["tool"]["metstandards"]["duplicates"]}
    return load_check_settings("wg3", pyproject, text, user).table("duplicates")


def test_a_repository_adds_a_rule_to_the_table(tmp_path: Path) -> None:
    table = _settings(tmp_path, 'MS301 = ["bandit:B105"]')
    assert table == {**SAME, "MS301": ["bandit:B105"]}


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ('ms301 = ["bandit:B105"]', "must be a rule code such as MS202"),
        ('MS301 = ["B105"]', "must be a list of wrapped tools' codes"),
    ],
)
def test_a_bad_entry_names_the_file_line_and_key(tmp_path: Path, entry: str, words: str) -> None:
    with pytest.raises(ConfigError, match=rf"pyproject.toml:2: .*{words}"):
        _settings(tmp_path, entry)


def test_two_findings_of_one_code_at_one_place_both_stay_as_they_are() -> None:
    """MS501's module and project averages both start at a module's first line."""
    span = Span(1, 1, 1, 1)
    module = Finding.at("pkg/m.py", span, "MS501", "complexity", Severity.ERROR, "module's")
    project = Finding.at("pkg/m.py", span, "MS501", "complexity", Severity.ERROR, "project's")
    (outcome,) = fold_outcomes([Outcome.ran("complexity", [module, project])], SAME)
    assert [f.message for f in outcome.findings] == ["module's", "project's"]

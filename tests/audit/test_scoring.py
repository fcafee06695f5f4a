"""Scores per family and per repository, and the reason for every point lost."""

from __future__ import annotations

import pytest

from metstandards.audit import families
from metstandards.audit.scoring import (
    CodeSummary,
    Policy,
    repository_score,
    score_families,
)
from metstandards.repository.check import Result, Verdict

POLICY = Policy(
    5.0, 10.0, dict.fromkeys(families.TITLES, 1.0), ("lint", "complexity", "ruff", "bandit")
)
ALL_RAN = frozenset(POLICY.parts)


def result(code: str, family: str, verdict: Verdict, message: str = "why") -> Result:
    return Result(code, code.lower(), family, verdict, message, (), "do this")


def by_family(scores: list) -> dict:
    return {s.family: s for s in scores}


def test_a_family_of_checks_scores_the_share_that_passes_and_names_each_loss() -> None:
    checks = [
        result("MS601", "ci", Verdict.PASS),
        result("MS602", "ci", Verdict.FAIL, "no CI calls metstandards"),
        result("MS603", "ci", Verdict.ERROR, "the workflow is not YAML"),
        result("MS607", "ci", Verdict.NOT_APPLICABLE),
    ]
    ci = by_family(score_families(checks, None, POLICY))["ci"]
    # Three checks apply; two of them did not pass.
    assert ci.score == pytest.approx(3.3)
    assert [(loss.code, loss.points) for loss in ci.lost] == [("MS602", 3.33), ("MS603", 3.33)]
    assert ci.lost[0].reason == "MS602 ms602 failed: no CI calls metstandards"
    assert ci.lost[0].hint == "do this"
    assert "could not decide: the workflow is not YAML" in ci.lost[1].reason


def test_a_family_with_nothing_applicable_has_no_score() -> None:
    scores = by_family(
        score_families([result("MS607", "ci", Verdict.NOT_APPLICABLE)], None, POLICY)
    )
    assert scores["ci"].score is None
    assert scores["data"].score is None


def test_findings_lose_points_by_density_per_thousand_lines() -> None:
    code = CodeSummary(2000, {"MS101": 4, "MS102": 1, "ruff:F401": 20}, ALL_RAN)
    scores = by_family(score_families([], code, POLICY))
    # 5 findings in 2 thousand lines: 2.5 per thousand, half of the 5 that scores 0.
    assert scores["reproducibility"].score == 5.0
    (loss,) = scores["reproducibility"].lost
    assert loss.reason.startswith(
        "5 findings in 2.0 thousand lines of package code (2.5 per thousand"
    )
    assert "most of them MS101 (4)" in loss.reason
    assert loss.hint == "`metstandards explain MS101` says what to write instead"
    assert scores["code-quality"].score == 0.0  # 10 per thousand: the tools' 0
    assert scores["artifacts"].score == 10.0
    assert scores["artifacts"].lost == ()


def test_a_part_that_did_not_run_is_never_a_pass() -> None:
    code = CodeSummary(
        1000, {}, frozenset({"lint", "complexity"}), {"ruff": "ruff is not installed"}
    )
    quality = by_family(score_families([], code, POLICY))["code-quality"]
    assert quality.score == 0.0
    assert (
        "ruff, bandit did not run (ruff: ruff is not installed; bandit: not run)"
        in quality.lost[0].reason
    )


def test_checks_and_findings_average_in_a_family_that_has_both() -> None:
    checks = [result("MS611", "secrets", Verdict.FAIL, "a .netrc is tracked")]
    code = CodeSummary(1000, {}, ALL_RAN)
    secrets = by_family(score_families(checks, code, POLICY))["secrets"]
    assert secrets.score == 5.0
    assert [loss.points for loss in secrets.lost] == [5.0]


def test_the_repository_score_is_the_weighted_mean_of_the_scores_that_exist() -> None:
    checks = [result("MS601", "ci", Verdict.FAIL), result("MS605", "documentation", Verdict.PASS)]
    scores = score_families(checks, None, POLICY)
    assert repository_score(scores, POLICY.weights) == 5.0
    weighted = {**POLICY.weights, "ci": 3.0}
    assert repository_score(scores, weighted) == 2.5
    assert repository_score(score_families([], None, POLICY), POLICY.weights) is None


def test_the_tools_findings_have_their_own_threshold() -> None:
    code = CodeSummary(1000, {"MS101": 5, "ruff:F401": 5}, ALL_RAN)
    scores = by_family(score_families([], code, POLICY))
    assert scores["reproducibility"].score == 0.0  # 5 per thousand: the standard's 0
    assert scores["code-quality"].score == 5.0  # half of the tools' 10 per thousand
    assert "(5.0 per thousand; 10 scores 0)" in scores["code-quality"].lost[0].reason

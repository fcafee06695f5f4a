"""One test for every registered repository check: each PASSING, FAILING and NOT_APPLICABLE
example, built as a real git repository (one commit, and the tags its ``@tags`` key names),
gets that verdict; and every check is documented in the fixed sections."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from metstandards.repository.check import DOC_SECTIONS, Example, RepositoryCheck, Verdict
from metstandards.repository.examples import build_example
from metstandards.repository.registry import load_checks
from metstandards.repository.runner import run_check
from metstandards.repository.view import Repository

CHECKS = sorted(load_checks().checks.values(), key=lambda check: check.code)
FAMILIES = {"ci", "documentation", "release", "data", "secrets"}
KINDS = {
    "PASSING": Verdict.PASS,
    "FAILING": Verdict.FAIL,
    "NOT_APPLICABLE": Verdict.NOT_APPLICABLE,
}


def _cases() -> list[object]:
    return [
        pytest.param(check, example, verdict, id=f"{check.code}-{kind}-{index}")
        for check in CHECKS
        for kind, verdict in KINDS.items()
        for index, example in enumerate(getattr(check, kind))
    ]


@pytest.mark.slow
@pytest.mark.parametrize(("check", "example", "verdict"), _cases())
def test_example_gets_its_verdict(
    check: type[RepositoryCheck], example: Example, verdict: Verdict, tmp_path: Path
) -> None:
    result = run_check(check({}), Repository(build_example(tmp_path / "repo", example)))
    assert result.verdict is verdict, f"{result.message}\n{dict(example)}"
    assert (result.code, result.name, result.family) == (check.code, check.name, check.family)
    assert result.message
    if verdict is Verdict.FAIL:
        assert result.hint, "a failure says what to do"


def test_all_thirteen_checks_are_registered() -> None:
    assert [check.code for check in CHECKS][:13] == [f"MS6{n:02d}" for n in range(1, 14)]


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.code)
def test_check_is_documented(check: type[RepositoryCheck]) -> None:
    doc = inspect.cleandoc(check.__doc__ or "")
    headings = [line[3:].strip() for line in doc.splitlines() if line.startswith("## ")]
    assert headings == list(DOC_SECTIONS), f"{check.code} docs sections: {headings}"
    assert check.summary().endswith("."), "the summary is a sentence"
    assert check.PASSING, f"{check.code} needs PASSING examples"
    assert check.FAILING, f"{check.code} needs FAILING examples"
    assert check.name == check.name.lower()
    assert " " not in check.name
    assert check.family in FAMILIES


def test_the_defaults_are_the_profiles() -> None:
    from metstandards.config import load_profile
    from metstandards.repository.checks import _settings

    assert load_profile("wg3", "repository") == {
        "max-file-mb": _settings.MAX_FILE_MB,
        "test-paths": list(_settings.TEST_PATHS),
        "non-package-paths": list(_settings.NON_PACKAGE_PATHS),
    }

"""Running every check on a repository: sorted verdicts, errors instead of crashes, the
registry's errors, and a directory that is not a git work tree."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

from metstandards.repository import registry as registry_module
from metstandards.repository.check import RepositoryCheck, Result, Verdict
from metstandards.repository.registry import RegistryError, load_checks
from metstandards.repository.runner import run_check, run_repository_checks
from metstandards.repository.view import Repository

from ._git import MakeRepo

CODES = [f"MS6{number:02d}" for number in range(1, 14)]


class Explodes(RepositoryCheck):
    """A check that raises."""

    code = "XX001"
    name = "explodes"
    family = "ci"

    def check(self, repo: Repository) -> Result:
        raise ValueError("the workflow had no jobs")


class ReturnsNothing(Explodes):
    def check(self, repo: Repository) -> Result:
        return None  # type: ignore[return-value]


@pytest.mark.slow
def test_every_check_runs_sorted_by_code(make_repo: MakeRepo) -> None:
    results = run_repository_checks(make_repo({"README.md": "# x\n"}), {})
    assert [result.code for result in results] == CODES
    assert all(result.verdict is not Verdict.ERROR for result in results)


@pytest.mark.slow
def test_a_directory_that_is_not_a_git_work_tree_is_an_error_for_every_check(
    tmp_path: Path,
) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    results = run_repository_checks(tmp_path / "plain", {})
    assert [result.code for result in results] == CODES
    for result in results:
        assert result.verdict is Verdict.ERROR
        assert "is not a git work tree" in result.message
        assert "the repository checks read tracked files and git metadata" in result.message


@pytest.mark.slow
def test_a_check_that_raises_is_an_error_with_its_words(make_repo: MakeRepo) -> None:
    repo = Repository(make_repo({"a.py": ""}))
    result = run_check(Explodes(), repo)
    assert result.verdict is Verdict.ERROR
    assert result.message == "the check failed (ValueError: the workflow had no jobs)"
    assert "Traceback" not in result.message
    returned = run_check(ReturnsNothing(), repo)
    assert returned.verdict is Verdict.ERROR
    assert returned.message == "the check returned NoneType, not its own Result"


@pytest.mark.slow
def test_an_unreadable_configuration_is_an_error_naming_the_file(make_repo: MakeRepo) -> None:
    results = run_repository_checks(make_repo({"pyproject.toml": "[project\n"}), {})
    by_code = {result.code: result for result in results}
    assert by_code["MS604"].verdict is Verdict.ERROR
    assert by_code["MS604"].message.startswith("pyproject.toml cannot be read: invalid TOML")


def _entry_points(*entries: tuple[str, str]) -> Any:
    def found(group: str) -> Iterator[EntryPoint]:
        assert group == registry_module.GROUP
        return iter([EntryPoint(name, value, group) for name, value in entries])

    return found


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (("XX001", f"{__name__}:Explodes"), None),
        (("XX002", f"{__name__}:Explodes"), "the check's code must equal the entry-point name"),
        (("XX001", f"{__name__}:CODES"), "is not a metstandards RepositoryCheck subclass"),
        (("XX001", "no_such_module:Check"), "cannot load repository check entry point XX001"),
    ],
)
def test_registry_errors_name_the_entry_point(
    monkeypatch: pytest.MonkeyPatch, entry: tuple[str, str], message: str | None
) -> None:
    monkeypatch.setattr(registry_module, "entry_points", _entry_points(entry))
    if message is None:
        assert load_checks().checks == {"XX001": Explodes}
        return
    with pytest.raises(RegistryError, match=message) as raised:
        load_checks()
    assert entry[1] in str(raised.value)


def test_a_code_taken_twice_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    twice = (("XX001", f"{__name__}:Explodes"), ("XX001", f"{__name__}:ReturnsNothing"))
    monkeypatch.setattr(registry_module, "entry_points", _entry_points(*twice))
    with pytest.raises(RegistryError, match="code XX001 is already taken"):
        load_checks()


def test_a_result_round_trips_through_json() -> None:
    from metstandards.repository.check import Evidence, Result, Verdict

    result = Result(
        "MS603",
        "tests-in-ci",
        "ci",
        Verdict.FAIL,
        "no workflow runs pytest",
        (Evidence(".github/workflows/ci.yml", 12, "job lint"), Evidence("", None, "tag v1.0")),
        "call the python-ci workflow",
    )
    assert Result.from_json(result.to_json()) == result

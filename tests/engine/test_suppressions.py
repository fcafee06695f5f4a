"""Suppression comments, through a real run: what they silence, what they do not, and MS001."""

from __future__ import annotations

import pytest

from metstandards.engine.suppressions import parse_suppressions

from ._project import Project, found

PREFIXES = frozenset({"MS"})


def _lint(project: Project, source: str, path: str = "pkg/model.py") -> list[tuple[int, str]]:
    project.write({path: source})
    return [(line, code) for _, line, code in found(project.lint())]


@pytest.mark.parametrize(
    "comment",
    [
        "# metstandards: ignore[MS202]",
        "# metstandards:ignore[ms202]",
        "# noqa: MS202",
        "# noqa:MS202",
        "# noqa: S301, MS202",
        "# noqa: S301,MS202 trusted checkpoint",
        "# NOQA: MS202",
    ],
)
def test_comment_on_the_line_silences_the_finding(project: Project, comment: str) -> None:
    assert _lint(project, f"import pickle\nmodel = pickle.load(f)  {comment}\n") == []


@pytest.mark.parametrize(
    "comment",
    [
        "# noqa: S301",  # bandit's code for the same thing is not ours
        "# noqa",  # blanket noqa belongs to flake8 and ruff
        "# nosec",
        "# type: ignore",
    ],
)
def test_other_tools_comments_do_not_silence_and_are_not_reported(
    project: Project, comment: str
) -> None:
    assert _lint(project, f"import pickle\nmodel = pickle.load(f)  {comment}\n") == [(2, "MS202")]


def test_each_code_of_a_comment_is_used_or_reported_on_its_own(project: Project) -> None:
    source = "import pickle\nmodel = pickle.load(f)  # metstandards: ignore[MS101, MS202]\n"
    project.write({"pkg/model.py": source})
    (finding,) = project.lint().findings
    assert (finding.code, finding.line) == ("MS001", 2)
    assert "MS101" in finding.message


def test_multi_line_finding_is_silenced_on_its_first_or_last_line_only(project: Project) -> None:
    call = "import pickle\nmodel = pickle.load(\n    handle,\n){}\n"
    ignore = "  # metstandards: ignore[MS202]"
    start = "import pickle\nmodel = pickle.load(" + ignore + "\n    handle,\n)\n"
    middle = "import pickle\nmodel = pickle.load(\n    handle," + ignore + "\n)\n"
    assert _lint(project, start) == []
    assert _lint(project, call.format(ignore)) == []
    assert _lint(project, middle) == [(2, "MS202"), (3, "MS001")]


def test_ignore_file_silences_the_code_everywhere_in_the_file(project: Project) -> None:
    source = (
        '"""Loads trusted checkpoints written by this package."""\n'
        "import pickle\nimport torch\n"
        "a = pickle.load(f)\n"
        "# metstandards: ignore-file[MS202]\n"
        "b = torch.load(p)\n"
    )
    assert _lint(project, source.replace("ignore-file", "ignore")) == [
        (4, "MS202"),
        (5, "MS001"),
        (6, "MS202"),
    ]
    assert _lint(project, source) == []


def test_ignore_file_covers_only_its_codes(project: Project) -> None:
    source = "# metstandards: ignore-file[MS101]\nimport pickle\na = pickle.load(f)\n"
    # MS202 still reported; MS101 silences nothing, so the comment itself is reported.
    assert _lint(project, source) == [(1, "MS001"), (3, "MS202")]


def test_hash_inside_a_string_is_not_a_comment(project: Project) -> None:
    source = (
        "import pickle\n"
        'NOTE = "# metstandards: ignore[MS202]"; model = pickle.load(f)\n'
        "HELP = '''\n# noqa: MS999\n'''\n"
    )
    assert _lint(project, source) == [(2, "MS202")]


def test_unused_suppression_is_reported_where_the_comment_is(project: Project) -> None:
    project.write({"pkg/model.py": "x = 1\ny = 2  # metstandards: ignore[MS202]\n"})
    (finding,) = project.lint().findings
    assert (finding.code, finding.line, finding.column) == ("MS001", 2, 8)
    assert "unused suppression" in finding.message
    assert finding.severity.value == "warning"


@pytest.mark.parametrize(
    ("comment", "words"),
    [
        ("# metstandards: ignore[MS999]", "unknown rule code MS999"),
        ("# noqa: MS999", "unknown rule code MS999"),
        ("# metstandards: ignore", "names no rule code"),
        ("# metstandards: ignore[]", "names no rule code"),
        ("# metstandards: ignore-file", "names no rule code"),
        ("# metstandards: ignore[MS000]", "cannot be suppressed"),
    ],
)
def test_unknown_codeless_and_futile_suppressions_are_reported(
    project: Project, comment: str, words: str
) -> None:
    project.write({"pkg/model.py": f"x = 1  {comment}\n"})
    (finding,) = project.lint().findings
    assert finding.code == "MS001"
    assert words in finding.message


def test_unused_suppression_of_a_rule_that_does_not_run_is_not_reported(
    project: Project,
) -> None:
    project.write({"pkg/model.py": "x = 1  # metstandards: ignore[MS101]\n"})
    assert project.lint(select=("MS0", "MS202")).findings == []
    # MS202 does not apply to test code, so a suppression there is not stale either.
    project.write({"tests/test_model.py": "x = 1  # metstandards: ignore[MS202]\n"})
    assert found(project.lint(select=("MS0", "MS202"))) == []


def test_ms001_is_not_reported_when_deselected(project: Project) -> None:
    project.write({"pkg/model.py": "x = 1  # metstandards: ignore[MS999]\n"})
    assert found(project.lint(ignore=("MS001",))) == []


def test_ms000_cannot_be_suppressed_ignored_or_deselected(project: Project) -> None:
    project.configure(
        "[tool.metstandards]\n"
        'ignore = ["MS000"]\n'
        '[tool.metstandards.per-file-ignores]\n"pkg/*" = ["MS000", "MS0"]\n'
    )
    project.write({"pkg/broken.py": "# metstandards: ignore-file[MS000]\n# noqa: MS000\ndef f(:\n"})
    assert found(project.lint()) == [("pkg/broken.py", 3, "MS000")]
    assert found(project.lint(select=("MS202",))) == [("pkg/broken.py", 3, "MS000")]


def test_suppression_parsing_reads_comments_only() -> None:
    text = (
        "a = 1  # metstandards: ignore[MS202, ms101]\n"
        "b = '# noqa: MS202'\n"
        "c = 2  # noqa: S301, MS202, E501\n"
        "# metstandards: ignore-file[MS203]\n"
    )
    assert [(s.line, s.code, s.form) for s in parse_suppressions(text, PREFIXES)] == [
        (1, "MS202", "ignore"),
        (1, "MS101", "ignore"),
        (3, "MS202", "noqa"),
        (4, "MS203", "ignore-file"),
    ]


def test_noqa_codes_count_for_every_known_prefix() -> None:
    text = "x = 1  # noqa: EX101, MS202, S301\n"
    assert [s.code for s in parse_suppressions(text, frozenset({"MS", "EX"}))] == [
        "EX101",
        "MS202",
    ]

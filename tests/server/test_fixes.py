"""The quick fix's edit: a suppression comment where the engine reads it, merged into the
line's own comment, and one that really silences the finding."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_project

from metstandards.config import load_config
from metstandards.engine.session import LintSession
from metstandards.registry import Registry
from metstandards.server.fixes import Edit, suppression_edit


def _apply(text: str, edit: Edit) -> str:
    lines = text.splitlines(keepends=True)
    line = lines[edit.line]
    lines[edit.line] = line[: edit.start] + edit.text + line[edit.end :]
    return "".join(lines)


def _fixed(text: str, line: int, code: str = "MS202", end_line: int | None = None) -> str:
    edit = suppression_edit(text.splitlines(keepends=True), line, end_line or line, code)
    assert edit is not None
    return _apply(text, edit)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("m = pickle.load(f)", "m = pickle.load(f)  # noqa: MS202"),
        ("m = pickle.load(f)   ", "m = pickle.load(f)  # noqa: MS202"),
        ("m = pickle.load(f)  # noqa: S301", "m = pickle.load(f)  # noqa: S301, MS202"),
        ("m = pickle.load(f)  # NOQA:S301,B1 why", "m = pickle.load(f)  # NOQA:S301,B1, MS202 why"),
        (
            "m = pickle.load(f)  # metstandards: ignore[MS301]",
            "m = pickle.load(f)  # metstandards: ignore[MS301, MS202]",
        ),
        (
            "m = pickle.load(f)  # metstandards: ignore",
            "m = pickle.load(f)  # metstandards: ignore[MS202]",
        ),
        ("m = pickle.load(f)  # noqa", "m = pickle.load(f)  # noqa  # noqa: MS202"),
        ("m = pickle.load(f)  # type: ignore", "m = pickle.load(f)  # type: ignore  # noqa: MS202"),
    ],
)
def test_the_comment_is_added_or_merged(line: str, expected: str) -> None:
    assert _fixed(f"import pickle\n{line}\n", 2) == f"import pickle\n{expected}\n"


def test_a_line_ending_inside_a_string_or_a_continuation_takes_the_last_line() -> None:
    text = 'm = torch.load(f"""\n{path}""")\n'
    assert _fixed(text, 1, end_line=2) == 'm = torch.load(f"""\n{path}""")  # noqa: MS202\n'
    text = "m = torch.load(path, \\\n  map_location=cpu)\n"
    assert _fixed(text, 1, end_line=2).splitlines()[1] == "  map_location=cpu)  # noqa: MS202"


def test_no_edit_where_the_comment_cannot_go_or_is_there() -> None:
    assert suppression_edit(['x = """\n', 'y"""; z = """\n', 'w"""\n'], 2, 2, "MS202") is None
    assert suppression_edit(["m = load(f)  # noqa: MS202\n"], 1, 1, "MS202") is None
    assert suppression_edit(["m = load(f'\n"], 1, 1, "MS202") is None  # does not tokenize


def test_the_comment_silences_the_finding_in_the_engine(tmp_path: Path, registry: Registry) -> None:
    root = write_project(tmp_path / "project", {})
    session = LintSession(load_config(root, registry), registry, workers=1)
    path = root / "pkg/io.py"
    text = "import torch\nstate = torch.load(\n    path,\n)  # noqa: S614\n"
    (finding,) = session.lint(path, text.encode()).findings
    fixed = _fixed(text, finding.line, finding.code, finding.end_line)
    assert fixed.splitlines()[1] == "state = torch.load(  # noqa: MS202"
    assert session.lint(path, fixed.encode()).findings == []

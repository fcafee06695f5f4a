"""Files the parser cannot take, or takes only with care: each is MS000 (with the reason and,
where there is one, the position) or is checked normally, and the rest of the project is always
checked."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from metstandards.findings import Finding

from ._project import Project, found

UNSAFE = "import pickle\nmodel = pickle.load(handle)\n"


def _only(result_findings: list[Finding], code: str) -> Finding:
    matching = [f for f in result_findings if f.code == code]
    assert len(matching) == 1, matching
    return matching[0]


def test_syntax_error_is_reported_at_its_position_and_the_rest_is_checked(
    project: Project,
) -> None:
    project.write(
        {"pkg/broken.py": "import torch\n\ndef train(:\n    pass\n", "pkg/fine.py": UNSAFE}
    )
    result = project.lint()
    error = _only(result.findings, "MS000")
    assert (error.path, error.line, error.column) == ("pkg/broken.py", 3, 11)
    assert "syntax error" in error.message
    assert ("pkg/fine.py", 2, "MS202") in found(result)
    assert result.not_checked == ["pkg/broken.py"]
    assert result.files_checked == 2


def test_unterminated_string_is_reported_on_its_line(project: Project) -> None:
    project.write({"pkg/broken.py": "x = 1\ny = 'open\n"})
    error = _only(project.lint().findings, "MS000")
    assert error.line == 2
    assert "unterminated string" in error.message


def test_non_utf8_bytes_without_coding_cookie_are_not_checked(project: Project) -> None:
    project.write({"pkg/latin.py": b"name = 'caf\xe9'\n", "pkg/fine.py": UNSAFE})
    result = project.lint()
    error = _only(result.findings, "MS000")
    assert error.path == "pkg/latin.py"
    assert "decode" in error.message or "encoding" in error.message
    assert ("pkg/fine.py", 2, "MS202") in found(result)


def test_latin1_file_with_coding_cookie_is_checked_normally(project: Project) -> None:
    source = "# -*- coding: latin-1 -*-\nimport pickle\nname = 'café'; m = pickle.load(f)\n"
    project.write({"pkg/latin.py": source.encode("latin-1")})
    result = project.lint()
    assert found(result) == [("pkg/latin.py", 3, "MS202")]
    # Columns count characters, so the one-byte é and the two-byte UTF-8 é give the same column.
    assert result.findings[0].column == source.splitlines()[2].index("pickle.load") + 1


def test_utf8_bom_is_checked_normally_with_positions_unshifted(project: Project) -> None:
    project.write({"pkg/bom.py": b"\xef\xbb\xbfimport pickle; m = pickle.load(f)\n"})
    result = project.lint()
    assert [(f.line, f.column, f.code) for f in result.findings] == [(1, 20, "MS202")]


def test_nul_bytes_are_not_checked(project: Project) -> None:
    project.write({"pkg/nul.py": b"x = 1\n\x00\n", "pkg/fine.py": UNSAFE})
    result = project.lint()
    error = _only(result.findings, "MS000")
    assert error.path == "pkg/nul.py"
    assert "null" in error.message.lower() or "\\0" in error.message
    assert ("pkg/fine.py", 2, "MS202") in found(result)


def test_empty_file_is_checked_and_clean(project: Project) -> None:
    project.write({"pkg/__init__.py": "", "pkg/blank.py": "\n\n"})
    result = project.lint()
    assert result.findings == []
    assert result.files_checked == 2


def test_file_over_the_size_limit_is_reported_and_not_parsed(project: Project) -> None:
    project.configure("[tool.metstandards]\nmax-file-size-kb = 1\n")
    # Were it parsed, its syntax error or its MS202 would be reported instead.
    big = "import pickle\nmodel = pickle.load(f)\n" + "x = 1\n" * 300 + "def broken(:\n"
    project.write({"pkg/big.py": big, "pkg/small.py": UNSAFE})
    result = project.lint()
    assert found(result) == [("pkg/big.py", 1, "MS000"), ("pkg/small.py", 2, "MS202")]
    assert "over the max-file-size-kb limit of 1" in result.findings[0].message


def test_chain_too_deep_for_the_walk_is_not_checked(project: Project) -> None:
    """Valid Python whose tree is deeper than Python's recursion limit lets a walk go."""
    deep = "import pickle\nm = pickle.load(f)\nx = " + "1 + " * 800 + "1\n"
    project.write({"pkg/deep.py": deep, "pkg/fine.py": UNSAFE})
    result = project.lint()
    assert found(result) == [("pkg/deep.py", 1, "MS000"), ("pkg/fine.py", 2, "MS202")]
    assert "too deep" in result.findings[0].message


CRASHERS = {
    "brackets": ("[" * 3000 + "1" + "]" * 3000, "too many nested parentheses"),
    "brackets_on_lines": (
        "[\n" * 1000 + "({\n" * 1000 + "1" + "})\n" * 1000 + "]\n" * 1000,
        "too many nested parentheses",
    ),
    "negations": ("-" * 20000 + "1", "too deep"),
    "sum": ("1 + " * 6000 + "1", "too deep"),
    "wrapped_sum": ("(\n" + "    1 +\n" * 6000 + "    1)", "too deep"),
}


@pytest.mark.slow
def test_nesting_that_would_crash_the_parser_is_not_checked(project: Project) -> None:
    """libcst's native parser dies with a segmentation fault on each of these; the engine must
    refuse them first. Run in a subprocess so that a regression fails this test, not the run."""
    project.write({f"pkg/{name}.py": f"x = {code}\n" for name, (code, _) in CRASHERS.items()})
    project.write({"pkg/fine.py": UNSAFE})
    completed = subprocess.run(
        [sys.executable, "-m", "metstandards", "lint", "--no-cache", "-j1", "--format=json"],
        cwd=project.root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 1, (completed.returncode, completed.stderr[-2000:])
    findings = {f["path"]: f for f in json.loads(completed.stdout)["findings"]}
    assert {path: f["code"] for path, f in findings.items()} == {
        "pkg/fine.py": "MS202",
        **{f"pkg/{name}.py": "MS000" for name in CRASHERS},
    }
    for name, (_, reason) in CRASHERS.items():
        assert reason in findings[f"pkg/{name}.py"]["message"]


def test_brackets_in_strings_do_not_make_a_file_too_deep(project: Project) -> None:
    project.write({"pkg/art.py": "import pickle\nBANNER = '" + "(" * 3000 + "'\npickle.load(f)\n"})
    assert found(project.lint()) == [("pkg/art.py", 3, "MS202")]


def test_crlf_line_endings_keep_positions(project: Project) -> None:
    source = b"import pickle\r\n\r\nmodel = pickle.load(\r\n    handle,\r\n)\r\n"
    project.write({"pkg/windows.py": source})
    finding = _only(project.lint().findings, "MS202")
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (3, 9, 5, 2)


def test_crlf_suppression_on_the_end_line_applies(project: Project) -> None:
    source = b"import pickle\r\nmodel = pickle.load(\r\n    handle,\r\n)"
    source += b"  # metstandards: ignore[MS202]\r\n"
    project.write({"pkg/windows.py": source})
    assert project.lint().findings == []

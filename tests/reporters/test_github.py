"""``--format github``: workflow-command annotations, escaped so the runner reads back exactly
the path, title and message; columns only where GitHub accepts them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_project

from metstandards.engine.runner import LintResult
from metstandards.findings import Finding, Severity
from metstandards.reporters.github import render

from .conftest import PROJECT, Lint


def _unescape(text: str, tokens: str) -> str:
    """Undo the runner's escapes for ``tokens``, ``%`` last as the runner does."""
    for token in tokens:
        text = text.replace(f"%{ord(token):02X}", token)
    return text.replace("%25", "%")


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """Read one workflow command the way the Actions runner does (its ``TryParseV2``)."""
    assert line.startswith("::")
    end = line.index("::", 2)
    name, _, properties = line[2:end].partition(" ")
    parsed = {}
    for item in properties.strip().split(","):
        key, _, value = item.partition("=")
        parsed[key] = _unescape(value, "\r\n:,")
    return name, parsed, _unescape(line[end + 2 :], "\r\n")


EXPECTED = [
    "::warning file=demo/50%25%2C a%3Ab.py,line=1,col=8,endLine=1,endColumn=8,"
    "title=MS001 unused-suppression::`# metstandards: ignore` names unknown rule code 50%25:X",
    "::warning file=demo/50%25%2C a%3Ab.py,line=2,col=8,endLine=2,endColumn=8,"
    "title=MS001 unused-suppression::`# metstandards: ignore` names no rule code; write the codes, "
    "e.g. `[MS202]`",
    "::error file=demo/broken.py,line=1,col=11,endLine=1,endColumn=11,"
    "title=MS000 file-not-checked::file not checked: syntax error: invalid syntax",
    "::error file=demo/model.py,line=3,col=9,endLine=3,endColumn=25,"
    "title=MS202 unsafe-model-load::`torch.load` without `weights_only=True` unpickles arbitrary "
    "objects; pass `weights_only=True` or store weights as safetensors",
]


def test_annotations_are_exact(lint: Lint) -> None:
    run = lint(PROJECT, "-f", "github")
    assert run.exit_code == 1
    assert run.stdout.splitlines() == EXPECTED
    assert run.stdout.endswith("\n")


def test_annotations_read_back_as_the_findings(lint: Lint) -> None:
    lines = lint(PROJECT, "-f", "github").stdout.splitlines()
    name, properties, message = parse(lines[0])
    assert name == "warning"
    assert properties == {
        "file": "demo/50%, a:b.py",
        "line": "1",
        "col": "8",
        "endLine": "1",
        "endColumn": "8",
        "title": "MS001 unused-suppression",
    }
    assert message == "`# metstandards: ignore` names unknown rule code 50%:X"


def test_multi_line_finding_has_lines_but_no_columns(lint: Lint) -> None:
    project = {"demo/model.py": "import torch\n\nstate = torch.load(\n    path,\n)\n"}
    (line,) = lint(project, "-f", "github").stdout.splitlines()
    assert line.startswith("::error file=demo/model.py,line=3,endLine=5,title=MS202 ")


def test_clean_project_prints_nothing(lint: Lint) -> None:
    run = lint({"demo/__init__.py": "x = 1\n"}, "-f", "github")
    assert (run.exit_code, run.stdout) == (0, "")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("pkg/a,b:c%d.py", "100% sure: a, b\nand c\r\nend %0A %25"),
        ("pkg/%0A%2C.py", "::error::injected"),
        ("pkg/a b.py", "trailing newline\n"),
    ],
)
def test_escaping_round_trips(path: str, message: str) -> None:
    finding = Finding(path, 2, 1, 2, 4, "MS202", "unsafe-model-load", Severity.ERROR, message)
    (line,) = render(LintResult([finding], 1), False).splitlines()
    assert "\r" not in line
    name, properties, data = parse(line)
    assert (name, properties["file"], data) == ("error", path, message)
    assert properties["title"] == "MS202 unsafe-model-load"


def test_newline_in_a_file_name_stays_inside_one_command(lint: Lint) -> None:
    project = {"demo/a\nb.py": "import torch\n\nstate = torch.load(path)\n"}
    (line,) = lint(project, "-f", "github").stdout.splitlines()
    assert line.startswith("::error file=demo/a%0Ab.py,line=3,")
    assert parse(line)[1]["file"] == "demo/a\nb.py"


@pytest.mark.slow
def test_real_command_prints_the_same_annotations(tmp_path: Path) -> None:
    root = write_project(tmp_path / "sub", PROJECT)
    command = [sys.executable, "-m", "metstandards", "lint", "-f", "github", "--no-cache", "."]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == EXPECTED


def test_annotations_name_paths_from_the_workspace_for_a_project_in_a_subdirectory(
    lint: Lint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The project is services/nowcast/ of the checkout; the check runs inside the project.
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    run = lint({"demo/model.py": "import torch\n\nstate = torch.load(path)\n"}, "-f", "github",
               root="services/nowcast")  # fmt: skip
    (line,) = run.stdout.splitlines()
    assert parse(line)[1]["file"] == "services/nowcast/demo/model.py"

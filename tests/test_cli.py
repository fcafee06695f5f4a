"""The ``metstandards`` command: exit statuses, options, subcommands, and no traceback for any
mistake a user can make. Most tests call the click command in-process; the entry points and the
terminal detection run as real subprocesses."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import notebook, write_project

from metstandards import __version__
from metstandards.cli import main
from metstandards.registry import Registry

UNSAFE = "import pickle\nmodel = pickle.load(handle)\n"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0.1.0"\n')
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "model.py").write_text(UNSAFE)
    (tmp_path / "pkg" / "clean.py").write_text("x = 1\n")
    return tmp_path


def run(*args: str | Path) -> Result:
    result = CliRunner().invoke(main, [str(arg) for arg in args])
    # A SystemExit is how the command ends; anything else would have been a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def test_exit_status_0_when_clean_1_with_findings_2_on_errors(root: Path) -> None:
    clean = run("lint", root / "pkg" / "clean.py")
    assert clean.exit_code == 0
    assert "All checks passed (1 file checked)." in clean.output
    dirty = run("lint", root)
    assert dirty.exit_code == 1
    assert "pkg/model.py:2:9: MS202" in dirty.output
    assert run("lint", root / "nothing.py").exit_code == 2


def test_findings_of_warnings_only_and_not_checked_files_exit_1(root: Path) -> None:
    (root / "pkg" / "model.py").write_text("x = 1  # metstandards: ignore[MS202]\n")
    assert run("lint", root / "pkg" / "model.py").exit_code == 1
    (root / "pkg" / "model.py").write_text("def f(:\n")
    result = run("lint", root / "pkg" / "model.py")
    assert result.exit_code == 1
    assert "Not checked (1): pkg/model.py" in result.output


def test_help_documents_the_exit_statuses() -> None:
    for command in (["lint", "--help"], ["--help"]):
        result = run(*command)
        assert result.exit_code == 0
        text = " ".join(result.output.split())
        assert "0 no findings" in text
        assert "1 findings" in text
        assert "2 usage or configuration error" in text


def test_default_paths_are_the_project_of_the_working_directory(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(root / "pkg")
    result = run("lint", "--no-cache")
    assert result.exit_code == 1
    # The whole project is checked; paths print relative to where the user is.
    assert result.output.startswith("model.py:2:9: MS202")
    assert "3 files checked" in result.output


def test_relative_paths_with_dot_dot_are_resolved(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(root / "pkg")
    result = run("lint", "--no-cache", "../pkg/./model.py")
    assert result.exit_code == 1
    assert result.output.startswith("model.py:2:9: MS202")


def test_a_file_outside_the_current_directory_prints_its_absolute_path(
    root: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    result = run("lint", "--no-cache", root / "pkg" / "model.py")
    assert result.output.startswith(f"{root.as_posix()}/pkg/model.py:2:9: MS202")


def test_json_and_sarif_paths_stay_relative_to_the_project_root(root: Path) -> None:
    document = json.loads(run("lint", "--no-cache", "-f", "json", root / "pkg").output)
    assert [f["path"] for f in document["findings"]] == ["pkg/model.py"]


@pytest.mark.parametrize("marker", ["setup.py", "setup.cfg", ".git"])
def test_without_a_pyproject_the_root_is_the_setup_or_git_directory(
    tmp_path: Path, marker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "legacy"
    (project / "pkg").mkdir(parents=True)
    if marker == ".git":
        (project / marker).mkdir()
    else:
        (project / marker).write_text("")
    (project / "pkg" / "a.py").write_text(UNSAFE)
    monkeypatch.chdir(project)
    result = run("lint", "pkg/a.py")
    assert result.output.startswith("pkg/a.py:2:9: MS202")
    assert (project / ".metstandards_cache").is_dir()
    assert not (project / "pkg" / ".metstandards_cache").exists()


def test_format_json(root: Path) -> None:
    result = run("lint", "--format", "json", root)
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["files_checked"] == 3
    assert [(f["path"], f["line"], f["code"]) for f in report["findings"]] == [
        ("pkg/model.py", 2, "MS202")
    ]


def test_format_sarif_and_github(root: Path) -> None:
    sarif = json.loads(run("lint", "-f", "sarif", root).output)
    (sarif_run,) = sarif["runs"]
    assert [r["ruleId"] for r in sarif_run["results"]] == ["MS202"]
    github = run("lint", "--format=github", root).output
    assert github.startswith("::error file=pkg/model.py,line=2,")


def test_unknown_format_is_a_usage_error(root: Path) -> None:
    result = run("lint", "--format", "xml", root)
    assert result.exit_code == 2
    assert "'xml' is not one of" in result.output


def test_output_file_gets_the_report_and_stdout_stays_empty(root: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = run("lint", "--format", "json", "--output-file", target, root)
    assert result.exit_code == 1
    assert result.output == ""
    assert json.loads(target.read_text())["findings"][0]["code"] == "MS202"


def test_output_file_that_cannot_be_written_exits_2(root: Path, tmp_path: Path) -> None:
    result = run("lint", "-o", tmp_path, root)  # a directory
    assert result.exit_code == 2
    assert f"metstandards: error: cannot write {tmp_path}" in result.output
    result = run("lint", "-o", tmp_path / "missing" / "report.txt", root)
    assert result.exit_code == 2


def test_select_and_ignore_override_the_config(root: Path) -> None:
    (root / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n[tool.metstandards]\nignore = ["MS202"]\n'
    )
    assert run("lint", root).exit_code == 0
    assert run("lint", "--ignore", "MS203", root).exit_code == 1
    assert run("lint", "--select", "ms2", "--ignore", "MS203", root).exit_code == 1
    assert run("lint", "--select", "MS1", "--ignore", "", root).exit_code == 0
    assert run("lint", "--select", "MS202,MS101", "--ignore", "MS0", root).exit_code == 1


@pytest.mark.parametrize(
    ("option", "value", "hint"),
    [("--select", "MS2O2", "did you mean MS202?"), ("--ignore", "MS202,XX1", "")],
)
def test_unknown_code_in_options_exits_2(root: Path, option: str, value: str, hint: str) -> None:
    result = run("lint", option, value, root)
    assert result.exit_code == 2
    assert f"metstandards: error: {option}: unknown rule code or prefix" in result.output
    assert hint in result.output


def test_no_cache_leaves_no_cache_behind(root: Path) -> None:
    run("lint", "--no-cache", root)
    assert not (root / ".metstandards_cache").exists()
    run("lint", root)
    assert (root / ".metstandards_cache" / "lint.json").is_file()


def test_jobs_runs_in_parallel_with_the_same_report(root: Path) -> None:
    for index in range(30):
        (root / "pkg" / f"m{index}.py").write_text(UNSAFE if index % 2 else "y = 2\n")
    serial = run("lint", "--no-cache", "--jobs", "1", "-f", "json", root)
    parallel = run("lint", "--no-cache", "-j", "4", "-f", "json", root)
    assert parallel.exit_code == serial.exit_code == 1
    assert json.loads(parallel.output) == json.loads(serial.output)
    assert len(json.loads(serial.output)["findings"]) == 16
    assert run("lint", "--jobs", "0", root).exit_code == 2


def test_color_only_when_asked(root: Path) -> None:
    assert not ANSI.search(run("lint", root).output)  # not a terminal
    assert not ANSI.search(run("lint", "--no-color", root).output)
    coloured = run("lint", "--color", root).output
    assert ANSI.search(coloured)
    assert ANSI.sub("", coloured) == run("lint", "--no-color", root).output
    assert not ANSI.search(run("lint", "--color", "-f", "json", root).output)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_color_by_default_on_a_terminal(root: Path) -> None:
    import pty

    def through_terminal(*args: str) -> str:
        primary, secondary = pty.openpty()
        with subprocess.Popen(
            [sys.executable, "-m", "metstandards", "lint", *args, str(root)],
            stdout=secondary,
            stderr=subprocess.PIPE,
        ) as process:
            os.close(secondary)
            chunks = []
            while True:
                try:
                    chunk = os.read(primary, 4096)
                except OSError:  # EIO: the terminal closed
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            assert process.wait(timeout=60) == 1
        os.close(primary)
        return b"".join(chunks).decode()

    assert ANSI.search(through_terminal())
    assert not ANSI.search(through_terminal("--no-color"))


#: The repository checks, listed after the lint rules and the gates.
MS6 = [f"MS6{number:02d}" for number in range(1, 14)]


def test_rules_lists_every_rule(registry: Registry) -> None:
    result = run("rules")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == [*sorted(registry.codes), "MS501", "MS502", *MS6]
    (ms202,) = [line for line in lines if line.startswith("MS202")]
    assert ms202.split()[1:4] == ["unsafe-model-load", "error", "file"]
    (ms501,) = [line for line in lines if line.startswith("MS501")]
    assert ms501.split()[1:4] == ["complexity", "error", "gate"]


def test_rules_as_json(registry: Registry) -> None:
    rows = json.loads(run("rules", "--format", "json").output)
    assert [row["code"] for row in rows] == [*sorted(registry.codes), "MS501", "MS502", *MS6]
    by_code = {row["code"]: row for row in rows}
    assert by_code["MS001"]["severity"] == "warning"
    assert by_code["MS202"]["origin"] == f"metstandards=={__version__}"
    assert set(by_code["MS202"]) == {"code", "name", "severity", "scope", "summary", "origin"}


def test_explain_prints_the_rule_docs() -> None:
    result = run("explain", "ms202")
    assert result.exit_code == 0
    assert result.output.startswith("# MS202 unsafe-model-load (error)")
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in result.output


def test_explain_unknown_code_exits_2_with_a_suggestion() -> None:
    result = run("explain", "MS2O2")
    assert result.exit_code == 2
    assert "unknown rule code 'MS2O2' (did you mean MS202?)" in result.output


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"metstandards, version {__version__}"


@pytest.mark.slow
def test_entry_points_run_as_subprocesses(root: Path) -> None:
    """``python -m metstandards`` and the installed script are the same command; a user error
    in either ends in one line on stderr and status 2."""
    module = subprocess.run(
        [sys.executable, "-m", "metstandards", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert module.returncode == 0
    assert __version__ in module.stdout
    script = Path(sys.executable).with_name("metstandards")
    commands = [[sys.executable, "-m", "metstandards"]]
    if script.exists():
        commands.append([str(script)])
    (root / "pyproject.toml").write_text('[tool.metstandards]\nselect = ["MS999"]\n')
    for command in commands:
        for args in (["lint", str(root)], ["lint", str(root / "missing.py")], ["explain", "X"]):
            completed = subprocess.run(
                [*command, *args], capture_output=True, text=True, check=False
            )
            assert completed.returncode == 2, completed.stderr
            assert completed.stderr.startswith("metstandards: error: ")
            assert len(completed.stderr.splitlines()) == 1
            assert "Traceback" not in completed.stderr
            assert completed.stdout == ""


def test_lint_reads_the_baseline_check_records(tmp_path: Path) -> None:
    unsafe = "import torch\n\n\ndef restore(path):\n    return torch.load(path)\n"
    root = write_project(tmp_path, {"pkg/io.py": unsafe, "pkg/more.py": "x = 1\n"})
    skip = ["--skip", "mypy", "--skip", "pip-audit", "--skip", "ruff", "--skip", "bandit"]
    assert CliRunner().invoke(main, ["baseline", "--no-progress", str(root), *skip]).exit_code == 0
    recorded = CliRunner().invoke(main, ["lint", str(root / "pkg" / "io.py")])
    assert recorded.exit_code == 0, recorded.output
    assert "Baseline .metstandards-baseline.json: 1 recorded finding not shown." in recorded.output
    (root / "pkg" / "more.py").write_text(unsafe)
    new = CliRunner().invoke(main, ["lint", str(root / "pkg" / "more.py")])
    assert new.exit_code == 1
    assert "pkg/more.py:5:12: MS202" in new.output
    assert "Stale" not in new.output
    everything = CliRunner().invoke(main, ["lint", str(root), "--no-baseline"])
    assert "Found 2 findings in 2 files checked (MS202 x2)." in everything.output


@pytest.mark.parametrize("command", ["lint", "check"])
def test_outside_any_project_the_run_refuses(tmp_path: Path, command: str) -> None:
    loose = tmp_path / "downloads"
    loose.mkdir()
    (loose / "script.py").write_text("import pickle\n")
    result = run(command, loose)
    assert result.exit_code == 2
    assert "is in no Python project: no pyproject.toml, setup.py or setup.cfg" in result.output
    assert not (loose / ".metstandards_cache").exists()


@pytest.mark.parametrize("command", ["lint", "check"])
def test_a_file_that_is_not_python_is_a_usage_error(root: Path, command: str) -> None:
    (root / "hostname").write_text("forecast-node-01\n")
    result = run(command, root / "hostname")
    assert result.exit_code == 2
    assert "hostname: not a Python file" in result.output


def test_a_notebook_named_on_the_command_line_is_linted(root: Path) -> None:
    (root / "explore.ipynb").write_text(notebook("md:# Explore", UNSAFE))
    result = run("lint", root / "explore.ipynb")
    assert result.exit_code == 1
    assert result.output.startswith("explore.ipynb:cell 2:2:9: MS202")
    assert "1 file checked" in result.output


def test_explain_says_whether_a_rule_checks_notebooks() -> None:
    assert "Notebooks: also checks the code cells" in run("explain", "MS202").output
    assert 'unless `notebook-select = ["MS101"]`' in run("explain", "MS101").output
    assert "never checked in Jupyter notebooks" in run("explain", "MS102").output


def test_the_published_catalogue_is_current() -> None:
    """docs/rules.md is generated from the rules' own documentation; regenerate it with
    `metstandards rules --format markdown > docs/rules.md` when a rule's docs change."""
    published = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text()
    assert run("rules", "--format", "markdown").output == published


def test_explain_prints_every_entry_of_the_catalogue() -> None:
    listed = json.loads(run("rules", "--format", "json").output)
    for row in listed:
        shown = run("explain", row["code"])
        assert shown.exit_code == 0
        assert shown.output.startswith(f"# {row['code']} {row['name']} (")
        assert "## What it does" in shown.output, row["code"]

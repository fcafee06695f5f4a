"""`metstandards check` and `metstandards baseline` as a user runs them: real projects on disk,
the real tools, every exit status, and every report format."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from click.testing import CliRunner, Result
from conftest import write_project

from metstandards.cli import main

#: The wrapped tools that need more than a second or the network; most tests leave them out.
SLOW = ("--skip", "mypy", "--skip", "pip-audit")
CLEAN = {
    "pkg/__init__.py": "",
    "pkg/core.py": "def add(a: int, b: int) -> int:\n    return a + b\n",
}
UNSAFE = "import torch\n\n\ndef restore(path):\n    return torch.load(path)\n"


def _check(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["check", "--no-progress", str(root), *args])


@pytest.mark.slow
def test_a_clean_project_passes_with_status_0(tmp_path: Path) -> None:
    result = _check(write_project(tmp_path, CLEAN), *SLOW)
    assert result.exit_code == 0, result.output
    assert "Passed." in result.output
    assert "mypy         disabled: skipped with --skip" in result.output


@pytest.mark.slow
def test_findings_of_several_checks_land_in_one_report_with_status_1(tmp_path: Path) -> None:
    root = write_project(tmp_path, {**CLEAN, "pkg/io.py": UNSAFE})
    result = _check(root, *SLOW, "-f", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    findings = {finding["code"]: finding for finding in report["findings"]}
    # One problem, one finding: bandit's B614 on the same call is folded into MS202.
    assert "MS202" in findings
    assert "bandit:B614" not in findings
    assert findings["MS202"]["message"].endswith("(also bandit B614)")
    bandit = next(check for check in report["checks"] if check["check"] == "bandit")
    assert (bandit["status"], bandit["findings"]) == ("passed", 0)
    assert bandit["reason"] == "1 finding shown as the metstandards rule's"


@pytest.mark.slow
def test_duplicates_can_be_switched_off_per_rule(tmp_path: Path) -> None:
    pyproject = "[tool.metstandards.duplicates]\nMS202 = []\n"
    root = write_project(tmp_path, {**CLEAN, "pkg/io.py": UNSAFE}, pyproject)
    result = _check(root, *SLOW, "-f", "json")
    codes = [finding["code"] for finding in json.loads(result.output)["findings"]]
    assert codes.count("MS202") == 1
    assert codes.count("bandit:B614") == 1


@pytest.mark.slow
def test_a_check_that_cannot_reach_its_service_is_not_run_with_status_3(tmp_path: Path) -> None:
    # A real pip-audit, pointed at a vulnerability service on a port nobody listens on.
    pyproject = (
        '[tool.metstandards.pip-audit]\nrequirements = ["requirements.txt"]\n'
        'osv-url = "http://127.0.0.1:9/v1/query"\n'
    )
    root = write_project(tmp_path, {**CLEAN, "requirements.txt": "click==8.1.7\n"}, pyproject)
    result = _check(root, "--skip", "mypy", "-f", "json")
    report = json.loads(result.output)
    statuses = {c["check"]: c for c in report["checks"]}
    assert result.exit_code == 3
    assert report["status"] == "incomplete"
    assert statuses["pip-audit"]["status"] == "not-run"
    assert "could not be reached" in statuses["pip-audit"]["reason"]


def test_the_json_report_validates_against_the_shipped_schema(tmp_path: Path) -> None:
    root = write_project(tmp_path, {**CLEAN, "pkg/io.py": UNSAFE})
    document = json.loads(_check(root, *SLOW, "-f", "json").output)
    schema = json.loads(
        files("metstandards.reporters").joinpath("lint-report.schema.json").read_text("utf-8")
    )
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["exit_status"] == 1
    assert [row["standard"] for row in document["standards"]][:2] == [
        "Files checkable, suppressions used",
        "Seeded randomness",
    ]


def test_extra_reports_are_written_in_the_same_run(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", {**CLEAN, "pkg/io.py": UNSAFE})
    junit, markdown, sarif = tmp_path / "c.xml", tmp_path / "c.md", tmp_path / "c.sarif"
    result = _check(
        root, *SLOW, "--report", f"junit={junit}", "--report", f"markdown={markdown}",
        "--report", f"sarif={sarif}",
    )  # fmt: skip
    assert result.exit_code == 1
    suites = {suite.get("name"): suite for suite in ET.parse(junit).getroot()}
    assert suites["lint"].get("failures") == "1"
    assert suites["mypy"].find("testcase/skipped") is not None
    assert "| Model artifacts round-trip | `lint` | ❌ 1 finding |" in markdown.read_text()
    rules = {r["ruleId"] for r in json.loads(sarif.read_text())["runs"][0]["results"]}
    assert "MS202" in rules
    assert "bandit:B614" not in rules  # folded into MS202


def test_a_malformed_report_option_is_a_usage_error(tmp_path: Path) -> None:
    result = _check(write_project(tmp_path, CLEAN), "--report", "pdf=out.pdf")
    assert result.exit_code == 2
    assert "--report 'pdf=out.pdf': expected FORMAT=PATH" in result.output


def test_a_bad_override_names_file_line_and_key(tmp_path: Path) -> None:
    root = write_project(tmp_path, CLEAN, '[tool.metstandards.complexity]\nmax-absolute = "Z"\n')
    result = _check(root)
    assert result.exit_code == 2
    assert "pyproject.toml:5: [tool.metstandards.complexity] max-absolute: must be one of" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_show_config_prints_each_value_with_its_origin(tmp_path: Path) -> None:
    root = write_project(tmp_path, CLEAN, '[tool.metstandards.complexity]\nmax-absolute = "D"\n')
    result = _check(root, "--show-config")
    assert result.exit_code == 0
    lines = [" ".join(line.split()) for line in result.output.splitlines()]
    assert 'max-absolute = "D" # pyproject.toml:5' in lines
    assert 'max-modules = "B" # profile wg3' in lines
    assert 'select = ["MS"] # profile wg3' in lines


@pytest.mark.slow
def test_progress_names_each_check_on_stderr(tmp_path: Path) -> None:
    root = write_project(tmp_path, CLEAN)
    result = CliRunner().invoke(main, ["check", "--progress", str(root), *SLOW])
    # lint, complexity, version-tag, ruff, bandit and repository: six parts run. The tools end
    # in any order; lines are numbered as checks finish, so they read 1 to 6.
    finished = re.findall(r"\[(\d)/6\] ([\w-]+): (\w+)", result.stderr)
    assert [number for number, _, _ in finished] == ["1", "2", "3", "4", "5", "6"]
    assert finished[0][1] == "lint"  # lint runs first, alone
    ends = {check: how for _, check, how in finished}
    assert ends["bandit"] == "passed"
    assert ends["repository"] == "skipped"
    assert "[1/6]" not in result.stdout


@pytest.mark.slow
def test_baseline_hides_todays_findings_and_fails_on_new_ones(tmp_path: Path) -> None:
    root = write_project(tmp_path, {**CLEAN, "pkg/io.py": UNSAFE})
    recorded = CliRunner().invoke(main, ["baseline", "--no-progress", str(root), *SLOW])
    assert recorded.exit_code == 0, recorded.output
    assert (root / ".metstandards-baseline.json").is_file()
    assert _check(root, *SLOW).exit_code == 0

    new = "import pickle\n\n\ndef f(b):\n    return pickle.loads(b)\n"
    (root / "pkg" / "more.py").write_text(new)
    (root / "pkg" / "io.py").write_text("def restore(path):\n    return path\n")
    result = _check(root, *SLOW)
    assert result.exit_code == 1
    assert "pkg/more.py" in result.output
    assert "pkg/io.py:5" not in result.output
    assert "Stale entries, no longer found (1): pkg/io.py: MS202." in (
        result.output
    )
    assert _check(root, *SLOW, "--no-baseline").exit_code == 1


def test_a_broken_baseline_is_a_usage_error(tmp_path: Path) -> None:
    root = write_project(tmp_path, CLEAN)
    (root / ".metstandards-baseline.json").write_text("{oops")
    result = _check(root, *SLOW)
    assert result.exit_code == 2
    assert ".metstandards-baseline.json:1:2: the baseline is not valid JSON" in result.output


@pytest.mark.parametrize("code", ["MS501", "MS502"])
def test_the_gates_are_explained_and_listed(code: str) -> None:
    explained = CliRunner().invoke(main, ["explain", code])
    assert explained.exit_code == 0
    assert "## What it does" in explained.output
    assert code in CliRunner().invoke(main, ["rules"]).output


def test_files_a_check_could_not_read_are_named_in_the_summary(tmp_path: Path) -> None:
    root = write_project(tmp_path, {**CLEAN, "pkg/bad.py": "def f(:\n    pass\n"})
    result = _check(root, *SLOW)
    assert result.exit_code == 1  # MS000 and ruff's syntax error
    complexity = next(line for line in result.output.splitlines() if "complexity  " in line)
    assert "1 file not measured (syntax error): pkg/bad.py" in complexity
    bandit = next(line for line in result.output.splitlines() if line.startswith("Security"))
    assert "pkg/bad.py" in bandit


# The commit hooks: `check --only CHECK FILES...` reports on the staged files only.

COMPLEX = "def f(x):\n" + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(25))


@pytest.mark.slow
def test_only_runs_the_named_checks_and_leaves_the_others_out_of_the_table(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path, {**CLEAN, "pkg/io.py": UNSAFE})
    result = _check(root, "--only", "ruff")
    assert result.exit_code == 0, result.output
    assert "Lint (ruff)" in result.output
    assert "lint " not in result.output
    assert "mypy" not in result.output
    report = json.loads(_check(root, "--only", "ruff", "-f", "json").output)
    statuses = {c["check"]: (c["status"], c["reason"]) for c in report["checks"]}
    assert statuses["mypy"] == ("disabled", "not selected with --only")


def test_given_files_the_per_file_checks_report_only_on_them(tmp_path: Path) -> None:
    root = write_project(
        tmp_path, {**CLEAN, "pkg/a.py": COMPLEX, "pkg/b.py": COMPLEX + "import os\n"}
    )
    result = _check(root / "pkg" / "a.py", "--only", "complexity", "--only", "ruff")
    assert result.exit_code == 1, result.output
    assert "pkg/a.py:1:1: MS501 function `f`" in result.output
    assert "pkg/b.py" not in result.output
    assert "the project average is measured by the full check" in result.output


def test_the_complexity_gate_answers_unchanged_files_from_its_cache(tmp_path: Path) -> None:
    root = write_project(tmp_path, {**CLEAN, "pkg/a.py": COMPLEX})
    first = _check(root, "--only", "complexity")
    cache = json.loads((root / ".metstandards_cache" / "complexity.json").read_text())
    assert set(cache["files"]) == {"pkg/__init__.py", "pkg/core.py", "pkg/a.py"}
    # A cached entry is what the next run reads: doctor one and the report follows it.
    cache["files"]["pkg/a.py"]["result"]["blocks"][0][3] = 99
    (root / ".metstandards_cache" / "complexity.json").write_text(json.dumps(cache))
    second = _check(root, "--only", "complexity")
    assert "complexity 26 (rank D)" in first.output
    assert "complexity 99 (rank F)" in second.output
    assert "complexity 26 (rank D)" in _check(root, "--only", "complexity", "--no-cache").output


@pytest.mark.slow
def test_a_hook_on_some_files_calls_no_baseline_entry_elsewhere_stale(tmp_path: Path) -> None:
    root = write_project(tmp_path, {**CLEAN, "pkg/io.py": UNSAFE, "pkg/two.py": UNSAFE})
    assert CliRunner().invoke(main, ["baseline", "--no-progress", str(root), *SLOW]).exit_code == 0
    (root / "pkg" / "io.py").write_text("x = 1\n")
    hook = _check(root / "pkg" / "two.py", *SLOW)
    assert hook.exit_code == 0, hook.output
    assert "Stale" not in hook.output
    full = _check(root, *SLOW)
    assert "Stale entries, no longer found (1): pkg/io.py: MS202." in full.output


def test_show_config_shows_the_repositorys_own_ruff_and_mypy_layers(tmp_path: Path) -> None:
    pyproject = (
        '[tool.ruff.lint]\nselect = ["E", "F"]\n\n'
        '[tool.mypy]\nstrict = false\nplugins = ["pydantic.mypy"]\n'
    )
    shown = _check(write_project(tmp_path, CLEAN, pyproject), "--show-config").output
    ruff_layer = shown[shown.index("# ruff:") : shown.index("[tool.metstandards.ruff]")]
    mypy_layer = shown[shown.index("# mypy:") : shown.index("[tool.metstandards.mypy]")]
    assert "pyproject.toml, is the base" in ruff_layer
    assert 'tool.ruff.lint.select = ["E", "F"]' in ruff_layer
    assert "# pyproject.toml:5" in ruff_layer
    assert "strict = false" in mypy_layer
    assert 'plugins = ["pydantic.mypy"]' in mypy_layer
    assert "# pyproject.toml:9" in mypy_layer
    bare = _check(write_project(tmp_path / "bare", CLEAN), "--show-config").output
    assert "# ruff: the repository has no configuration of its own" in bare
    assert "# mypy: the repository has no configuration of its own" in bare


@pytest.mark.slow
def test_untrusted_refuses_plugins_the_repository_allows(tmp_path: Path) -> None:
    plugin = "from pathlib import Path\nPath('plugin-ran').write_text('yes')\n"
    pyproject = (
        '[tool.mypy]\nplugins = ["plug.py"]\n\n[tool.metstandards.mypy]\nallow-plugins = true\n'
    )
    root = write_project(tmp_path, {**CLEAN, "plug.py": plugin}, pyproject)
    result = _check(root, "--only", "mypy", "--untrusted", "-f", "json")
    mypy = next(c for c in json.loads(result.output)["checks"] if c["check"] == "mypy")
    assert "refused the mypy plugins plug.py" in mypy["reason"]
    assert "(--untrusted)" in mypy["reason"]
    assert not (root / "plugin-ran").exists()
    assert not (tmp_path / "plugin-ran").exists()


def test_a_plugin_rule_without_a_standard_gets_the_other_rules_row() -> None:
    from metstandards.check.report import CheckReport, summary
    from metstandards.findings import Finding, Severity
    from metstandards.results import Outcome
    from metstandards.rule import Rule

    class Station(Rule):
        code = "XX101"
        name = "hard-coded-station"

    finding = Finding("pkg/a.py", 1, 1, 1, 2, "XX101", "hard-coded-station", Severity.ERROR, "!")
    report = CheckReport(
        findings=[finding],
        files_checked=1,
        rules=[Station],
        outcomes=(Outcome.ran("lint", [finding]),),
    )
    rows = {row.standard: row for row in summary(report)}
    assert (rows["Other rules"].status.value, rows["Other rules"].findings) == ("findings", 1)
    assert rows["Seeded randomness"].findings == 0


def test_a_project_with_nothing_to_check_is_not_a_pass(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    result = _check(root, "-f", "json")
    report = json.loads(result.output)
    statuses = {c["check"]: c["status"] for c in report["checks"]}
    assert statuses["lint"] == "skipped"
    assert statuses["complexity"] == "skipped"
    assert statuses["pip-audit"] == "skipped"
    assert result.exit_code == 3

"""The command-line habits ruff users expect, under ruff's names: --exit-zero, --statistics,
--quiet/--silent, --stdin-filename, --config, --extend-select, NO_COLOR and FORCE_COLOR, and
shell completion. In-process through click's runner, except the real pipe, the real terminal
and the completion script, which run as programs (slow)."""

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

from metstandards.check import runner as check_runner
from metstandards.cli import main
from metstandards.cli._common import color_wanted
from metstandards.results import Outcome

UNSAFE = "import pickle\n\nmodel = pickle.load(handle)\n"
TWICE = "import pickle\n\na = pickle.load(one)\nb = pickle.load(two)\n"
UNSEEDED = "import numpy as np\n\nrng = np.random.default_rng()\n"
DRAW = "import numpy as np\n\nnoise = np.random.rand(3)\n"
SEED = "import numpy\nnumpy.random.seed(0)\n"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: ``check`` with only the in-process lint part: no wrapped tool starts.
LINT_ONLY = ("check", "--no-progress", "--only", "lint")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project whose package has two MS202 findings and one MS101, and a clean module."""
    return write_project(
        tmp_path,
        {"pkg/__init__.py": "", "pkg/io.py": TWICE, "pkg/rng.py": UNSEEDED, "pkg/ok.py": "x = 1\n"},
    )


def run(*args: str | Path, stdin: bytes | None = None, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, [str(arg) for arg in args], input=stdin, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def complexity_not_run(monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    """``check`` arguments whose complexity gate does not run (as a tool that is missing)."""

    def not_run(request: object, context: object) -> Outcome:
        return Outcome.not_run("complexity", "radon is missing")

    monkeypatch.setitem(check_runner._PARTS, "complexity", not_run)  # type: ignore[index]
    return (*LINT_ONLY, "--only", "complexity")


# --exit-zero


def test_exit_zero_makes_lint_findings_pass_and_keeps_usage_errors(root: Path) -> None:
    assert run("lint", root).exit_code == 1
    passed = run("lint", "--exit-zero", root)
    assert passed.exit_code == 0
    assert "pkg/io.py:3:5: MS202" in passed.output  # still reported
    (root / "pkg" / "broken.py").write_text("def f(:\n")
    assert run("lint", "--exit-zero", root / "pkg" / "broken.py").exit_code == 0  # MS000
    assert run("lint", "--exit-zero", "--select", "XX9", root).exit_code == 2
    assert run("lint", "--exit-zero", root / "missing.py").exit_code == 2


def test_exit_zero_in_check_still_ends_in_3_when_a_check_did_not_run(
    root: Path, complexity_not_run: tuple[str, ...]
) -> None:
    plain = run(*LINT_ONLY, "-f", "json", root)
    assert plain.exit_code == 1
    zero = run(*LINT_ONLY, "--exit-zero", "-f", "json", root)
    assert zero.exit_code == 0
    # The report keeps the verdict: only the process's status changes.
    assert json.loads(zero.stdout)["exit_status"] == 1
    assert run(*complexity_not_run, root).exit_code == 1
    incomplete = run(*complexity_not_run, "--exit-zero", root)
    assert incomplete.exit_code == 3
    assert "complexity" in incomplete.output
    assert "not run: radon is missing" in incomplete.output


def test_exit_zero_is_explained_in_the_help() -> None:
    lint_help = run("lint", "--help").output
    assert "--exit-zero" in lint_help
    assert "MS000 included" in lint_help
    check_help = " ".join(run("check", "--help").output.split())
    assert "becomes 0, or 3 when a check did not run as well" in check_help


# --statistics


def test_statistics_count_each_code_most_frequent_first(root: Path) -> None:
    result = run("lint", "--statistics", root)
    assert result.exit_code == 1
    assert result.output == "2\tMS202\tunsafe-model-load\n1\tMS101\tunseeded-generator\n"


def test_statistics_as_json(root: Path) -> None:
    result = run("lint", "--statistics", "-f", "json", root)
    assert json.loads(result.stdout) == [
        {"code": "MS202", "name": "unsafe-model-load", "severity": "error", "count": 2},
        {"code": "MS101", "name": "unseeded-generator", "severity": "error", "count": 1},
    ]


def test_statistics_in_other_formats_is_a_usage_error(root: Path) -> None:
    for command in ("lint", "check"):
        result = run(command, "--statistics", "-f", "sarif", root)
        assert result.exit_code == 2
        assert "--statistics prints text or json, not sarif" in result.output


def test_statistics_of_a_clean_run_are_empty(root: Path) -> None:
    result = run("lint", "--statistics", root / "pkg" / "ok.py")
    assert (result.exit_code, result.output) == (0, "")


def test_check_statistics_keep_the_table_and_the_verdict(root: Path) -> None:
    result = run(*LINT_ONLY, "--statistics", root)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[:2] == ["2\tMS202\tunsafe-model-load", "1\tMS101\tunseeded-generator"]
    assert "pkg/io.py" not in result.output
    assert any(line.startswith("Standard") for line in lines)
    assert lines[-1].startswith("Failed: 3 errors")
    quiet = run(*LINT_ONLY, "--statistics", "-q", root)
    assert quiet.output.splitlines() == lines[:2]


def test_check_statistics_as_json_name_what_did_not_run_on_stderr(
    root: Path, complexity_not_run: tuple[str, ...]
) -> None:
    result = run(*complexity_not_run, "--statistics", "-f", "json", "--exit-zero", root)
    assert result.exit_code == 3
    assert [row["code"] for row in json.loads(result.stdout)] == ["MS202", "MS101"]
    assert result.stderr == "metstandards: warning: complexity did not run: radon is missing\n"


# --quiet and --silent


def test_quiet_prints_the_findings_only(root: Path) -> None:
    result = run("lint", "-q", root)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        line for line in run("lint", root).output.splitlines() if line.startswith("pkg/")
    ]
    assert len(result.output.splitlines()) == 3
    clean = run("lint", "--quiet", root / "pkg" / "ok.py")
    assert (clean.exit_code, clean.output) == (0, "")


def test_quiet_leaves_machine_formats_whole(root: Path) -> None:
    assert run("lint", "-q", "-f", "json", root).output == run("lint", "-f", "json", root).output


def test_quiet_check_prints_findings_and_names_what_did_not_run(
    root: Path, complexity_not_run: tuple[str, ...]
) -> None:
    result = run(*complexity_not_run, "-q", root)
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["pkg/io.py"] * 2 + [
        "pkg/rng.py"
    ]
    assert "Standard" not in result.output
    assert result.stderr == "metstandards: warning: complexity did not run: radon is missing\n"


@pytest.mark.parametrize("flags", [("--silent",), ("-qq",)])
def test_silent_prints_nothing_but_writes_the_output_file(
    root: Path, tmp_path: Path, flags: tuple[str, ...]
) -> None:
    result = run("lint", *flags, root)
    assert (result.exit_code, result.output) == (1, "")
    out = tmp_path / "report.txt"
    written = run("lint", *flags, "-o", out, root)
    assert (written.exit_code, written.output) == (1, "")
    assert out.read_text().count("MS202") == 2
    assert run("lint", "--silent", "--exit-zero", root).exit_code == 0


def test_quiet_and_silent_are_explained_in_the_help() -> None:
    for command in ("lint", "check"):
        text = " ".join(run(command, "--help").output.split())
        assert "-q, --quiet Print the findings only: no summary, no progress" in text
        assert "--silent Print no report on stdout" in text
        assert "--statistics Print how many findings each code has" in text


# --stdin-filename


def test_stdin_is_checked_as_the_named_file(root: Path) -> None:
    result = run("lint", "--stdin-filename", "pkg/ok.py", "-", stdin=UNSAFE.encode())
    assert result.exit_code == 1
    assert result.output.startswith("pkg/ok.py:3:9: MS202 ")
    assert "Found 1 finding in 1 file checked" in result.output
    assert (root / "pkg" / "ok.py").read_text() == "x = 1\n"
    # Without any path, --stdin-filename reads standard input too (as ruff does).
    bare = run("lint", "--stdin-filename", "pkg/new.py", stdin=UNSAFE.encode())
    assert bare.output.startswith("pkg/new.py:3:9: MS202 ")
    as_json = run("lint", "--stdin-filename", "pkg/ok.py", "-f", "json", "-", stdin=UNSAFE)
    assert [f["path"] for f in json.loads(as_json.stdout)["findings"]] == ["pkg/ok.py"]


def test_a_notebook_on_stdin_is_checked_cell_by_cell(root: Path) -> None:
    """An editor pipes the notebook's JSON as it is saved."""
    buffer = notebook("md:# Explore", "import torch", "state = torch.load(path)")
    result = run("lint", "--stdin-filename", "notebooks/explore.ipynb", "-", stdin=buffer.encode())
    assert result.exit_code == 1
    assert result.output.startswith("notebooks/explore.ipynb:cell 3:1:9: MS202 ")


def test_stdin_takes_role_settings_and_project_from_the_named_path(
    root: Path, tmp_path: Path
) -> None:
    (root / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n'
        '[tool.metstandards.per-file-ignores]\n"pkg/legacy.py" = ["MS2"]\n'
    )
    test_file = run("lint", "--stdin-filename", "tests/test_io.py", "-", stdin=UNSAFE)
    assert (test_file.exit_code, test_file.output) == (0, "All checks passed (1 file checked).\n")
    assert run("lint", "--stdin-filename", "pkg/legacy.py", "-", stdin=UNSAFE).exit_code == 0
    # From elsewhere, the project is still the one the path is in.
    os.chdir(tmp_path.parent)
    elsewhere = run("lint", "--stdin-filename", root / "pkg" / "a.py", "-", stdin=UNSAFE)
    assert elsewhere.exit_code == 1
    assert f"{tmp_path.name}/pkg/a.py:3:9: MS202" in elsewhere.output


def test_stdin_sees_the_rest_of_the_project(root: Path) -> None:
    (root / "pkg" / "seeding.py").write_text(SEED)
    seeded = run("lint", "--stdin-filename", "pkg/train.py", "-", stdin=DRAW)
    assert seeded.exit_code == 0, seeded.output
    (root / "pkg" / "seeding.py").unlink()
    unseeded = run("lint", "--stdin-filename", "pkg/train.py", "-", stdin=DRAW)
    assert "pkg/train.py:3:9: MS102" in unseeded.output
    # The buffer replaces the file on disk: a seed typed into it counts.
    (root / "pkg" / "train.py").write_text(DRAW)
    assert run("lint", "--stdin-filename", "pkg/train.py", "-", stdin=SEED).exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-",), "name the file it stands for with --stdin-filename PATH"),
        (("--stdin-filename", "pkg/a.py", "-", "pkg"), "cannot be checked together"),
        (("--stdin-filename", "pkg/a.py", "pkg"), "pass `-` (or no path), not pkg"),
        (("--stdin-filename", "pkg/a.txt", "-"), "not a Python file or notebook"),
        (("--stdin-filename", "pkg.py", "-"), "is a directory"),
    ],
)
def test_stdin_mistakes_are_usage_errors(root: Path, args: tuple[str, ...], message: str) -> None:
    (root / "pkg.py").mkdir()
    result = run("lint", *args, stdin=UNSAFE)
    assert result.exit_code == 2
    assert message in result.output


def test_check_refuses_stdin(root: Path) -> None:
    result = run("check", "-", stdin=UNSAFE)
    assert result.exit_code == 2
    assert "metstandards lint --stdin-filename PATH -" in result.output


# --config


def test_config_replaces_the_projects_settings(root: Path, tmp_path: Path) -> None:
    (root / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n[tool.metstandards]\nignore = ["MS2"]\n'
    )
    assert run("lint", "--statistics", root).output == "1\tMS101\tunseeded-generator\n"
    shared = tmp_path / "shared" / "metstandards.toml"
    shared.parent.mkdir()
    shared.write_text('ignore = ["MS101"]\n\n[per-file-ignores]\n"pkg/io.py" = []\n')
    result = run("lint", "--statistics", "--config", shared, root)
    assert result.output == "2\tMS202\tunsafe-model-load\n"  # the project's ignore is not read


def test_config_reads_a_pyproject_toml_by_its_table(root: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / "pyproject.toml"
    other.parent.mkdir()
    other.write_text('[project]\nname = "x"\n\n[tool.metstandards]\nselect = ["MS101"]\n')
    assert run("lint", "--statistics", "--config", other, root).output == (
        "1\tMS101\tunseeded-generator\n"
    )
    other.write_text('[project]\nname = "x"\n')
    result = run("lint", "--config", other, root)
    assert result.exit_code == 2
    assert f"--config {other}: has no [tool.metstandards] table" in result.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("select = [\n", ":1:11: invalid TOML"),
        (
            'profile = "wg3"\nselekt = ["MS1"]\n',
            ":2: selekt: unknown setting (did you mean 'select'?)",
        ),
        ('[tool.metstandards]\nselect = ["MS1"]\n', ":1: tool: unknown setting (this file holds"),
        ('select = ["MS9"]\n', ":1: select: unknown rule code or prefix 'MS9'"),
        ('[per-file-ignores]\n"a.py" = "MS1"\n', ":2: [per-file-ignores] 'a.py': must be a list"),
        ('[complexity]\nmax-absolute = "Z"\n', ":2: [complexity] max-absolute: must be one of"),
    ],
)
def test_a_broken_config_file_names_file_line_and_key(
    root: Path, tmp_path: Path, text: str, message: str
) -> None:
    config = tmp_path / "team.toml"
    config.write_text(text)
    command = "check" if "complexity" in text else "lint"
    result = run(command, "--config", config, root)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"metstandards: error: {config}")
    assert message in result.output
    assert len(result.output.splitlines()) == 1


def test_a_missing_config_file_is_a_usage_error(root: Path) -> None:
    for command in ("lint", "check"):
        result = run(command, "--config", "nowhere.toml", root)
        assert result.exit_code == 2
        assert result.output == "metstandards: error: --config nowhere.toml: no such file\n"
    assert "is a directory" in run("lint", "--config", root, root).output


def test_check_reads_its_tables_from_the_config_file(root: Path, tmp_path: Path) -> None:
    config = tmp_path / "team.toml"
    config.write_text('ignore = ["MS101"]\n\n[complexity]\nmax-absolute = "A"\n')
    shown = run("check", "--show-config", "--config", config, root)
    assert shown.exit_code == 0
    assert re.search(r'^ignore = \["MS101"\] +# team\.toml:1$', shown.output, re.M)
    assert re.search(r'^max-absolute = "A" +# team\.toml:4$', shown.output, re.M)
    assert "pip-audit" in shown.output  # the other tables: the profile's


# --extend-select


def test_extend_select_adds_to_the_selection(root: Path) -> None:
    only = run("lint", "--statistics", "--select", "MS101", root).output
    assert only == "1\tMS101\tunseeded-generator\n"
    both = run("lint", "--statistics", "--select", "MS101", "--extend-select", "MS202", root)
    assert both.output == "2\tMS202\tunsafe-model-load\n1\tMS101\tunseeded-generator\n"


@pytest.mark.parametrize("ignored", ["MS202", "MS2", "MS"])
def test_extend_select_wins_over_the_configured_ignore(root: Path, ignored: str) -> None:
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "demo"\n[tool.metstandards]\nignore = ["{ignored}"]\n'
    )
    assert "MS202" not in run("lint", "--statistics", root).output
    extended = run("lint", "--statistics", "--extend-select", "MS202", root).output
    assert "2\tMS202\tunsafe-model-load" in extended


def test_an_ignore_on_the_same_command_line_is_of_the_same_layer(root: Path) -> None:
    same_layer = run("lint", "--statistics", "--extend-select", "MS2", "--ignore", "MS202", root)
    assert "MS202" not in same_layer.output
    specific = run("lint", "--statistics", "--extend-select", "MS202", "--ignore", "MS2", root)
    assert "MS202" in specific.output


def test_extend_select_with_an_unknown_code_is_a_usage_error(root: Path) -> None:
    for command in ("lint", "check"):
        result = run(command, "--extend-select", "MS101,MS2O2", root)
        assert result.exit_code == 2
        assert result.output == (
            "metstandards: error: --extend-select: unknown rule code or prefix 'MS2O2' "
            "(did you mean MS202?)\n"
        )


def test_check_shows_where_the_selection_came_from(root: Path) -> None:
    shown = run("check", "--show-config", "--extend-select", "MS1", root).output
    assert re.search(r'^select = \["MS", "MS1"\] +# profile wg3 \+ --extend-select$', shown, re.M)


# NO_COLOR and FORCE_COLOR


def test_force_color_colours_a_pipe_and_no_color_does_not_stop_it(root: Path) -> None:
    assert not ANSI.search(run("lint", root).output)  # a pipe
    coloured = run("lint", root, env={"FORCE_COLOR": "1"}).output
    assert ANSI.search(coloured)
    assert ANSI.sub("", coloured) == run("lint", root).output
    assert ANSI.search(run("lint", root, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).output)
    assert not ANSI.search(run("lint", root, env={"FORCE_COLOR": ""}).output)
    assert not ANSI.search(run("lint", "--no-color", root, env={"FORCE_COLOR": "1"}).output)
    assert not ANSI.search(run("lint", "-f", "json", root, env={"FORCE_COLOR": "1"}).output)
    stats = run("lint", "--statistics", root, env={"FORCE_COLOR": "1"}).output
    assert ANSI.search(stats)


def test_force_color_leaves_an_output_file_plain(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    run("lint", "-o", out, root, env={"FORCE_COLOR": "1"})
    assert "MS202" in out.read_text()
    assert not ANSI.search(out.read_text())


def test_no_color_wins_over_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert color_wanted(None, None)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not color_wanted(None, None)
    assert color_wanted(True, None)  # --color still forces it
    monkeypatch.setenv("NO_COLOR", "")  # set but empty: as if not set (no-color.org)
    assert color_wanted(None, None)


def test_the_colour_variables_are_named_in_the_help() -> None:
    for command in ("lint", "check"):
        text = " ".join(run(command, "--help").output.split())
        assert "FORCE_COLOR=1 forces it, NO_COLOR=1 turns it off" in text


def _through_terminal(args: list[str], env: dict[str, str]) -> str:
    import pty

    primary, secondary = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "metstandards", *args],
        stdout=secondary,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
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


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_the_colour_variables_in_real_processes(root: Path) -> None:
    clean = {"NO_COLOR": "", "FORCE_COLOR": ""}
    assert ANSI.search(_through_terminal(["lint", str(root)], clean))
    assert not ANSI.search(_through_terminal(["lint", str(root)], {**clean, "NO_COLOR": "1"}))
    piped = subprocess.run(
        [sys.executable, "-m", "metstandards", "lint", str(root)],
        capture_output=True,
        text=True,
        env={**os.environ, **clean, "FORCE_COLOR": "1"},
        check=False,
    )
    assert piped.returncode == 1
    assert ANSI.search(piped.stdout)


# Standard input through a real pipe, and shell completion


EDITOR = (sys.executable, "-m", "metstandards", "lint")


@pytest.mark.slow
def test_an_editor_pipes_a_buffer(root: Path) -> None:
    """`cat f.py | metstandards lint --stdin-filename pkg/f.py -`, as editors run it."""
    piped = subprocess.run(
        [*EDITOR, "--stdin-filename", "pkg/f.py", "-"],
        input=UNSAFE.encode(),
        capture_output=True,
        cwd=root,
        check=False,
    )
    assert piped.returncode == 1, piped.stderr
    assert piped.stdout.decode().startswith("pkg/f.py:3:9: MS202 ")
    assert piped.stderr == b""
    assert not (root / "pkg" / "f.py").exists()
    quiet = subprocess.run(
        [*EDITOR, "-q", "--exit-zero", "--stdin-filename", "pkg/f.py", "-"],
        input=b"x = 1\n",
        capture_output=True,
        cwd=root,
        check=False,
    )
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, b"", b"")


def _metstandards() -> list[str]:
    """The installed command, or the same program under its name where it is not installed."""
    script = Path(sys.executable).with_name("metstandards")
    if script.exists():
        return [str(script)]
    return [
        sys.executable,
        "-c",
        "from metstandards.cli import main; main(prog_name='metstandards')",
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "_metstandards_completion()"),
        ("zsh", "#compdef metstandards"),
        ("fish", "complete"),
    ],
)
def test_shell_completion_scripts_are_produced(shell: str, marker: str) -> None:
    produced = subprocess.run(
        _metstandards(),
        env={**os.environ, "_METSTANDARDS_COMPLETE": f"{shell}_source"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert produced.returncode == 0, produced.stderr
    assert marker in produced.stdout
    assert "_METSTANDARDS_COMPLETE" in produced.stdout


@pytest.mark.slow
def test_completion_completes_commands_and_options() -> None:
    def complete(words: str) -> list[str]:
        answered = subprocess.run(
            _metstandards(),
            env={
                **os.environ,
                "_METSTANDARDS_COMPLETE": "bash_complete",
                "COMP_WORDS": words,
                "COMP_CWORD": str(len(words.split()) - 1),
            },
            capture_output=True,
            text=True,
            check=False,
        )
        assert answered.returncode == 0, answered.stderr
        return answered.stdout.splitlines()

    assert "plain,lint" in complete("metstandards li")
    assert "plain,--stdin-filename" in complete("metstandards lint --stdin")
    assert "plain,--exit-zero" in complete("metstandards check --exit")

"""The real mypy on fixture projects, and the text format its output is read in."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from metstandards.findings import Finding, Severity
from metstandards.results import CheckContext, Status
from metstandards.tools import mypy
from metstandards.tools.process import NotRun

from ._project import context, fake_tool


@pytest.fixture(scope="module", autouse=True)
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One mypy cache for the module: a cold standard library costs seconds per project."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MYPY_CACHE_DIR", str(tmp_path_factory.mktemp("mypy-cache")))
        # An activated environment of the caller's would be the project's interpreter.
        patch.delenv("VIRTUAL_ENV", raising=False)
        yield


STRICT = {"strict": True, "flags": [], "severity": "error"}
WRONG_ARGUMENT = 'def f(x: int) -> int:\n    return x\n\n\nf("a")\n'


@pytest.mark.slow
def test_strict_mypy_finds_an_argument_of_the_wrong_type(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/mod.py": WRONG_ARGUMENT, "tests/test_mod.py": "x = f(1)\n"}
    outcome = mypy.run(context(tmp_path, files, settings=STRICT))
    assert outcome.status is Status.FINDINGS
    assert outcome.findings == (
        Finding(
            "pkg/mod.py",
            5,
            3,
            5,
            6,
            "mypy:arg-type",
            "arg-type",
            Severity.ERROR,
            'Argument 1 to "f" has incompatible type "str"; expected "int"',
        ),
    )


@pytest.mark.slow
def test_strictness_and_severity_come_from_the_settings(tmp_path: Path) -> None:
    files = {"pkg/mod.py": "def f(x):\n    return x\n"}
    lenient = mypy.run(context(tmp_path, files, settings={"strict": False}))
    strict = mypy.run(context(tmp_path, files, settings={"strict": True, "severity": "warning"}))
    assert lenient.status is Status.PASSED
    assert [(f.code, f.severity) for f in strict.findings] == [
        ("mypy:no-untyped-def", Severity.WARNING)
    ]


@pytest.mark.slow
def test_clean_code_passes(tmp_path: Path) -> None:
    files = {"pkg/mod.py": "def f(x: int) -> int:\n    return x\n"}
    outcome = mypy.run(context(tmp_path, files, settings=STRICT))
    assert (outcome.status, outcome.reason) == (Status.PASSED, "")


@pytest.mark.slow
def test_hints_join_their_error_and_flags_are_passed(tmp_path: Path) -> None:
    # A module of the project itself that cannot be found: a real error, not a missing package.
    files = {"pkg/__init__.py": "", "pkg/mod.py": "import pkg.not_there\n"}
    found = mypy.run(context(tmp_path, files, settings=STRICT))
    quiet = mypy.run(
        context(tmp_path, files, settings={**STRICT, "flags": ["--ignore-missing-imports"]})
    )
    (finding,) = found.findings
    assert finding.code == "mypy:import-not-found"
    assert "(See https://mypy.readthedocs.io/" in finding.message
    assert quiet.status is Status.PASSED


@pytest.mark.slow
def test_mypys_own_warnings_go_in_the_note(tmp_path: Path) -> None:
    settings = {"strict": False, "flags": ["--strict-concatenate"]}
    outcome = mypy.run(context(tmp_path, {"pkg/mod.py": "x: int = 1\n"}, settings=settings))
    assert outcome.status is Status.PASSED
    assert (
        outcome.reason == "Warning: --strict-concatenate is deprecated; use --extra-checks instead"
    )


@pytest.mark.slow
def test_two_modules_with_one_name_are_not_run_with_mypys_words(tmp_path: Path) -> None:
    files = {"scripts/util.py": "", "tools/util.py": ""}
    outcome = mypy.run(context(tmp_path, files, settings=STRICT))
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason.startswith("mypy failed (exit code 2): ")
    assert 'Duplicate module named "util"' in outcome.reason


def test_no_package_files_is_said(tmp_path: Path) -> None:
    outcome = mypy.run(context(tmp_path, {"tests/test_a.py": "x = 1\n"}, settings=STRICT))
    assert (outcome.status, outcome.reason) == (Status.SKIPPED, "no package files")


def test_every_location_form_mypy_writes_is_read(tmp_path: Path) -> None:
    text = (
        "pkg/a.py:3:5:3:9: error: Bad thing  [misc]\n"
        "pkg/a.py:3:5:3:9: note: A hint\n"
        "pkg/a.py:3:5:3:9: note: Another hint\n"
        'pkg/a.py:8: note: Revealed type is "int"\n'
        "C:\\repo\\b.py:2:1: error: Windows path, no end  [name-defined]\n"
        "pkg/c.py: error: No line at all  [syntax]\n"
    )
    found, warnings = mypy.parse(tmp_path, text, Severity.ERROR)
    assert warnings == []
    assert [(f.path, f.line, f.column, f.end_line, f.end_column, f.message) for f in found] == [
        ("pkg/a.py", 3, 5, 3, 10, "Bad thing (A hint; Another hint)"),
        ("C:\\repo\\b.py", 2, 1, 2, 1, "Windows path, no end"),
        ("pkg/c.py", 1, 1, 1, 1, "No line at all"),
    ]


def test_a_line_that_cannot_be_read_stops_the_check(tmp_path: Path) -> None:
    with pytest.raises(NotRun, match="could not be read: Found 3 errors"):
        mypy.parse(tmp_path, "pkg/a.py:1:1:1:2: error: x  [misc]\nFound 3 errors\n", Severity.ERROR)


# The repository's configuration is the base; the profile adds what it requires.

UNTYPED = "def f(x):\n    return x\n"


@pytest.mark.slow
def test_the_repositorys_own_configuration_decides_by_default(tmp_path: Path) -> None:
    files = {"pkg/mod.py": UNTYPED}
    strict_repo = context(tmp_path / "a", files, pyproject="[tool.mypy]\nstrict = true\n")
    lenient_repo = context(tmp_path / "b", files, pyproject="[tool.mypy]\nstrict = false\n")
    assert [f.code for f in mypy.run(strict_repo).findings] == ["mypy:no-untyped-def"]
    assert mypy.run(lenient_repo).status is Status.PASSED


@pytest.mark.slow
def test_a_required_flag_is_added_and_a_relaxing_setting_is_named_once(tmp_path: Path) -> None:
    pyproject = (
        "[tool.mypy]\nstrict = false\n\n"
        '[[tool.mypy.overrides]]\nmodule = "pkg.legacy"\ndisallow_untyped_defs = false\n'
    )
    files = {"pkg/__init__.py": "", "pkg/mod.py": UNTYPED, "pkg/legacy.py": UNTYPED}
    settings = {"required-flags": ["--disallow-untyped-defs"]}
    outcome = mypy.run(context(tmp_path, files, settings=settings, pyproject=pyproject))
    # The flag reaches pkg.mod; the per-module section still wins for pkg.legacy, as in mypy.
    assert [(f.path, f.code) for f in outcome.findings] == [("pkg/mod.py", "mypy:no-untyped-def")]
    assert outcome.reason == (
        "the repository's mypy configuration relaxes what the profile requires: "
        "pyproject.toml:9 sets disallow_untyped_defs = false for pkg.legacy"
    )


@pytest.mark.slow
def test_strict_from_the_profile_names_the_repositorys_strict_false(tmp_path: Path) -> None:
    files = {"pkg/mod.py": UNTYPED}
    outcome = mypy.run(
        context(
            tmp_path, files, settings={"strict": True}, pyproject="[tool.mypy]\nstrict = false\n"
        )
    )
    assert [f.code for f in outcome.findings] == ["mypy:no-untyped-def"]
    assert "pyproject.toml:5 sets strict = false (overridden)" in outcome.reason


@pytest.mark.slow
def test_a_mypy_ini_is_read_too(tmp_path: Path) -> None:
    ctx = context(tmp_path, {"pkg/mod.py": UNTYPED})
    (tmp_path / "mypy.ini").write_text("[mypy]\ndisallow_untyped_defs = True\n", encoding="utf-8")
    assert [f.code for f in mypy.run(ctx).findings] == ["mypy:no-untyped-def"]


@pytest.mark.slow
def test_neither_a_parent_directorys_nor_the_users_config_leaks_in(tmp_path: Path) -> None:
    (tmp_path / "mypy.ini").write_text("[mypy]\ndisallow_untyped_defs = True\n", encoding="utf-8")
    assert mypy.run(context(tmp_path / "project", {"pkg/mod.py": UNTYPED})).status is Status.PASSED


# Plugins are the repository's code: refused unless allowed, never when untrusted.

PLUGIN = """\
from pathlib import Path
from mypy.plugin import Plugin

Path(__file__).with_name("plugin-ran").write_text("yes")


def plugin(version):
    return Plugin
"""


def _plugin_project(root: Path, settings: dict[str, object]) -> CheckContext:
    pyproject = '[tool.mypy]\nplugins = ["plug.py"]\nmypy_path = "$MYPY_CONFIG_FILE_DIR/stubs"\n'
    files = {"pkg/mod.py": "x: int = 1\n", "plug.py": PLUGIN}
    ctx = context(root, files, settings=settings, pyproject=pyproject)
    return replace(ctx, package_files=("pkg/mod.py",))


@pytest.mark.slow
def test_plugins_the_configuration_names_are_refused_and_never_run(tmp_path: Path) -> None:
    outcome = mypy.run(_plugin_project(tmp_path, {}))
    assert outcome.status is Status.PASSED
    assert not (tmp_path / "plugin-ran").exists()
    assert "refused the mypy plugins plug.py (pyproject.toml:5)" in outcome.reason
    assert "allow-plugins = true" in outcome.reason
    assert not list(tmp_path.glob("mypy.ini")), "nothing is written into the repository"


@pytest.mark.slow
def test_plugins_run_when_allowed_but_never_when_untrusted(tmp_path: Path) -> None:
    allowed = _plugin_project(tmp_path, {"allow-plugins": True})
    untrusted = replace(allowed, untrusted=True)
    assert "(--untrusted)" in mypy.run(untrusted).reason
    assert not (tmp_path / "plugin-ran").exists()
    outcome = mypy.run(allowed)
    assert (tmp_path / "plugin-ran").exists()
    assert "ran the repository's mypy plugins plug.py" in outcome.reason


# Imports resolve in the project's environment; missing packages are folded into one line.

USES_A_DEPENDENCY = "import weatherdep\n\nx: int = weatherdep.VALUE\n"


def _venv_with_dependency(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    (site,) = path.glob("lib/python*/site-packages")
    (site / "weatherdep").mkdir()
    (site / "weatherdep" / "__init__.py").write_text("VALUE: str = 'x'\n", encoding="utf-8")
    (site / "weatherdep" / "py.typed").write_text("", encoding="utf-8")
    return path


@pytest.mark.slow
def test_missing_packages_are_one_line_of_the_note(tmp_path: Path) -> None:
    files = {"pkg/mod.py": USES_A_DEPENDENCY + "import other.sub\nimport pkg.missing\n"}
    outcome = mypy.run(context(tmp_path, files))
    assert [f.message.split(" (")[0] for f in outcome.findings] == [
        'Cannot find implementation or library stub for module named "pkg.missing"'
    ]
    assert outcome.reason.startswith(
        f"2 imported packages are not installed in {sys.executable} (the environment "
        "metstandards runs in): other, weatherdep; their 3 import errors are not reported."
    )


@pytest.mark.slow
def test_the_projects_venv_resolves_its_imports(tmp_path: Path) -> None:
    ctx = context(tmp_path, {"pkg/mod.py": USES_A_DEPENDENCY})
    _venv_with_dependency(tmp_path / ".venv")
    outcome = mypy.run(ctx)
    # weatherdep.VALUE is a str in the venv: mypy saw the real package.
    assert [f.code for f in outcome.findings] == ["mypy:assignment"]


@pytest.mark.slow
def test_the_python_setting_names_the_interpreter(tmp_path: Path) -> None:
    venv = _venv_with_dependency(tmp_path / "envs" / "project")
    ctx = context(
        tmp_path / "repo",
        {"pkg/mod.py": USES_A_DEPENDENCY},
        settings={"python": str(venv / "bin" / "python")},
    )
    assert [f.code for f in mypy.run(ctx).findings] == ["mypy:assignment"]
    missing = replace(ctx, settings={"python": "no/such/python"})
    outcome = mypy.run(missing)
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason == "[tool.metstandards.mypy] python: no such interpreter: no/such/python"


@pytest.mark.slow
def test_an_interpreter_git_tracks_is_never_run(tmp_path: Path) -> None:
    ctx = context(tmp_path, {"pkg/mod.py": "x: int = 1\n"})
    fake = tmp_path / ".venv" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text(f'#!/bin/sh\ntouch {tmp_path}/interpreter-ran\nexec {sys.executable} "$@"\n')
    fake.chmod(0o755)
    for command in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *command], cwd=tmp_path, check=True)
    assert mypy.run(ctx).status is Status.PASSED
    refused = mypy.run(replace(ctx, settings={"python": ".venv/bin/python"}))
    assert refused.status is Status.NOT_RUN
    assert "git tracks it" in refused.reason
    assert not (tmp_path / "interpreter-ran").exists()


@pytest.mark.slow
def test_an_activated_virtual_environment_is_the_projects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    venv = _venv_with_dependency(tmp_path / "elsewhere" / "env")
    monkeypatch.setenv("VIRTUAL_ENV", str(venv))
    outcome = mypy.run(context(tmp_path / "repo", {"pkg/mod.py": USES_A_DEPENDENCY}))
    assert [f.code for f in outcome.findings] == ["mypy:assignment"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("script", "said"),
    [
        ("exit 0", "it printed nothing"),
        ("echo 'pkg/mod.py:1:1: error: bad  [misc]'; exit 0", "its last line was"),
        (
            "echo 'pkg/mod.py:1:1: error: bad  [misc]'; "
            "echo 'Found 3 errors in 1 file (checked 1 source file)'; exit 1",
            "its last line was",
        ),
    ],
)
def test_mypy_without_a_matching_summary_is_not_run(
    tmp_path: Path, script: str, said: str
) -> None:
    # A broken install that prints nothing, or output the summary does not vouch for.
    fake = fake_tool(tmp_path / "bin", "mypy", script)
    outcome = mypy.run(context(tmp_path / "p", {"pkg/mod.py": "x = 1\n"}), search=[fake])
    assert outcome.status is Status.NOT_RUN
    assert "did not end with a summary" in outcome.reason
    assert said in outcome.reason

"""A rule plugin, installed for real: ``metstandards-example-plugin`` (next to this file) is
built and installed by pip into a temporary directory, and the ``metstandards`` command run with
that directory on ``PYTHONPATH`` lists its rule, explains it, reports its findings and honours
``# noqa`` for its prefix. Broken plugins end the command with one clear line and status 2."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

PLUGIN = Path(__file__).parent / "metstandards-example-plugin"
BACKEND = "flit_core>=3.4,<5"  # the plugin's build backend, as its pyproject.toml names it


def _pip(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="session")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A directory holding the installed plugin, for ``PYTHONPATH``."""
    env = dict(os.environ)
    if importlib.util.find_spec("flit_core") is None:
        # The backend is not installed: fetch it from the package index into a directory of
        # its own, which the build (run without isolation) then imports from.
        backend = tmp_path_factory.mktemp("backend")
        fetched = _pip("install", "--quiet", "--target", str(backend), BACKEND)
        if fetched.returncode != 0:
            pytest.skip(
                f"the plugin's build backend ({BACKEND}) is not installed and could not be "
                f"fetched: {fetched.stderr.strip()[-500:]}"
            )
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(backend), env.get("PYTHONPATH")]))
    target = tmp_path_factory.mktemp("plugin")
    before = _tree(PLUGIN)
    installed = _pip(
        "install",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--target",
        str(target),
        str(PLUGIN),
        env=env,
    )
    assert installed.returncode == 0, installed.stderr
    assert (target / "metstandards_example_plugin" / "os_system.py").is_file()
    assert _tree(PLUGIN) == before, "the build left files in the plugin's source tree"
    return str(target)


def _tree(directory: Path) -> set[str]:
    return {
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if "__pycache__" not in path.parts
    }


def metstandards(
    args: Sequence[str], *, path: str | None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess, with ``path`` (if any) in front of ``PYTHONPATH``."""
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [path, env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "metstandards", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_plugin_rule_is_listed_with_its_origin(plugin_path: str) -> None:
    listed = metstandards(["rules", "--format", "json"], path=plugin_path)
    assert listed.returncode == 0, listed.stderr
    rows = {row["code"]: row for row in json.loads(listed.stdout)}
    assert rows["EX101"] == {
        "code": "EX101",
        "name": "os-system-call",
        "severity": "error",
        "scope": "file",
        "summary": "A shell command run with `os.system`.",
        "origin": "metstandards-example-plugin==0.1.0",
    }
    assert "MS202" in rows
    table = metstandards(["rules"], path=plugin_path).stdout
    assert any(line.startswith("EX101") and "os-system-call" in line for line in table.splitlines())


def test_plugin_rule_is_explained(plugin_path: str) -> None:
    explained = metstandards(["explain", "ex101"], path=plugin_path)
    assert explained.returncode == 0, explained.stderr
    assert explained.stdout.startswith("# EX101 os-system-call (error)")
    assert "## Why is this bad?" in explained.stdout
    assert "subprocess.run" in explained.stdout


def test_plugin_rule_reports_and_its_noqa_prefix_is_known(plugin_path: str, tmp_path: Path) -> None:
    # Plugin rules run where the project selects them, like any rule outside the profile.
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "forecast"\n[tool.metstandards]\nselect = ["MS", "EX"]\n'
    )
    files = {
        "src/forecast/merge.py": "import os\n\nos.system('cdo mergetime a.nc b.nc out.nc')\n",
        "src/forecast/alias.py": "from os import system as sh\nsh('ls')\n",
        "src/forecast/allowed.py": "import os\nos.system('ls')  # noqa: EX101\n",
        "src/forecast/stale.py": "x = 1  # noqa: EX101\n",
        "src/forecast/typo.py": "x = 1  # noqa: EX109\n",
        "src/forecast/bandit.py": "x = 1  # noqa: S605\n",
        "tests/test_merge.py": "import os\nos.system('ls')\n",
    }
    for relpath, source in files.items():
        (tmp_path / relpath).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relpath).write_text(source)

    linted = metstandards(["lint", "--no-cache", "-f", "json"], path=plugin_path, cwd=tmp_path)
    assert linted.returncode == 1, linted.stderr
    findings = [(f["path"], f["line"], f["code"]) for f in json.loads(linted.stdout)["findings"]]
    assert findings == [
        ("src/forecast/alias.py", 2, "EX101"),
        ("src/forecast/merge.py", 3, "EX101"),
        ("src/forecast/stale.py", 1, "MS001"),
        ("src/forecast/typo.py", 1, "MS001"),
    ]

    # check gives the plugin's standard a row of its own: the finding cannot hide behind rows
    # that all say "passed".
    only_lint = ["check", "--only", "lint", "-f", "json"]
    checked = metstandards(only_lint, path=plugin_path, cwd=tmp_path)
    rows = {row["standard"]: row for row in json.loads(checked.stdout)["standards"]}
    assert rows["Shell commands kept out of code"]["findings"] == 2
    assert rows["Shell commands kept out of code"]["status"] == "findings"
    assert checked.returncode == 1

    # Without the plugin, EX is some other tool's prefix: its noqa comments are left alone,
    # and a project that still selects it is told so.
    alone = metstandards(["lint", "--no-cache"], path=None, cwd=tmp_path)
    assert alone.returncode == 2
    assert "unknown rule code or prefix 'EX'" in alone.stderr
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "forecast"\n')
    alone = metstandards(["lint", "--no-cache"], path=None, cwd=tmp_path)
    assert alone.returncode == 0, alone.stdout + alone.stderr


EXAMPLES = """
import json, sys, tempfile
from pathlib import Path
from metstandards.config import load_config
from metstandards.engine.runner import run_lint
from metstandards.registry import load_registry

registry = load_registry()
registry.load_selected(("EX",))
rule = registry.rules["EX101"]
verdicts = {}
for kind in ("VALID", "INVALID"):
    for index, example in enumerate(getattr(rule, kind)):
        files = {"pkg/example.py": example} if isinstance(example, str) else example
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            (root / "pyproject.toml").write_text('[tool.metstandards]\\nselect = ["EX101"]\\n')
            for relpath, source in files.items():
                (root / relpath).parent.mkdir(parents=True, exist_ok=True)
                (root / relpath).write_text(source)
            config = load_config(root, registry)
            result = run_lint(config, registry, [], use_cache=False, workers=1)
            verdicts[f"{kind}-{index}"] = [f.code for f in result.findings]
json.dump(verdicts, sys.stdout)
"""


def test_plugin_examples_hold(plugin_path: str) -> None:
    """The plugin's VALID examples give no finding and each INVALID one gives one, checked
    through the installed plugin as the generic test checks the built-in rules."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [plugin_path, env.get("PYTHONPATH")]))
    completed = subprocess.run(
        [sys.executable, "-c", EXAMPLES],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == {
        "VALID-0": [],
        "VALID-1": [],
        "VALID-2": [],
        "INVALID-0": ["EX101"],
        "INVALID-1": ["EX101"],
    }


def _broken_distribution(directory: Path, entry_point: str, module: str = "") -> str:
    """An installed distribution as pip leaves one: a ``.dist-info`` with ``entry_points.txt``
    (and, if given, a module beside it)."""
    info = directory / "broken_plugin-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[metstandards.rules]\n{entry_point}\n")
    if module:
        (directory / "broken_plugin_module.py").write_text(module)
    return str(directory)


@pytest.mark.parametrize(
    ("entry_point", "module", "words"),
    [
        pytest.param(
            "BR101 = broken_plugin_missing_module:Rule",
            "",
            ["cannot load rule", "BR101", "broken-plugin==0.1", "No module named"],
            id="missing-module",
        ),
        pytest.param(
            "BR102 = broken_plugin_module:Rule",
            "raise RuntimeError('plugin exploded on import')\n",
            ["cannot load rule", "BR102", "plugin exploded on import"],
            id="import-fails",
        ),
        pytest.param(
            "BR103 = os.path:join",
            "",
            ["BR103", "not a metstandards Rule subclass"],
            id="not-a-rule",
        ),
        pytest.param(
            "BR104 = metstandards.rules.serialization.unsafe_model_load:UnsafeModelLoad",
            "",
            ["BR104", "code must equal the entry-point name"],
            id="code-mismatch",
        ),
    ],
)
def test_broken_plugin_is_a_clear_error(
    tmp_path: Path, entry_point: str, module: str, words: list[str]
) -> None:
    path = _broken_distribution(tmp_path / "site", entry_point, module)
    project = tmp_path / "project"
    project.mkdir()
    (project / "a.py").write_text("x = 1\n")
    (project / "pyproject.toml").write_text('[project]\nname = "p"\n')
    # Not selected, the plugin is never imported: lint runs as if it were not installed.
    unselected = metstandards(["lint", "--no-cache"], path=path, cwd=project)
    assert unselected.returncode == 0, unselected.stderr
    (project / "pyproject.toml").write_text('[tool.metstandards]\nselect = ["MS", "BR"]\n')
    for args in (["rules"], ["lint", "--no-cache"], ["explain", "MS202"]):
        completed = metstandards(args, path=path, cwd=project)
        assert completed.returncode == 2, (args, completed.stdout, completed.stderr)
        assert "Traceback" not in completed.stderr
        assert completed.stderr.startswith("metstandards: error: ")
        assert len(completed.stderr.splitlines()) == 1, completed.stderr
        for word in words:
            assert word in completed.stderr

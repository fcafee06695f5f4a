"""The lint cache key covers the code that produces the results: every file of metstandards and
of each plugin distribution whose rules run, installed or checked out, and the libcst and Python
versions. Edits to a rule's helper module, in real files run by a fresh interpreter as a user
runs them, check everything again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from metstandards.engine import runner
from metstandards.rule import Rule

from ._project import PYPROJECT, Project
from ._rules import with_rules

REPOSITORY = Path(__file__).resolve().parents[2]
PLUGIN = REPOSITORY / "tests" / "plugin" / "metstandards-example-plugin"
PLUGIN_NAME = "metstandards-example-plugin"
# Offline, as tests/plugin/test_example_plugin.py installs the plugin.
PIP_INSTALL = (
    *(sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "install"),
    *("--quiet", "--no-deps", "--no-build-isolation"),
)

# One cached lint run of the project in argv[1], as `metstandards lint` makes it, and what it
# says about itself: how many files the cache answered, the findings, which kind of stamp each
# distribution's code got, and where metstandards was imported from.
DRIVER = """
import json, sys
from pathlib import Path
import metstandards
from metstandards.config import load_config
from metstandards.engine import runner
from metstandards.registry import load_registry

root = Path(sys.argv[1])
registry = load_registry()
config = load_config(root, registry)
result = runner.run_lint(config, registry, [], workers=1)
rules = registry.selected(config.select, config.ignore)
json.dump(
    {
        "from_cache": result.files_from_cache,
        "found": [[f.path, f.line, f.code] for f in result.findings],
        "stamps": {
            name: stamp.partition(":")[0]
            for name, stamp in runner._code_stamps(registry, rules).items()
        },
        "metstandards": metstandards.__file__,
    },
    sys.stdout,
)
"""


def _lint(root: Path, pythonpath: list[Path]) -> dict[str, Any]:
    """A cached lint run of ``root`` in a fresh interpreter with ``pythonpath`` in front."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [*map(str, pythonpath), env.get("PYTHONPATH")])
    )
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(root)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _project(root: Path, files: Mapping[str, str], toml: str = "") -> Path:
    """A project on disk for a linting subprocess: ``pyproject.toml`` and ``files``."""
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT + toml, encoding="utf-8")
    for relpath, text in files.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text, encoding="utf-8")
    return root


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


# `pad_token` is a tokenizer's padding token, not a secret: until `pad` stops being an ML word.
LOGIN = 'import logging\n\n\ndef login(pad_token):\n    logging.info("token %s", pad_token)\n'
NOT_ML_WORD = '\n_ML_TOKEN_WORDS = _ML_TOKEN_WORDS - {"pad"}\n'


@pytest.mark.slow
def test_editing_a_helper_module_of_a_builtin_rule_in_a_checkout_checks_again(
    tmp_path: Path,
) -> None:
    """The issue's case: `rules/secrets/_words.py` changed, and a cached run must see it."""
    checkout = tmp_path / "checkout"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(
        REPOSITORY / "src" / "metstandards", checkout / "src" / "metstandards", ignore=ignore
    )
    shutil.copytree(REPOSITORY / "rules", checkout / "rules", ignore=ignore)
    root = _project(tmp_path / "project", {"pkg/login.py": LOGIN})

    cold = _lint(root, [checkout / "src"])
    assert cold["metstandards"] == str(checkout / "src" / "metstandards" / "__init__.py")
    assert cold["stamps"] == {"metstandards": "files"}  # the checkout, not the installed RECORD
    assert (cold["from_cache"], cold["found"]) == (0, [])
    assert _lint(root, [checkout / "src"])["from_cache"] == 1

    _append(checkout / "src" / "metstandards" / "rules" / "secrets" / "_words.py", NOT_ML_WORD)
    edited = _lint(root, [checkout / "src"])
    assert edited["from_cache"] == 0
    assert edited["found"] == [["pkg/login.py", 5, "MS301"]]


# The example plugin with its rule's list of calls moved into a helper module.
HELPER = 'SHELL_CALLS = frozenset({"os.system"})\n'
PLUGIN_RULE_IMPORT = "from metstandards.rule import Rule\n"
SHELL = "import os\n\nos.popen('ls')\nos.system('ls')\n"


@pytest.fixture(scope="module")
def plugin_with_helper(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the plugin's source package, a directory it is installed into by pip)."""
    source = tmp_path_factory.mktemp("plugin-source") / "plugin"
    shutil.copytree(PLUGIN, source, ignore=shutil.ignore_patterns("__pycache__"))
    package = source / "src" / "metstandards_example_plugin"
    (package / "_calls.py").write_text(HELPER)
    rule = package / "os_system.py"
    text = rule.read_text()
    helper_import = "from metstandards_example_plugin._calls import SHELL_CALLS\n"
    text = text.replace(PLUGIN_RULE_IMPORT, PLUGIN_RULE_IMPORT + helper_import)
    text = text.replace('== "os.system":', "in SHELL_CALLS:")
    assert "in SHELL_CALLS:" in text
    rule.write_text(text)
    target = tmp_path_factory.mktemp("plugin-installed")
    installed = subprocess.run(
        [*PIP_INSTALL, "--target", str(target), str(source)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if installed.returncode != 0 and "flit_core" in installed.stderr:
        pytest.skip(f"the plugin's build backend is missing: {installed.stderr[-300:]}")
    assert installed.returncode == 0, installed.stderr
    return package, target


@pytest.mark.slow
def test_editing_a_helper_of_an_installed_plugin_checks_again(
    plugin_with_helper: tuple[Path, Path], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(plugin_with_helper[1], site)
    root = _project(
        tmp_path / "project",
        {"pkg/shell.py": SHELL},
        '[tool.metstandards]\nselect = ["MS", "EX"]\n',
    )

    cold = _lint(root, [site])
    assert cold["stamps"][PLUGIN_NAME] == "record"
    assert cold["found"] == [["pkg/shell.py", 4, "EX101"]]
    assert _lint(root, [site])["from_cache"] == 1

    _append(site / "metstandards_example_plugin" / "_calls.py", 'SHELL_CALLS |= {"os.popen"}\n')
    edited = _lint(root, [site])
    assert edited["from_cache"] == 0
    assert edited["found"] == [["pkg/shell.py", 3, "EX101"], ["pkg/shell.py", 4, "EX101"]]


@pytest.mark.slow
def test_editing_a_helper_of_a_plugin_checkout_in_front_of_its_install_checks_again(
    plugin_with_helper: tuple[Path, Path], tmp_path: Path
) -> None:
    """A plugin being written: its checkout on PYTHONPATH before an older installed copy. The
    installed RECORD is not the code that runs, so the checkout's files are stamped."""
    checkout = tmp_path / "checkout"
    shutil.copytree(plugin_with_helper[0], checkout / "metstandards_example_plugin")
    path = [checkout, plugin_with_helper[1]]
    root = _project(
        tmp_path / "project",
        {"pkg/shell.py": SHELL},
        '[tool.metstandards]\nselect = ["MS", "EX"]\n',
    )

    cold = _lint(root, path)
    assert cold["stamps"][PLUGIN_NAME] == "files"
    assert cold["found"] == [["pkg/shell.py", 4, "EX101"]]
    assert _lint(root, path)["from_cache"] == 1

    _append(checkout / "metstandards_example_plugin" / "_calls.py", 'SHELL_CALLS |= {"os.popen"}\n')
    edited = _lint(root, path)
    assert edited["from_cache"] == 0
    assert edited["found"] == [["pkg/shell.py", 3, "EX101"], ["pkg/shell.py", 4, "EX101"]]


def _cached_twice(project: Project, **overrides: object) -> int:
    """How many files the second of two cached runs took from the cache."""
    project.lint(use_cache=True, **overrides)
    return project.lint(use_cache=True, **overrides).files_from_cache


def test_a_warm_run_answers_from_the_cache(project: Project) -> None:
    """The control for the tests below: nothing changed, everything comes from the cache."""
    project.write({"pkg/a.py": "x = 1\n"})
    assert _cached_twice(project) == 1


def test_another_libcst_version_checks_everything_again(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write({"pkg/a.py": "x = 1\n"})
    project.lint(use_cache=True)
    real = runner.version
    monkeypatch.setattr(runner, "version", lambda name: "0.0" if name == "libcst" else real(name))
    assert project.lint(use_cache=True).files_from_cache == 0


def test_another_python_checks_everything_again(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write({"pkg/a.py": "x = 1\n"})
    project.lint(use_cache=True)
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert project.lint(use_cache=True).files_from_cache == 0


def test_a_rule_whose_code_cannot_be_located_is_never_answered_from_the_cache(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule defined where no file holds it (``__main__`` of ``python -c``): its code cannot
    be stamped, so its results cannot be trusted to a later run."""
    module = types.ModuleType("rule_without_file")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(  # a class made the way `python -c` makes one
        "from metstandards.rule import Rule\n"
        "class Nowhere(Rule):\n"
        '    """Nothing."""\n'
        '    code = "TP302"\n'
        '    name = "nowhere"\n',
        module.__dict__,
    )
    rule: type[Rule] = module.Nowhere
    registry = with_rules(project.registry, rule)
    project.write({"pkg/a.py": "x = 1\n"})
    assert _cached_twice(project, registry=registry, select=("MS", "TP")) == 0


@pytest.mark.slow
def test_a_warm_run_does_not_load_libcst(tmp_path: Path) -> None:
    """The key reads libcst's version from its metadata: the import, as costly as the rest of
    a warm run, stays deferred."""
    root = _project(tmp_path / "project", {"pkg/a.py": "x = 1\n"})
    assert _lint(root, [])["from_cache"] == 0
    code = (
        "from metstandards import registry\n"
        "def refuse(self, name):\n"
        "    raise RuntimeError(f'libcst.{name} loaded by a warm run')\n"
        "registry._DeferredModule.__getattr__ = refuse\n"
    ) + DRIVER
    done = subprocess.run(
        [sys.executable, "-c", code, str(root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout)["from_cache"] == 1

"""``metstandards init``: what it writes, that a second run changes nothing, that a user's edits
are never overwritten unasked; and, end to end, a new user adopting the standard on the example
project, and a team adding it to a hook configuration of its own, with the real pre-commit.

How init adopts an existing repository in detail (the merge into .pre-commit-config.yaml, CI
detection, requires-python, Dependabot, setup.py projects) is tested in tests/scaffold/."""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hooks._pre_commit import (
    CHECKOUT,
    commit_all,
    git,
    new_repository,
    pre_commit,
    run,
    snapshot_checkout,
)

from metstandards import __version__
from metstandards._toml import tomllib
from metstandards.cli import main
from metstandards.scaffold import ScaffoldError
from metstandards.scaffold.pin import Pin
from metstandards.scaffold.sources import Sources, fill, placeholders

SHA = "0123456789abcdef0123456789abcdef01234567"
PYPROJECT = '# the team\'s own comment\n[project]\nname = "demo"\nversion = "0.1.0"'
WRITTEN = (
    ".pre-commit-config.yaml",
    "pyproject.toml",
    ".github/workflows/metstandards.yml",
    ".github/workflows/python-ci.yml",
    ".github/dependabot.yml",
)
_PLACEHOLDER = re.compile(r"(?<!\$)\{\{")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return root


def init(root: Path, *args: str) -> Result:
    arguments = ["init", str(root), "--ref", SHA, "--version", "v1.2.3", *args]
    result = CliRunner().invoke(main, arguments)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_init_writes_pinned_files_and_a_second_run_changes_nothing(repo: Path) -> None:
    first = init(repo, "--hooks-repo", "https://git.example.int/mlops/metstandards")
    assert first.exit_code == 0, first.output
    for relpath in WRITTEN:
        verb = "updated" if relpath == "pyproject.toml" else "created"
        assert re.search(rf"^{verb} +{re.escape(relpath)}", first.output, re.MULTILINE)
    assert "pre-commit install" in first.output
    config = (repo / ".pre-commit-config.yaml").read_text()
    assert 'repo: "https://git.example.int/mlops/metstandards"' in config
    assert f'rev: "{SHA}"  # frozen: v1.2.3' in config
    workflow = (repo / ".github/workflows/metstandards.yml").read_text()
    assert f"/.github/workflows/metstandards.yml@{SHA} # v1.2.3" in workflow
    for relpath in WRITTEN:
        assert not _PLACEHOLDER.search((repo / relpath).read_text()), relpath

    before = tree(repo)
    second = init(repo, "--hooks-repo", "https://git.example.int/mlops/metstandards")
    assert second.exit_code == 0, second.output
    assert all(re.search(rf"^unchanged +{re.escape(p)}$", second.output, re.M) for p in WRITTEN)
    assert second.output.endswith("Up to date: nothing to change.\n")
    assert tree(repo) == before


@pytest.mark.slow
def test_dry_run_in_an_existing_repository_shows_the_merge_and_writes_nothing(repo: Path) -> None:
    config = "repos:\n- repo: local  # the team's own\n  hooks:\n  - id: no-fixme\n"
    (repo / ".pre-commit-config.yaml").write_text(config)
    before = tree(repo)
    result = init(repo, "--dry-run", "--workflows", "")
    assert result.exit_code == 0, result.output
    assert tree(repo) == before
    assert re.search(r"^would update +\.pre-commit-config\.yaml \(adds the metstandards hooks "
                     r"and default_install_hook_types; keeps its 1 other hook\)$", result.output,
                     re.M), result.output  # fmt: skip
    assert " - repo: local  # the team's own\n" in result.output  # context, not removed
    assert f'+  rev: "{SHA}"  # frozen: v1.2.3\n' in result.output
    assert result.output.endswith("Dry run: nothing was written.\n")


def test_the_help_says_what_happens_in_an_existing_repository() -> None:
    result = CliRunner().invoke(main, ["init", "--help"], terminal_width=100)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "In an existing repository, what is there is kept" in text
    assert "keeps every hook, its order and its comments" in text
    assert "python-ci is not written when a workflow already runs the tests" in text
    assert "requires-python" in text
    assert "never the other hooks" in text


@pytest.mark.slow
def test_the_default_pin_is_the_latest_release_in_pin_toml(repo: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(repo), "--workflows", ""])
    assert result.exit_code == 0, result.output
    pin = toml(Sources.shipped().pin)
    config = (repo / ".pre-commit-config.yaml").read_text()
    assert f'repo: "https://github.com/{pin["repository"]}"' in config
    assert f'rev: "{pin["ref"]}"  # frozen: {pin["version"]}' in config
    assert not (repo / ".github").exists()


@pytest.mark.slow
def test_pyproject_gets_the_section_appended_once_and_keeps_its_text(repo: Path) -> None:
    crlf = PYPROJECT.replace("\n", "\r\n").encode()
    (repo / "pyproject.toml").write_bytes(crlf)
    assert init(repo, "--workflows", "").exit_code == 0
    written = (repo / "pyproject.toml").read_bytes()
    assert written.startswith(crlf + b"\r\n\r\n[tool.metstandards]\r\n")
    assert b"\n" not in written.replace(b"\r\n", b"")
    assert toml(repo / "pyproject.toml")["tool"] == {"metstandards": {"profile": "wg3"}}
    assert init(repo, "--workflows", "").exit_code == 0
    assert (repo / "pyproject.toml").read_bytes() == written


@pytest.mark.slow
def test_a_pyproject_with_only_a_subtable_of_the_section_is_left_alone(repo: Path) -> None:
    text = f"{PYPROJECT}\n\n[tool.metstandards.options]\nextend-site-path-roots = ['/ec/res4']\n"
    (repo / "pyproject.toml").write_text(text)
    result = init(repo, "--workflows", "")
    assert re.search(r"^unchanged +pyproject.toml$", result.output, re.M)
    assert (repo / "pyproject.toml").read_text() == text


@pytest.mark.slow
def test_an_edited_file_is_shown_as_a_diff_and_kept_until_forced(repo: Path) -> None:
    assert init(repo).exit_code == 0
    workflow = repo / ".github/workflows/python-ci.yml"
    pristine = workflow.read_text()
    edited = pristine.replace('"3.10", ', "")
    workflow.write_text(edited)

    refused = init(repo)
    assert refused.exit_code == 1
    assert re.search(r"^would change +\.github/workflows/python-ci\.yml", refused.output, re.M)
    assert "--- a/.github/workflows/python-ci.yml\n+++ b/.github/workflows/python-ci.yml\n" in (
        refused.output
    )
    assert '+      python-versions: \'["3.10", "3.11"' in refused.output
    assert "re-run with --force" in refused.output
    assert workflow.read_text() == edited

    forced = init(repo, "--force")
    assert forced.exit_code == 0, forced.output
    assert re.search(r"^overwritten +\.github/workflows/python-ci\.yml$", forced.output, re.M)
    assert workflow.read_text() == pristine


@pytest.mark.slow
def test_dry_run_writes_nothing_and_shows_what_it_would(repo: Path) -> None:
    before = tree(repo)
    result = init(repo, "--dry-run")
    assert result.exit_code == 0, result.output
    assert tree(repo) == before
    assert re.search(r"^would create +\.pre-commit-config\.yaml$", result.output, re.M)
    assert "--- /dev/null\n+++ b/.pre-commit-config.yaml\n" in result.output
    assert re.search(
        r"^would update +pyproject\.toml \(adds \[tool\.metstandards\]\)", result.output, re.M
    )
    assert "+[tool.metstandards]\n" in result.output
    assert result.output.endswith("Dry run: nothing was written.\n")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ref", "v0.1.0"], "--ref must be a full commit SHA (40 hex digits), got 'v0.1.0'"),
        (["--ref", SHA[:12]], "--ref must be a full commit SHA"),
        (["--version", "latest"], "--version must be a release version such as v1.2.3"),
        (["--workflows", "metstandards,nightly"], "unknown workflow 'nightly'; available: "),
        (["--hooks-repo", 'a"b'], "--hooks-repo must be a URL or a path without quotes"),
    ],
)
def test_bad_options_are_usage_errors_and_write_nothing(
    repo: Path, args: list[str], message: str
) -> None:
    before = tree(repo)
    result = init(repo, *args)
    assert result.exit_code == 2
    assert f"metstandards: error: {message}" in result.output
    assert tree(repo) == before


def test_another_commit_needs_its_version(repo: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(repo), "--ref", SHA])
    assert result.exit_code == 2
    assert "--ref needs --version" in result.output


@pytest.mark.slow
def test_a_directory_that_is_no_python_project_or_not_the_repository_root_is_refused(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 2
    assert "is not a Python project: it has no pyproject.toml" in result.output

    new_repository(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text("[project]\nname = 'sub'\n")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "sub")])
    assert result.exit_code == 2
    assert f"is inside the git repository {tmp_path}, not at its root" in result.output


@pytest.mark.slow
def test_a_broken_pyproject_is_named_with_its_line(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "demo\n')
    result = init(repo)
    assert result.exit_code == 2
    assert f"{repo / 'pyproject.toml'}:2:" in result.output
    assert "fix pyproject.toml first" in result.output


@pytest.mark.slow
def test_a_symlink_out_of_the_repository_is_refused(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (repo / ".github").symlink_to(outside, target_is_directory=True)
    result = init(repo)
    assert result.exit_code == 2
    assert "refusing to write .github/workflows/metstandards.yml: a symbolic link leads it out" in (
        result.output
    )
    assert list(outside.iterdir()) == []


def test_templates_fill_their_placeholders_and_leave_github_expressions(tmp_path: Path) -> None:
    template = tmp_path / "caller.yml"
    template.write_text("uses: org/repo/.github/workflows/x.yml@{{ref}} # {{ version }}\n"
                        "if: ${{ github.ref == 'refs/heads/main' }}\n")  # fmt: skip
    values = placeholders(Pin("org/repo", SHA, "v1.2.3"), "https://example.org/repo")
    assert fill(template, values) == (
        f"uses: org/repo/.github/workflows/x.yml@{SHA} # v1.2.3\n"
        "if: ${{ github.ref == 'refs/heads/main' }}\n"
    )
    template.write_text("rev: {{sha}}\n")
    with pytest.raises(ScaffoldError, match=r"unknown placeholder \{\{sha\}\}"):
        fill(template, values)


# GitHub cannot be reached here, so the third-party hook repositories cannot be cloned. Each is
# replaced by a `repo: local` hook with the same id, the entry its manifest has at that tag, and
# the tool from the package index at the version the tag names. What this leaves unexercised:
# the real manifests of astral-sh/ruff-pre-commit, pre-commit/mirrors-mypy and
# zizmorcore/zizmor-pre-commit (that the tags exist and define these ids with these entries);
# `pre-commit validate-config` in tests/hooks checks only the shape of those entries.
THIRD_PARTY = {
    "https://github.com/astral-sh/ruff-pre-commit": (
        "ruff",
        {
            "ruff-check": {"entry": "ruff check --force-exclude", "types_or": ["python", "pyi"]},
            "ruff-format": {"entry": "ruff format --force-exclude", "types_or": ["python", "pyi"]},
        },
    ),
    "https://github.com/pre-commit/mirrors-mypy": (
        "mypy",
        {
            "mypy": {
                "entry": "mypy",
                "types_or": ["python", "pyi"],
                "args": ["--ignore-missing-imports", "--scripts-are-modules"],
            }
        },
    ),
    "https://github.com/zizmorcore/zizmor-pre-commit": (
        "zizmor",
        {"zizmor": {"entry": "zizmor", "types": ["yaml"]}},
    ),
}


def offline(config_path: Path) -> dict[str, str]:
    """Rewrite the third-party repositories of a written config as local hooks (see above);
    the metstandards entry as written: its ``repo`` and ``rev``."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    rewritten = set()
    ours = {}
    for entry in config["repos"]:
        if entry["repo"] not in THIRD_PARTY:
            ours = {"repo": entry["repo"], "rev": entry["rev"]}
            continue
        package, manifest = THIRD_PARTY[entry["repo"]]
        version = entry["rev"].removeprefix("v")
        if sys.version_info < (3, 11):
            # The recipe's zizmor needs Python 3.11; the zizmor installed here stands in.
            version = importlib.metadata.version(package)
        pinned = f"{package}=={version}"
        hooks = [
            {
                "name": hook["id"],
                "language": "python",
                "require_serial": True,
                **manifest[hook["id"]],
                **hook,
                "additional_dependencies": [pinned, *hook.get("additional_dependencies", [])],
            }
            for hook in entry["hooks"]
        ]
        rewritten.add(entry["repo"])
        entry.clear()
        entry.update(repo="local", hooks=hooks)
    assert rewritten == set(THIRD_PARTY), "the recipe's third-party repositories changed"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return ours


def marked_violations(root: Path) -> set[tuple[str, str]]:
    """``(path, code)`` of every ``# violation: MSxxx`` mark in the example's Python files.

    Lines are left out: the ruff-format hook runs first and may rewrap the marked lines."""
    marks = set()
    for path in root.rglob("*.py"):
        for mark in re.findall(r"#\s*violation:(.*)", path.read_text(encoding="utf-8")):
            for code in re.findall(r"\bMS\d{3}\b", mark):
                marks.add((path.relative_to(root).as_posix(), code))
    return marks


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This checkout's working tree as a commit (pre-commit installs hooks from a commit), and
    that commit's SHA."""
    path = tmp_path_factory.mktemp("hooks-repo") / "metstandards"
    return path, snapshot_checkout(path)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit store for the end-to-end tests: each hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def adopt(project: Path, hooks_repo: tuple[Path, str], *options: str) -> str:
    """``metstandards init`` run as a user runs it, then the third-party hooks made offline."""
    path, sha = hooks_repo
    init_run = subprocess.run(
        [*(sys.executable, "-m", "metstandards", "init", "--hooks-repo", str(path)),
         *("--ref", sha, "--version", f"v{__version__}", *options)],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert init_run.returncode == 0, init_run.stdout + init_run.stderr
    assert offline(project / ".pre-commit-config.yaml") == {"repo": str(path), "rev": sha}
    commit_all(project)
    return init_run.stdout


@pytest.mark.slow
def test_a_new_user_adopts_the_standard_on_the_example_project(
    tmp_path: Path, hooks_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    project = tmp_path / "nowcast-unet"
    shutil.copytree(
        CHECKOUT / "examples" / "nowcast-unet",
        project,
        ignore=shutil.ignore_patterns("__pycache__", ".*_cache"),
    )
    new_repository(project)
    written = adopt(project, hooks_repo)
    assert re.search(r"^created +\.pre-commit-config\.yaml$", written, re.M)
    assert re.search(r"^created +\.github/workflows/python-ci\.yml$", written, re.M)
    assert re.search(r"^unchanged +pyproject\.toml$", written, re.M)
    marks = marked_violations(project)
    assert {code for _, code in marks} >= {"MS101", "MS102", "MS202", "MS301", "MS401", "MS501"}

    run = pre_commit("run", "--all-files", cwd=project, home=pre_commit_home)
    output = run.stdout
    assert run.returncode == 1, output
    assert re.search(r"^metstandards lint\.+Failed$", output, re.M), output
    assert re.search(r"^metstandards complexity gate \(MS501\)\.+Failed$", output, re.M), output
    for path, code in sorted(marks):
        assert re.search(rf"^{re.escape(path)}:\d+:\d+: {code} ", output, re.M), (code, output)
    assert re.search(r"^mypy\.+Failed$", output, re.M), output
    assert "[return-value]" in output
    assert re.search(r"^zizmor\.+Passed$", output, re.M), output  # the written callers are clean
    assert "metstandards release tag" not in output  # a push hook: not run at commit time


def push_tag(project: Path, tag: str, home: Path) -> subprocess.CompletedProcess[str]:
    git("tag", tag, cwd=project)
    return run("git", "push", "origin", tag, cwd=project, home=home)


@pytest.mark.slow
def test_the_push_hook_stops_a_release_tag_that_names_another_version(
    tmp_path: Path, hooks_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """The example declares 0.3.0. `pre-commit install` installs the push hook as well, and
    `git push` of a tag runs it with PRE_COMMIT_LOCAL_BRANCH=refs/tags/<tag>."""
    project = new_repository(tmp_path / "project")
    shutil.copy(CHECKOUT / "examples" / "nowcast-unet" / "pyproject.toml", project)
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    git("remote", "add", "origin", str(remote), cwd=project)
    adopt(project, hooks_repo, "--workflows", "")
    installed = pre_commit("install", cwd=project, home=pre_commit_home)
    assert "pre-commit installed at .git/hooks/pre-push" in installed.stdout, installed.stdout

    refused = push_tag(project, "v0.4.0", pre_commit_home)
    assert refused.returncode != 0, refused.stdout
    assert re.search(r"^metstandards release tag matches version \(MS502\)\.+Failed$",
                     refused.stdout, re.M), refused.stdout  # fmt: skip
    assert "MS502 tag v0.4.0 is version 0.4.0, but pyproject.toml [project].version is 0.3.0" in (
        refused.stdout
    )
    assert git("ls-remote", "--tags", str(remote), cwd=project) == ""

    git("tag", "-d", "v0.4.0", cwd=project)
    accepted = push_tag(project, "v0.3.0", pre_commit_home)
    assert accepted.returncode == 0, accepted.stdout
    assert "refs/tags/v0.3.0" in git("ls-remote", "--tags", str(remote), cwd=project)


@pytest.mark.slow
def test_a_team_adds_the_standard_to_its_own_hooks_and_both_run(
    tmp_path: Path, hooks_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """A configuration of the team's own keeps its hook, which still runs beside the
    metstandards hooks; `pre-commit install` now installs the push hook too."""
    project = new_repository(tmp_path / "project")
    shutil.copy(CHECKOUT / "examples" / "nowcast-unet" / "pyproject.toml", project)
    unfinished = "def area(width: float) -> float:\n    return width  # FIXME\n"
    (project / "model.py").write_text(unfinished)
    own = (
        "# The team's hooks.\n"
        "repos:\n"
        "- repo: local\n"
        "  hooks:\n"
        "  - id: no-fixme  # unfinished work stays out of main\n"
        "    name: no FIXME\n"
        "    entry: FIXME\n"
        "    language: pygrep\n"
    )
    (project / ".pre-commit-config.yaml").write_text(own)
    path, sha = hooks_repo
    init_run = subprocess.run(
        [*(sys.executable, "-m", "metstandards", "init", "--hooks-repo", str(path)),
         *("--ref", sha, "--version", f"v{__version__}", "--workflows", "")],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert init_run.returncode == 0, init_run.stdout + init_run.stderr
    config = (project / ".pre-commit-config.yaml").read_text()
    assert config.startswith("# The team's hooks.\n")
    assert "\nrepos:\n" + own.split("\nrepos:\n", 1)[1] in config  # as it was, in one piece
    local, ours = yaml.safe_load(config)["repos"]
    assert local == yaml.safe_load(own)["repos"][0]
    assert (ours["repo"], ours["rev"]) == (str(path), sha)
    commit_all(project)

    run = pre_commit("run", "--all-files", cwd=project, home=pre_commit_home)
    assert run.returncode == 1, run.stdout
    assert re.search(r"^no FIXME\.+Failed$", run.stdout, re.M), run.stdout
    assert "model.py:2:    return width  # FIXME" in run.stdout
    assert re.search(r"^metstandards lint\.+(Passed|Failed)$", run.stdout, re.M), run.stdout
    assert re.search(r"^metstandards ruff\.+(Passed|Failed)$", run.stdout, re.M), run.stdout
    installed = pre_commit("install", cwd=project, home=pre_commit_home)
    assert "pre-commit installed at .git/hooks/pre-push" in installed.stdout, installed.stdout

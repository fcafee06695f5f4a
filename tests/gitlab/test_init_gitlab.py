"""``metstandards init --ci gitlab``: a .gitlab-ci.yml that includes the components pinned by
commit SHA, valid for GitLab, idempotent, added to a team's own file without touching the rest
(or shown as a diff for --force), the CI chosen from the repository when not asked; and what it
writes is what the audit's MS6xx checks recognise."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hooks._pre_commit import commit_all, git, new_repository

from metstandards.cli import main
from metstandards.scaffold.ci_platform import DEFAULT_COMPONENT_PROJECT
from metstandards.scaffold.sources import Sources

from ._components import COMPONENTS, ROOT, TEMPLATES, inputs
from ._pipeline import Pipeline, gitlab_ci_local

SHA = "0123456789abcdef0123456789abcdef01234567"
OLD_SHA = "fedcba9876543210fedcba9876543210fedcba98"
VERSION = "v1.2.3"
PYPROJECT = '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
CI = ".gitlab-ci.yml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return root


def init(root: Path, *args: str) -> Result:
    arguments = ["init", str(root), "--ref", SHA, "--version", VERSION, *args]
    result = CliRunner().invoke(main, arguments)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git/" not in p.as_posix()
    }


def includes(path: Path) -> dict[str, dict[str, Any]]:
    """The file's component includes by component name."""
    found = {}
    for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["include"]:
        if isinstance(entry, dict) and "component" in entry:
            found[entry["component"].partition("@")[0].rsplit("/", 1)[1]] = entry
    return found


def test_init_writes_the_components_pinned_and_a_second_run_changes_nothing(repo: Path) -> None:
    first = init(repo, "--ci", "gitlab")
    assert first.exit_code == 0, first.output
    assert re.search(rf"^created +{re.escape(CI)}$", first.output, re.M), first.output
    assert not (repo / ".github").exists()
    text = (repo / CI).read_text(encoding="utf-8")
    project = DEFAULT_COMPONENT_PROJECT
    assert f"- component: {project}/metstandards@{SHA} # {VERSION}\n" in text
    assert f"- component: {project}/python-ci@{SHA} # {VERSION}\n" in text
    found = includes(repo / CI)
    assert set(found) == {"metstandards", "python-ci"}
    assert found["metstandards"]["inputs"] == {
        "install-requirement": f"metstandards[tools]=={VERSION}"
    }
    assert found["python-ci"]["inputs"]["python-versions"] == ["3.11", "3.12", "3.13", "3.14"]
    assert "{{" not in text

    before = tree(repo)
    second = init(repo)  # the repository now says GitLab itself
    assert second.exit_code == 0, second.output
    assert re.search(rf"^unchanged +{re.escape(CI)}$", second.output, re.M), second.output
    assert second.output.endswith("Up to date: nothing to change.\n")
    assert tree(repo) == before


def test_dry_run_shows_the_file_and_writes_nothing(repo: Path) -> None:
    before = tree(repo)
    result = init(repo, "--ci", "gitlab", "--dry-run")
    assert result.exit_code == 0, result.output
    assert tree(repo) == before
    assert f"--- /dev/null\n+++ b/{CI}\n" in result.output
    assert f"+  - component: {DEFAULT_COMPONENT_PROJECT}/metstandards@{SHA}" in result.output


def test_the_component_project_is_an_option_and_a_profile_key(repo: Path) -> None:
    mirror = "gitlab.dwd.de/mlops/tools/metstandards"
    assert init(repo, "--ci", "gitlab", "--component-project", f"{mirror}/").exit_code == 0
    assert f"- component: {mirror}/metstandards@{SHA}" in (repo / CI).read_text()
    profile = (ROOT / "rules/profiles/wg3.toml").read_text(encoding="utf-8")
    assert f'component-project = "{DEFAULT_COMPONENT_PROJECT}"' in profile
    for bad in ("metstandards", "https://gitlab.com/metstandards/metstandards", "host/only"):
        refused = init(repo, "--ci", "gitlab", "--component-project", bad)
        assert refused.exit_code == 2, refused.output
        assert "--component-project must be the GitLab host" in refused.output


@pytest.mark.parametrize(
    ("setup", "expected", "why"),
    [
        ({".gitlab-ci.yml": "test:\n  script: [make]\n"}, "gitlab", "has a .gitlab-ci.yml"),
        ({".github/workflows/ci.yml": "on: push\njobs: {}\n"}, "github", ""),
        ({"remote": "git@gitlab.example.org:weather/demo.git"}, "gitlab", "gitlab.example.org"),
        ({"remote": "https://gitlab.meteo.example/ml/demo.git"}, "gitlab", "gitlab.meteo.example"),
        ({"remote": "https://github.com/weather/demo.git"}, "github", ""),
        ({"remote": "https://git.example.org/weather/demo.git"}, "github", ""),
        ({}, "github", ""),
    ],
)
def test_the_ci_is_chosen_from_the_repository(
    repo: Path, setup: dict[str, str], expected: str, why: str
) -> None:
    # A repository's configuration as git writes it (no git is run: tests that start programs
    # are the slow ones; _scratch below has git write it).
    (repo / ".git").mkdir()
    config = '[core]\n\tbare = false\n[remote "upstream"]\n\turl = https://github.com/x/y\n'
    for relpath, text in setup.items():
        if relpath == "remote":
            config += f'[remote "origin"]\n\turl = {text}\n\tfetch = +refs/heads/*:refs/*\n'
        else:
            (repo / relpath).parent.mkdir(parents=True, exist_ok=True)
            (repo / relpath).write_text(text, encoding="utf-8")
    (repo / ".git" / "config").write_text(config, encoding="utf-8")
    result = init(repo, "--dry-run")
    assert result.exit_code == 0, result.output
    wrote_gitlab = f"b/{CI}\n" in result.output or re.search(
        rf"update +{re.escape(CI)}", result.output
    )
    assert bool(wrote_gitlab) == (expected == "gitlab"), result.output
    assert ("b/.github/workflows/metstandards.yml" in result.output) == (expected == "github")
    if why:
        remark = " ".join(result.output.split())
        assert f"CI: GitLab, since {' '.join(why.split())}" in remark or why in remark, remark
        assert "`metstandards init --ci github` writes GitHub Actions workflows instead" in remark


TEAM_CI = """\
# The team's pipeline.
stages: [build, test, deploy]

include:
- local: ci/lint.yml   # shared lint jobs
- project: weather/ci-templates
  file: /docker.yml
  ref: 2.1.0

unit-tests:
    stage: test
    script:
        - make check  # not a test runner init knows
"""


def test_an_existing_file_gets_the_includes_added_and_keeps_everything_else(repo: Path) -> None:
    (repo / CI).write_text(TEAM_CI, encoding="utf-8")
    dry = init(repo, "--ci", "gitlab", "--dry-run")
    assert re.search(
        rf"^would update +{re.escape(CI)} \(adds the metstandards and python-ci components; "
        r"keeps its 2 other includes\)$",
        dry.output,
        re.M,
    ), dry.output
    assert (repo / CI).read_text() == TEAM_CI
    assert init(repo).exit_code == 0
    text = (repo / CI).read_text(encoding="utf-8")
    head, added = text.split("  ref: 2.1.0\n", 1)
    team_includes = TEAM_CI.split("\nunit-tests:", maxsplit=1)[0].rstrip("\n") + "\n"
    assert head + "  ref: 2.1.0\n" == team_includes
    # Indented like the team's list: the dash at column 0.
    assert added.startswith("# `metstandards check` on every merge request")
    assert f"\n- component: {DEFAULT_COMPONENT_PROJECT}/metstandards@{SHA} # {VERSION}\n" in added
    assert added.endswith(TEAM_CI.split("ref: 2.1.0\n", 1)[1])
    assert set(includes(repo / CI)) == {"metstandards", "python-ci"}
    assert yaml.safe_load(text)["unit-tests"] == yaml.safe_load(TEAM_CI)["unit-tests"]
    again = init(repo)
    assert again.output.endswith("Up to date: nothing to change.\n"), again.output
    # No workflow: rules in the team's file: the summary says why it wants them.
    assert "has no workflow: rules" in " ".join(dry.output.split())


def test_an_older_pin_is_moved_and_the_teams_inputs_and_comments_stay(repo: Path) -> None:
    mirror = "gitlab.dwd.de/mlops/metstandards"
    old = (
        "workflow:\n  rules:\n    - when: always\n"
        "include:\n"
        f"  - component: '{mirror}/metstandards@{OLD_SHA}' # v1.0.0\n"
        "    inputs:\n      skip: pip-audit  # no route to PyPI here\n"
        f"  - component: {mirror}/python-ci@{OLD_SHA}  # pinned by the platform team\n"
        "    inputs:\n      python-versions: ['3.12']\n"
    )
    (repo / CI).write_text(old, encoding="utf-8")
    result = init(repo, "--ci", "gitlab")
    moved = rf"^updated +{re.escape(CI)} \(moves the metstandards components to {VERSION}\)$"
    assert re.search(moved, result.output, re.M), result.output
    expected = old.replace(
        f"'{mirror}/metstandards@{OLD_SHA}' # v1.0.0", f"'{mirror}/metstandards@{SHA}' # {VERSION}"
    ).replace(f"{mirror}/python-ci@{OLD_SHA}  #", f"{mirror}/python-ci@{SHA}  #")
    assert (repo / CI).read_text(encoding="utf-8") == expected
    assert init(repo).output.endswith("Up to date: nothing to change.\n")


def test_a_file_without_include_gets_one_at_its_end(repo: Path) -> None:
    old = "# Build only.\nbuild:\n    script:\n        - make\n"
    (repo / CI).write_text(old, encoding="utf-8")
    assert init(repo, "--ci", "gitlab", "--workflows", "metstandards").exit_code == 0
    text = (repo / CI).read_text(encoding="utf-8")
    assert text.startswith(old + "\n# Added by `metstandards init`")
    assert "\ninclude:\n    # `metstandards check`" in text  # the file's own indentation
    assert f"\n    - component: {DEFAULT_COMPONENT_PROJECT}/metstandards@{SHA}" in text
    assert set(includes(repo / CI)) == {"metstandards"}


@pytest.mark.parametrize(
    "include",
    [
        "include: ci/lint.yml  # shared\n",
        "include: [ci/lint.yml, {local: ci/docs.yml}]\n",
        "include:\n  local: ci/lint.yml\n  inputs:\n    strict: true\n",
    ],
)
def test_an_include_that_is_no_list_is_rewritten_only_with_force(repo: Path, include: str) -> None:
    old = f"{include}build:\n  script: [make]\n"
    (repo / CI).write_text(old, encoding="utf-8")
    refused = init(repo, "--ci", "gitlab", "--workflows", "metstandards")
    assert refused.exit_code == 1, refused.output
    assert re.search(rf"^would change +{re.escape(CI)}", refused.output, re.M), refused.output
    assert "which takes no entry without being rewritten as a list" in " ".join(
        refused.output.split()
    )
    assert (repo / CI).read_text(encoding="utf-8") == old
    before = yaml.safe_load(old)["include"]
    forced = init(repo, "--ci", "gitlab", "--workflows", "metstandards", "--force")
    assert forced.exit_code == 0, forced.output
    written = yaml.safe_load((repo / CI).read_text(encoding="utf-8"))
    kept = written["include"][:-1]
    assert kept == (before if isinstance(before, list) else [before])
    assert written["include"][-1]["component"].startswith(DEFAULT_COMPONENT_PROJECT)
    assert written["build"] == {"script": ["make"]}
    assert init(repo, "--ci", "gitlab", "--workflows", "metstandards").output.endswith(
        "Up to date: nothing to change.\n"
    )


def test_a_pipeline_with_a_spec_header_keeps_it(repo: Path) -> None:
    header = "spec:\n  inputs:\n    deploy:\n      type: boolean\n      default: false\n---\n"
    (repo / CI).write_text(header + "build:\n  script: [make]\n", encoding="utf-8")
    assert init(repo, "--ci", "gitlab", "--workflows", "metstandards").exit_code == 0
    text = (repo / CI).read_text(encoding="utf-8")
    assert text.startswith(header + "build:\n  script: [make]\n")
    spec, pipeline = yaml.safe_load_all(text)
    assert spec["spec"]["inputs"]["deploy"]["default"] is False
    assert list(pipeline) == ["build", "include"]


def test_no_second_python_ci_where_the_pipeline_runs_the_tests(repo: Path) -> None:
    (repo / "ci").mkdir()
    (repo / "ci" / "test.yml").write_text("unit:\n  script:\n    - python -m pytest -q\n")
    (repo / CI).write_text("include:\n  - local: ci/test.yml\n", encoding="utf-8")
    result = init(repo, "--ci", "gitlab")
    assert result.exit_code == 0, result.output
    assert set(includes(repo / CI)) == {"metstandards"}
    said = " ".join(result.output.split())
    assert "The python-ci component was not included: the project's own CI runs the tests" in said
    assert "(ci/test.yml, job unit, runs `python -m pytest -q`)" in said
    assert init(repo, "--workflows", "metstandards,python-ci").exit_code == 0
    assert set(includes(repo / CI)) == {"metstandards", "python-ci"}


def test_unknown_components_are_named(repo: Path) -> None:
    result = init(repo, "--ci", "gitlab", "--workflows", "metstandards,nightly")
    assert result.exit_code == 2
    assert "unknown component 'nightly'; available: container-scan, gpu-tests" in result.output


def _fragment_inputs(text: str) -> dict[str, dict[str, Any]]:
    return {
        entry["component"].partition("@")[0].rsplit("/", 1)[1]: entry.get("inputs", {})
        for entry in yaml.safe_load(text)["include"]
    }


def test_every_include_init_can_write_gives_valid_inputs_to_its_component(repo: Path) -> None:
    """The fragments in reusable-workflows/gitlab/includes/ and the components' spec:inputs
    cannot drift apart: each input named exists, with a value of its type and options."""
    assert sorted(Sources.shipped().components()) == sorted(COMPONENTS)
    assert init(repo, "--ci", "gitlab", "--workflows", ",".join(COMPONENTS)).exit_code == 0
    given = _fragment_inputs((repo / CI).read_text(encoding="utf-8"))
    assert set(given) == set(COMPONENTS)
    types = {"string": str, "number": (int, float), "boolean": bool, "array": list}
    for name, values in given.items():
        declared = inputs(name)
        for key, value in values.items():
            assert key in declared, f"{name}: no input {key}"
            assert isinstance(value, types[declared[key].get("type", "string")]), (name, key)
            assert value in declared[key].get("options", [value]), (name, key)


def _check_schema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "check-jsonschema"), "--builtin-schema",
         "vendor.gitlab-ci", str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _scratch(tmp_path: Path) -> Path:
    """The example project as a git repository on a GitLab (a remote that is never contacted),
    with a Dockerfile, and init's file with every component, committed."""
    root = tmp_path / "nowcast-unet"
    shutil.copytree(
        ROOT / "examples" / "nowcast-unet",
        root,
        ignore=shutil.ignore_patterns("*_cache", "__pycache__"),
    )
    (root / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . /app\n", encoding="utf-8")
    new_repository(root)
    git("remote", "add", "origin", "https://gitlab.example.org/weather/nowcast-unet.git", cwd=root)
    written = init(root, "--workflows", ",".join(COMPONENTS))
    assert written.exit_code == 0, written.output
    assert "CI: GitLab, since the git remote origin is on gitlab.example.org" in written.output
    commit_all(root)
    return root


@pytest.mark.slow
def test_what_init_writes_is_valid_for_gitlab_and_resolves_to_the_components(
    tmp_path: Path,
) -> None:
    """GitLab's schema, then gitlab-ci-local resolving every component include to the files of
    this checkout (as a GitLab that mirrors metstandards at metstandards/metstandards would),
    and listing the jobs of a merge request, a tag and a scheduled pipeline."""
    root = _scratch(tmp_path)
    validated = _check_schema(root / CI)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    gitlab_ci_local()
    mirrored = root / ".gitlab-ci-local/includes/gitlab.example.org/metstandards/metstandards"
    shutil.copytree(TEMPLATES, mirrored / SHA / "templates")
    pipeline = Pipeline(root, tmp_path)
    on_merge_request = pipeline.jobs({"CI_PIPELINE_SOURCE": "merge_request_event"})
    assert {"metstandards", "python-ci:ruff", "python-ci:mypy"} <= set(on_merge_request)
    assert {f"python-ci:pytest: [{v}]" for v in ("3.10", "3.11", "3.12", "3.13", "3.14")} <= set(
        on_merge_request
    )
    assert {"container-scan:hadolint", "container-scan:build", "container-scan:trivy"} <= set(
        on_merge_request
    )
    assert "gpu-tests: [pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime]" in on_merge_request
    assert not any(job.startswith(("release:", "org-audit:")) for job in on_merge_request)
    on_tag = pipeline.jobs({"CI_COMMIT_TAG": "v0.3.0"})
    assert {"release:version-tag", "release:build", "release:gitlab-registry"} <= set(on_tag)
    scheduled = pipeline.jobs({"CI_PIPELINE_SOURCE": "schedule"})
    assert {"org-audit:report", "pages"} <= set(scheduled)
    preview = pipeline.run("--preview", variables={"CI_PIPELINE_SOURCE": "merge_request_event"})
    assert preview.returncode == 0, preview.stdout
    assert "$[[" not in preview.stdout  # every input interpolated
    assert "METSTANDARDS_REQUIREMENT: metstandards[tools]==v1.2.3" in preview.stdout


@pytest.mark.slow
def test_the_audit_recognises_the_components_init_writes(tmp_path: Path) -> None:
    """MS602 (CI runs metstandards, pinned), MS603 (tests), MS607 (image scanned), MS608 (a GPU
    job) and MS613 (release) find the component includes of the file init writes."""
    root = _scratch(tmp_path)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "metstandards"), "check", str(root), "--only",
         "repository", "--format", "json", "--no-progress"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    report = json.loads(done.stdout)
    failed = {finding["code"]: finding["message"] for finding in report["findings"]}
    for code in ("MS602", "MS603", "MS607", "MS613"):
        assert code not in failed, failed.get(code)
    # The example uses a GPU and marks no test `gpu`; the GPU job itself is found.
    assert "no test is marked gpu" in failed["MS608"]
    assert "CI has no job on a GPU runner" not in failed["MS608"]

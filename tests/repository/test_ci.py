"""The CI model: pinning, events, GitLab includes, composite actions, and scripts read as words."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from metstandards.repository import shell
from metstandards.repository.ci import (
    ACTION,
    CALLS_METSTANDARDS,
    COMPONENT,
    DOCKER,
    MANUAL,
    MERGE_REQUEST,
    PROJECT,
    PUSH,
    REMOTE,
    RUNS_TESTS,
    SCANS_IMAGES,
    SCHEDULE,
    TAG,
    TEMPLATE,
    WORKFLOW,
    Reference,
)
from metstandards.repository.view import Repository

from ._git import MakeRepo, git

SHA = "3e5f5c2f6139ef87f1ed62c720f7d1f46448a68f"


@pytest.mark.parametrize(
    ("kind", "target", "ref", "pinned"),
    [
        (ACTION, "actions/checkout", SHA, True),
        (ACTION, "actions/checkout", "v4", False),
        (ACTION, "actions/checkout", "v4.2.1", False),  # a tag, however exact, can be moved
        (ACTION, "actions/checkout", "main", False),
        (ACTION, "actions/checkout", SHA[:7], False),
        (ACTION, "actions/checkout", "", False),
        (WORKFLOW, "org/metstandards/.github/workflows/metstandards.yml", SHA, True),
        (WORKFLOW, "org/metstandards/.github/workflows/metstandards.yml", "v1", False),
        (WORKFLOW, "./.github/workflows/local.yml", "", True),
        (DOCKER, "aquasec/trivy:0.58.1", "", False),
        (DOCKER, "aquasec/trivy@sha256:" + "a" * 64, "", True),
        (COMPONENT, "gitlab.com/weather/metstandards/metstandards", "1.2.3", True),
        (COMPONENT, "gitlab.com/weather/metstandards/metstandards", "1.2.3-rc.1", True),
        (COMPONENT, "gitlab.com/weather/metstandards/metstandards", SHA, True),
        (COMPONENT, "gitlab.com/weather/metstandards/metstandards", "~latest", False),
        (COMPONENT, "gitlab.com/weather/metstandards/metstandards", "1", False),
        (COMPONENT, "gitlab.com/weather/metstandards/metstandards", "1.2", False),
        (COMPONENT, "gitlab.com/weather/metstandards/metstandards", "main", False),
        (COMPONENT, "gitlab.com/weather/metstandards/metstandards", "$VERSION", False),
        (PROJECT, "weather/ci-templates:/python.yml", "v2.0.1", True),
        (PROJECT, "weather/ci-templates:/python.yml", "", False),
        (REMOTE, "https://example.org/ci/python.yml", "", False),
        (REMOTE, f"https://gitlab.com/weather/ci/-/raw/{SHA}/python.yml", "", True),
        (TEMPLATE, "Security/SAST.gitlab-ci.yml", "", True),
    ],
)
def test_pinning(kind: str, target: str, ref: str, pinned: bool) -> None:
    problem = Reference("ci.yml", 1, kind, target, ref).pin_problem
    assert (problem is None) is pinned, problem


def test_unpinned_reasons_say_why() -> None:
    def why(kind: str, ref: str) -> str | None:
        return Reference("ci.yml", 1, kind, "g/metstandards/x", ref).pin_problem

    assert why(COMPONENT, "~latest") == "~latest, the newest release at each run"
    assert why(COMPONENT, "1") == "1, which moves to each new release of that series"
    assert why(ACTION, "v1") == "v1, a tag or branch that can be moved to other code"
    assert why(ACTION, "abc1234") == (
        "the abbreviated SHA abc1234, which a new commit can come to share"
    )


@pytest.mark.slow
def test_unpinned_references_are_named_with_their_lines(make_repo: MakeRepo) -> None:
    workflow = (
        "on: push\n"
        "jobs:\n"
        "  check:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        f"      - uses: actions/checkout@{SHA} # v4\n"
        "      - uses: actions/setup-python@v5\n"
        "      - uses: ./.github/actions/setup\n"
        "  call:\n"
        "    uses: org/metstandards/.github/workflows/metstandards.yml@main\n"
    )
    gitlab = (
        "include:\n"
        "  - component: $CI_SERVER_FQDN/weather/metstandards/metstandards@~latest\n"
        "  - component: $CI_SERVER_FQDN/weather/metstandards/python-ci@1.2.3\n"
        "  - template: Jobs/SAST.gitlab-ci.yml\n"
    )
    repo = Repository(make_repo({".github/workflows/ci.yml": workflow, ".gitlab-ci.yml": gitlab}))
    found = [(ref.path, ref.line, ref.written) for ref, _ in repo.ci.unpinned()]
    assert found == [
        (".github/workflows/ci.yml", 7, "actions/setup-python@v5"),
        (
            ".github/workflows/ci.yml",
            10,
            "org/metstandards/.github/workflows/metstandards.yml@main",
        ),
        (".gitlab-ci.yml", 2, "$CI_SERVER_FQDN/weather/metstandards/metstandards@~latest"),
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("on", "events"),
    [
        ("push", {PUSH, TAG}),
        ("[push, pull_request]", {PUSH, TAG, MERGE_REQUEST}),
        ("\n  push:\n    tags: ['v*']", {TAG}),
        ("\n  push:\n    branches: [main]", {PUSH}),
        ("\n  push:\n    branches: [main]\n    tags-ignore: ['**']", {PUSH}),
        ("\n  push:\n    paths: ['src/**']", {PUSH, TAG}),
        ("\n  release:\n    types: [published]", {TAG}),
        ("\n  schedule:\n    - cron: '0 3 * * *'\n  workflow_dispatch:", {SCHEDULE, MANUAL}),
        ("\n  pull_request_target:\n  merge_group:", {MERGE_REQUEST}),
    ],
)
def test_github_events(make_repo: MakeRepo, on: str, events: set[str]) -> None:
    workflow = f"on: {on}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: pytest\n"
    repo = Repository(make_repo({".github/workflows/a.yml": workflow}))
    (job,) = repo.ci.jobs
    assert job.events == events


@pytest.mark.slow
@pytest.mark.parametrize("prefix", ["./", "$/"])
def test_a_called_workflow_runs_on_its_callers_events(make_repo: MakeRepo, prefix: str) -> None:
    # `$/` is GitHub's name for this repository at the calling workflow's commit.
    called = "on: workflow_call\njobs:\n  check:\n    runs-on: x\n    steps:\n"
    called += "      - run: metstandards check\n"
    caller = f"on: pull_request\njobs:\n  call:\n    uses: {prefix}.github/workflows/called.yml\n"
    repo = Repository(
        make_repo({".github/workflows/called.yml": called, ".github/workflows/pr.yml": caller})
    )
    (found,) = repo.ci.find(CALLS_METSTANDARDS)
    assert (found.path, found.line, found.events) == (
        ".github/workflows/called.yml",
        6,
        frozenset({MERGE_REQUEST}),
    )


@pytest.mark.slow
def test_steps_of_a_local_composite_action_belong_to_the_job(make_repo: MakeRepo) -> None:
    action = "runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: |\n"
    action += "        pip install -e .\n        python -m pytest -q\n"
    workflow = "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: ./ci/test\n"
    repo = Repository(
        make_repo({"ci/test/action.yml": action, ".github/workflows/t.yml": workflow})
    )
    (found,) = repo.ci.find(RUNS_TESTS)
    assert (found.path, found.line, found.job) == ("ci/test/action.yml", 7, "t")


@pytest.mark.slow
def test_gitlab_local_includes_extends_and_references(make_repo: MakeRepo) -> None:
    pipeline = (
        "include:\n"
        "  - local: /ci/templates.yml\n"
        "  - 'ci/jobs/*.yml'\n"
        "  - local: ci/more/**.yml\n"
        "default:\n"
        "  tags: [gpu-a100]\n"
    )
    templates = ".python:\n  image: python:3.12\n  before_script:\n    - pip install -e .\n"
    tests = (
        "unit:\n"
        "  extends: .python\n"
        "  rules:\n"
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n'
        "  script:\n"
        "    - !reference [.python, before_script]\n"
        "    - python -m pytest\n"
    )
    repo = Repository(
        make_repo(
            {
                ".gitlab-ci.yml": pipeline,
                "ci/templates.yml": templates,
                "ci/jobs/tests.yml": tests,
                "ci/jobs/nested/ignored.yml": "ignored:\n  script: [pytest]\n",
                "ci/more/deeper/lint.yml": ".lint:\n  script: [ruff check]\n",
            }
        )
    )
    ci = repo.ci
    assert ci.files == (
        "ci/templates.yml",
        "ci/jobs/tests.yml",
        "ci/more/deeper/lint.yml",
        ".gitlab-ci.yml",
    )
    (job,) = ci.jobs
    assert (job.name, job.path, job.line) == ("unit", "ci/jobs/tests.yml", 1)
    assert job.images == ("python:3.12",)
    assert job.runners == ("gpu-a100",)
    assert job.events == {MERGE_REQUEST}
    assert [(c.path, c.line, c.text) for c in job.commands] == [
        ("ci/templates.yml", 4, "pip install -e ."),
        ("ci/templates.yml", 4, "pip install -e ."),
        ("ci/jobs/tests.yml", 7, "python -m pytest"),
    ]


@pytest.mark.slow
def test_a_missing_local_include_is_a_problem(make_repo: MakeRepo) -> None:
    repo = Repository(make_repo({".gitlab-ci.yml": "include: ci/gone.yml\n"}))
    assert repo.ci.unreadable == ".gitlab-ci.yml (line 1 includes ci/gone.yml, not tracked)"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("keywords", "events"),
    [
        ("", {PUSH, TAG, SCHEDULE, MANUAL}),
        ("  only: [tags]\n", {TAG}),
        ("  only: [merge_requests]\n", {MERGE_REQUEST}),
        ("  except: [tags]\n", {PUSH, SCHEDULE, MANUAL}),
        ("  rules:\n    - if: $CI_COMMIT_TAG\n", {TAG}),
        ("  rules:\n    - if: $CI_COMMIT_TAG == null\n", {PUSH, SCHEDULE, MANUAL, MERGE_REQUEST}),
        ("  rules:\n    - if: '$CI_COMMIT_TAG =~ /^v/'\n", {TAG}),
        (
            "  rules:\n    - if: $CI_COMMIT_TAG\n      when: never\n    - when: on_success\n",
            {PUSH, SCHEDULE, MANUAL, MERGE_REQUEST},
        ),
        (
            "  rules:\n    - if: $CI_PIPELINE_SOURCE == 'schedule' || $CI_MERGE_REQUEST_IID\n",
            {SCHEDULE, MERGE_REQUEST},
        ),
        (
            "  rules:\n    - if: $CI_COMMIT_BRANCH == 'main' && $CI_PIPELINE_SOURCE == 'push'\n",
            {PUSH},
        ),
    ],
)
def test_gitlab_events(make_repo: MakeRepo, keywords: str, events: set[str]) -> None:
    repo = Repository(make_repo({".gitlab-ci.yml": f"job:\n{keywords}  script: [pytest]\n"}))
    (job,) = repo.ci.jobs
    assert job.events == events


@pytest.mark.slow
def test_gitlab_includes_are_references(make_repo: MakeRepo) -> None:
    pipeline = (
        "include:\n"
        "  - component: gitlab.example.org/weather/metstandards/metstandards@1.2.3\n"
        "  - project: weather/templates\n"
        "    ref: main\n"
        "    file: [/a.yml, /b.yml]\n"
        "  - remote: https://example.org/x.yml\n"
        "  - template: Jobs/Container-Scanning.gitlab-ci.yml\n"
    )
    ci = Repository(make_repo({".gitlab-ci.yml": pipeline})).ci
    assert [(r.kind, r.line, r.written) for r in ci.includes] == [
        (COMPONENT, 2, "gitlab.example.org/weather/metstandards/metstandards@1.2.3"),
        (PROJECT, 3, "weather/templates:/a.yml@main"),
        (PROJECT, 3, "weather/templates:/b.yml@main"),
        (REMOTE, 6, "https://example.org/x.yml"),
        (TEMPLATE, 7, "Jobs/Container-Scanning.gitlab-ci.yml"),
    ]
    (call,) = ci.find(CALLS_METSTANDARDS)
    assert call.what == "the metstandards component metstandards"


@pytest.mark.parametrize(
    ("script", "line"),
    [
        ("pytest -q", 0),
        ("pip install -e .\nxvfb-run -a .venv/bin/pytest", 1),
        ("uv run --frozen pytest", 0),
        ("python3.12 -X dev -m unittest discover", 0),
        ("COVERAGE_CORE=sysmon coverage run -m pytest", 0),
        ("hatch run test:cov", 0),
        ("pixi run tests", 0),
        ("if true; then make test; fi", 0),
        ("pip install pytest tox", None),
        ("echo pytest", None),
        ("test -f setup.py && python -m build", None),
        ("# then pytest\npython -m build", None),
    ],
)
def test_a_script_runs_the_tests(script: str, line: int | None) -> None:
    """One reading for init (is there a test job already?) and MS603."""
    assert shell.runs_tests(script) == line


@pytest.mark.parametrize(
    ("script", "program", "subcommands", "line"),
    [
        ("pytest -q", "pytest", (), 0),
        ("python -m pytest tests", "pytest", (), 0),
        ("coverage run -m pytest", "pytest", (), 0),
        ("uv run --extra test pytest", "pytest", (), 0),
        ("pip install pytest tox", "pytest", (), None),
        ("uv run --with pytest python x.py", "pytest", (), None),
        ("echo done\n# pytest later\nCI=1 pytest", "pytest", (), 2),
        ("pip install twine && twine upload dist/*", "twine", ("upload",), 0),
        ("twine check dist/*", "twine", ("upload",), None),
        ("sudo -E .venv/bin/metstandards check --format github", "metstandards", ("check",), 0),
        ("metstandards lint src", "metstandards", ("check",), None),
        ("uvx ruff@0.8.4 check .", "ruff", (), 0),
    ],
)
def test_programs_run_in_a_script(
    script: str, program: str, subcommands: tuple[str, ...], line: int | None
) -> None:
    assert shell.runs(script, program, subcommands) == line


@pytest.mark.slow
def test_a_workflow_linked_from_outside_is_not_read_but_reported(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    outside = tmp_path / "ci.yml"
    outside.write_text("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: pytest\n")
    root = make_repo({"README.md": ""})
    (root / ".github/workflows").mkdir(parents=True)
    os.symlink(outside, root / ".github/workflows/ci.yml")
    git(root, "add", ".github")
    ci = Repository(root).ci
    assert ci.jobs == ()
    assert ci.unreadable.startswith(".github/workflows/ci.yml (it is missing from the work tree")


@pytest.mark.slow
def test_a_scan_in_a_docker_step_or_a_container_counts(make_repo: MakeRepo) -> None:
    workflow = (
        "on: push\njobs:\n  scan:\n    runs-on: x\n    steps:\n"
        "      - uses: docker://aquasec/trivy:0.58.1\n"
        "  grype:\n    runs-on: x\n    container: anchore/grype:v0.87\n    steps:\n"
        "      - run: echo scanned\n"
    )
    ci = Repository(make_repo({".github/workflows/scan.yml": workflow})).ci
    assert [(found.line, found.what) for found in ci.find(SCANS_IMAGES)] == [
        (6, "the image aquasec/trivy:0.58.1"),
        (7, "job grype in the image anchore/grype:v0.87"),
    ]

"""Whether a repository's own GitHub workflows already run its tests (GitLab CI: see
:mod:`.existing_gitlab_ci`, which reads scripts the same way).

A project with its own CI does not need init's python-ci caller beside it: two test matrices on
every pull request cost runner time and disagree sooner or later. The detection looks for plain
evidence only, and names it, so that the user can check it: a workflow that runs on pushes or
pull requests (or is called by one) and has a job that runs a test runner in a ``run:`` script
(pytest, tox, nox, ``hatch test``, ``python -m unittest``, ...: ``repository.shell.runs_tests``,
which MS603 reads CI with too) or calls a reusable workflow
whose file name says it tests (``qa-pytest-pyproject.yml``, ``tests.yml``). A workflow that
only calls a local reusable workflow is judged by that workflow, which is read itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from metstandards.repository import shell

WORKFLOWS = ".github/workflows"
#: Events on which a workflow checks a change (a workflow_call one runs for its caller's).
_CHANGE_EVENTS = frozenset(
    {"push", "pull_request", "pull_request_target", "merge_group", "workflow_call"}
)
_TEST_WORDS = frozenset({"test", "tests", "testing", "pytest", "tox", "nox", "unittest"})


@dataclass(frozen=True)
class TestRun:
    """Evidence that a workflow runs the tests: the file, the job, and what in it."""

    workflow: str
    job: str
    evidence: str

    def __str__(self) -> str:
        return f"{self.workflow}, job {self.job}, {self.evidence}"


def find_test_runs(root: Path, *, own: str, skip: str) -> list[TestRun]:
    """The jobs in ``root``'s workflows that run the tests.

    ``own`` is metstandards' ``owner/name``: of its reusable workflows only python-ci runs the
    project's tests (gpu-tests runs the GPU-marked ones). ``skip`` is the workflow file init
    itself writes and compares (``.github/workflows/python-ci.yml``), when it calls that one.
    """
    found = []
    directory = root / WORKFLOWS
    paths = sorted(p for p in directory.glob("*.y*ml") if p.suffix in (".yml", ".yaml"))
    for path in paths:
        relpath = path.relative_to(root).as_posix()
        workflow = _load(path)
        if workflow is None or not _checks_changes(workflow.get("on")):
            continue
        runs = [run for job, spec in _jobs(workflow) for run in _job_runs(relpath, job, spec, own)]
        if relpath == skip and any(run.evidence == _own_ci(own) for run in runs):
            continue
        found += runs
    return found


def _load(path: Path) -> dict[str, Any] | None:
    """The workflow as data (YAML 1.2: ``on`` is a string key); None when it cannot be read,
    since GitHub does not run such a file either."""
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError):
        return None
    return data if isinstance(data, dict) else None


def _checks_changes(on: object) -> bool:
    events = [on] if isinstance(on, str) else on
    return isinstance(events, list | dict) and any(event in _CHANGE_EVENTS for event in events)


def _jobs(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    jobs = workflow.get("jobs")
    if not isinstance(jobs, dict):
        return []
    return [(str(name), spec) for name, spec in jobs.items() if isinstance(spec, dict)]


def _job_runs(relpath: str, job: str, spec: dict[str, Any], own: str) -> list[TestRun]:
    uses = spec.get("uses")
    if isinstance(uses, str):
        calls = _calls_tests(uses, own)
        return [TestRun(relpath, job, calls)] if calls else []
    steps = spec.get("steps")
    for step in steps if isinstance(steps, list) else []:
        script = step.get("run") if isinstance(step, dict) else None
        runs = runs_tests(script) if isinstance(script, str) else None
        if runs is not None:
            return [TestRun(relpath, job, runs)]
    return []


def runs_tests(script: str) -> str | None:
    """``runs `<the line>``` when the shell ``script`` runs a test runner, else None."""
    number = shell.runs_tests(script)
    if number is None:
        return None
    line = script.splitlines()[number].strip()
    shown = line if len(line) <= 60 else line[:57] + "..."
    return f"runs `{shown}`"


def names_tests(name: str) -> bool:
    """Whether a workflow's or component's file name says it tests (``qa-pytest``, ``tests``)."""
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    return bool(_TEST_WORDS & set(re.split(r"[-_.]", stem)))


def _calls_tests(uses: str, own: str) -> str | None:
    """What a job's ``uses:`` says when it calls a remote reusable workflow that tests."""
    if uses.startswith("./"):
        return None  # a local one is read itself
    path = uses.split("@", 1)[0]
    if path.startswith(f"{own}/.github/workflows/"):
        return _own_ci(own) if path.endswith("/python-ci.yml") else None
    return f"calls {path}" if names_tests(path) else None


def _own_ci(own: str) -> str:
    return f"calls {own}/.github/workflows/python-ci.yml"

"""The house rules of the workflows that zizmor does not check: documented inputs, permissions
that start from nothing, a time limit on every job, a concurrency group of each reusable workflow's
own, no expression inside a shell script, and strict mode in multi-line scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ._files import ROOT, caller_templates, load, render, reusable_workflows, workflow_files

WORKFLOWS = reusable_workflows()


def every_workflow() -> list[tuple[str, dict[str, Any]]]:
    documents = [(str(p.relative_to(ROOT)), load(p)) for p in workflow_files()]
    documents += [
        (str(p.relative_to(ROOT)), yaml.safe_load(render(p.read_text(encoding="utf-8"))))
        for p in caller_templates()
    ]
    return documents


EVERY = every_workflow()
IDS = [name for name, _ in EVERY]


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_reusable_workflow_documents_its_interface(name: str) -> None:
    call = WORKFLOWS[name]
    undocumented = [
        f"input {key}"
        for key, spec in (call.get("inputs") or {}).items()
        if not (spec.get("description") and spec.get("type") and "default" in spec)
    ]
    undocumented += [
        f"secret {key}"
        for key, spec in (call.get("secrets") or {}).items()
        if not (spec or {}).get("description")
    ]
    undocumented += [
        f"output {key}"
        for key, spec in (call.get("outputs") or {}).items()
        if not (spec.get("description") and spec.get("value"))
    ]
    assert undocumented == []


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_reusable_workflow_has_a_concurrency_group_of_its_own(name: str) -> None:
    # A called workflow whose group equals its caller's would cancel, or wait for, itself.
    group = load(Path(ROOT, ".github", "workflows", name))["concurrency"]["group"]
    assert group.startswith(f"metstandards/{Path(name).stem}-")


@pytest.mark.parametrize(("name", "workflow"), EVERY, ids=IDS)
def test_permissions_start_from_nothing_and_every_job_states_its_own(
    name: str, workflow: dict[str, Any]
) -> None:
    assert workflow["permissions"] == {}
    assert [job for job, spec in workflow["jobs"].items() if "permissions" not in spec] == []


@pytest.mark.parametrize(("name", "workflow"), EVERY, ids=IDS)
def test_every_job_has_a_time_limit(name: str, workflow: dict[str, Any]) -> None:
    # A job that calls a reusable workflow cannot have one: the called jobs carry theirs.
    assert [
        job
        for job, spec in workflow["jobs"].items()
        if "uses" not in spec and "timeout-minutes" not in spec
    ] == []


@pytest.mark.parametrize(("name", "workflow"), EVERY, ids=IDS)
def test_scripts_take_no_expressions_and_run_in_strict_mode(
    name: str, workflow: dict[str, Any]
) -> None:
    scripts = [step["run"] for step in steps(workflow) if "run" in step]
    # An expression is pasted into the script before the shell parses it: injection. Values
    # reach scripts through `env:`.
    assert [script for script in scripts if "${{" in script] == []
    assert [
        script
        for script in scripts
        if script.strip().count("\n") and not script.startswith("set -euo pipefail\n")
    ] == []


@pytest.mark.parametrize(("name", "workflow"), EVERY, ids=IDS)
def test_checkouts_leave_no_credentials_behind(name: str, workflow: dict[str, Any]) -> None:
    # A persisted token sits in .git/config for every later step, and in any artifact of the tree.
    checkouts = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout@")]
    assert [s for s in checkouts if s.get("with", {}).get("persist-credentials") is not False] == []

"""The CI/CD components in ``templates/``: where GitLab looks for them, typed and documented
``spec:inputs`` that match the placeholders used, job names and stages as inputs, inputs that
reach scripts only through variables, and every component valid against GitLab's CI schema as
GitLab interpolates it (with the defaults, and with other inputs)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

from ._components import (
    COMPONENTS,
    PLACEHOLDER,
    TEMPLATES,
    documents,
    inputs,
    jobs_with,
    plain,
    used,
)

_TYPES = {"string": str, "number": (int, float), "boolean": bool, "array": list}
_KEYS = {"description", "type", "default", "options", "regex"}
#: Inputs other than the defaults, one set per component: each boolean flipped, another option.
OTHER_INPUTS: dict[str, dict[str, Any]] = {
    "python-ci": {
        "job-prefix": "lib",
        "tags": ["docker", "linux"],
        "python-versions": ["3.11"],
        "install-command": "pip install -r requirements-dev.txt -e .",
        "cache": [],
    },
    "metstandards": {
        "job-name": "standards",
        "stage": "build",
        "fail-on-not-run": False,
        "trust-merge-requests": True,
        "install-requirement": "",
        "skip": "pip-audit mypy",
    },
    "release": {"gitlab-registry": "manual", "pypi": "on_success", "pypi-index": "testpypi"},
    "gpu-tests": {
        "tags": ["gpu", "a100"],
        "matrix": ["nvcr.io/nvidia/pytorch:24.05-py3", "/scratch/images/rocm.sif"],
        "cache-dir": "/scratch/ml-ci/cache",
        "gpu-count": 4,
        "gpu-memory-gib": 40,
        "shm-size": "16g",
        "scheduler-parameters": "--partition=gpu --gres=gpu:4",
        "framework": "jax",
    },
    "container-scan": {
        "image-ref": "registry.example.org/app@sha256:" + "0" * 64,
        "scanner": "grype",
        "sign": True,
        "image-name": "$CI_REGISTRY_IMAGE",
        "platforms": "linux/amd64,linux/arm64",
        "fail-on-findings": False,
    },
    "org-audit": {"shards": 1, "publish-pages": False, "fail-under": "7.5", "github-org": "ecmwf"},
}


def test_every_component_is_where_gitlab_looks_for_it() -> None:
    """GitLab finds a component at templates/<name>.yml (or templates/<name>/template.yml)."""
    found = sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*") if p.is_file())
    assert found == sorted(f"{name}.yml" for name in COMPONENTS)
    assert set(OTHER_INPUTS) == set(COMPONENTS)


@pytest.mark.parametrize("name", COMPONENTS)
def test_every_input_is_typed_described_and_has_a_valid_default(name: str) -> None:
    for key, spec in inputs(name).items():
        where = f"{name}: input {key}"
        assert set(spec) <= _KEYS, where
        assert 0 < len(spec["description"]) <= 1024, where  # GitLab's limit
        kind = spec.get("type", "string")
        assert kind in _TYPES, where
        assert "default" in spec, f"{where} has no default: including it without inputs fails"
        assert isinstance(spec["default"], _TYPES[kind]), where
        if kind != "boolean":
            assert not isinstance(spec["default"], bool), where
        if "options" in spec:
            assert spec["default"] in spec["options"], where
        if "regex" in spec:
            assert re.fullmatch(spec["regex"], spec["default"]), where


@pytest.mark.parametrize("name", COMPONENTS)
def test_every_placeholder_is_declared_and_every_input_used(name: str) -> None:
    declared = set(inputs(name))
    assert used(name) - declared == set(), "placeholders without an input"
    assert declared - used(name) == set(), "inputs no job uses"


@pytest.mark.parametrize("name", COMPONENTS)
def test_job_names_stages_and_runner_tags_are_inputs(name: str) -> None:
    declared = inputs(name)
    assert {"stage", "tags"} <= set(declared)
    assert declared["tags"]["type"] == "array"
    naming = "job-name" if "job-name" in declared else "job-prefix"
    assert naming in declared
    jobs = documents(name)[1]
    for job, spec in jobs.items():
        if job == "pages":  # GitLab publishes Pages from a job of this name only
            continue
        placeholder = PLACEHOLDER.search(job)
        assert placeholder is not None, job
        assert placeholder.group(1) == naming, job
        assert "tags" in spec or "extends" in spec, job
    rendered = jobs_with(name, {naming: "renamed", "stage": "qa", "tags": ["site-gpu"]})
    for job, spec in rendered.items():
        if job.startswith("."):
            continue
        assert job == "pages" or job.startswith("renamed"), job
        base = rendered.get(spec.get("extends", ""), {})
        assert {**base, **spec}["stage"] == "qa", job
        assert {**base, **spec}["tags"] == ["site-gpu"], job


def _string_inputs(name: str) -> set[str]:
    """Inputs that can hold any text: neither typed nor constrained by options or a regex."""
    return {
        key
        for key, spec in inputs(name).items()
        if spec.get("type", "string") == "string" and "options" not in spec and "regex" not in spec
    }


def _scripts(node: Any) -> list[str]:
    """Every script line of every job."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("script", "before_script", "after_script"):
                found += [line for line in value if isinstance(line, str)]
            else:
                found += _scripts(value)
    return found


@pytest.mark.parametrize("name", COMPONENTS)
def test_free_text_inputs_reach_scripts_only_through_variables(name: str) -> None:
    """A value spliced into a script's text would be shell code: `x; curl ... | sh` runs."""
    free = _string_inputs(name)
    spliced = {
        match.group(1)
        for line in _scripts(documents(name)[1])
        for match in PLACEHOLDER.finditer(line)
    }
    assert spliced & free == set()


#: GitLab's CI schema as check-jsonschema vendored it before 0.39 (the newest release for Python
#: 3.10 is 0.38) wanted a job's ``tags`` non-empty. GitLab takes ``tags: []`` (no tags: any
#: runner), and its schema says so from then on; with the older one, an empty list is validated
#: as one tag.
_EMPTY_TAGS_REFUSED = Version(version("check-jsonschema")) < Version("0.39")


def _as_validated(document: Any) -> Any:
    if not (_EMPTY_TAGS_REFUSED and isinstance(document, dict)):
        return document
    return {
        name: {**job, "tags": ["any"]} if isinstance(job, dict) and job.get("tags") == [] else job
        for name, job in document.items()
    }


def _validate(documents_by_name: dict[str, Any], directory: Path) -> dict[str, str]:
    """check-jsonschema with GitLab's CI schema on each document; the failures, by name."""
    paths = []
    for label, document in documents_by_name.items():
        target = directory / f"{label}.json"
        target.write_text(json.dumps(_as_validated(document)), encoding="utf-8")
        paths.append(target)
    failures = {}
    for target in paths:
        done = subprocess.run(
            [str(Path(sys.executable).parent / "check-jsonschema"), "--builtin-schema",
             "vendor.gitlab-ci", str(target)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            failures[target.stem] = done.stdout + done.stderr
    return failures


@pytest.mark.slow
def test_every_component_validates_against_gitlab_ci_schema(tmp_path: Path) -> None:
    """Each header, and the jobs as GitLab interpolates them with the defaults and with other
    inputs; a broken document beside them shows that the check can fail."""
    checked: dict[str, Any] = {}
    for name in COMPONENTS:
        header, _ = documents(name)
        checked[f"{name}.spec"] = header
        checked[f"{name}.defaults"] = plain(jobs_with(name))
        checked[f"{name}.other"] = plain(jobs_with(name, OTHER_INPUTS[name]))
    broken = plain(jobs_with("metstandards"))
    broken["metstandards"]["tags"] = "gpu"
    checked["broken"] = broken
    failures = _validate(checked, tmp_path)
    assert set(failures) == {"broken"}, failures

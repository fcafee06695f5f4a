"""Whether a repository's own GitLab CI already runs its tests.

The GitLab counterpart of :mod:`.existing_ci`, with the same plain evidence: a job of
``.gitlab-ci.yml``, or of a file it includes from the repository (``include: local:``, without
wildcards), whose ``before_script`` or ``script`` runs a test runner, or an include of another
project's component or file whose name says it tests (``.../pytest@1.0``, ``tests.yml``).
metstandards' own components are init's: its python-ci is what init adds, and none of the others
runs the project's tests (gpu-tests runs the GPU-marked ones).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from metstandards.repository.gitlab_ci import GLOBAL_KEYWORDS, MAX_FILES
from metstandards.scaffold.existing_ci import TestRun, names_tests, runs_tests
from metstandards.scaffold.gitlab_ci import RELPATH, component_name


def find_gitlab_test_runs(root: Path, *, known: Collection[str]) -> list[TestRun]:
    """The jobs and includes of ``root``'s GitLab CI that run the tests (see the module's docs);
    ``known`` are the names of metstandards' components."""
    found: list[TestRun] = []
    queue, seen = [RELPATH], set[str]()
    while queue and len(seen) < MAX_FILES:
        relpath = queue.pop(0)
        if relpath in seen:
            continue
        seen.add(relpath)
        pipeline = _load(root / relpath)
        if pipeline is None:
            continue
        for kind, value in _includes(pipeline.get("include")):
            if kind == "local":
                queue.append(value.lstrip("/"))
            elif kind == "component" and component_name(value, known) is None:
                if names_tests(value.partition("@")[0]):
                    found.append(TestRun(relpath, "include", f"includes {value}"))
            elif kind == "file" and names_tests(value):
                found.append(TestRun(relpath, "include", f"includes {value}"))
        found += [run for job, spec in _jobs(pipeline) if (run := _job_runs(relpath, job, spec))]
    return found


def _load(path: Path) -> dict[str, Any] | None:
    """The pipeline's configuration (the document after a ``spec:`` header); None when it
    cannot be read, since GitLab does not run such a file either."""
    try:
        documents = list(YAML(typ="rt").load_all(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, YAMLError):
        return None
    last = documents[-1] if documents else None
    return dict(last) if isinstance(last, dict) else None


def _includes(include: object) -> Iterator[tuple[str, str]]:
    """``(kind, value)`` of each include: ``local`` paths (without wildcards), ``component``
    references, and ``file``s of other projects."""
    items = include if isinstance(include, list) else [include] if include else []
    for item in items:
        if isinstance(item, str):
            if not item.startswith(("http://", "https://")) and "*" not in item:
                yield "local", item
        elif isinstance(item, dict):
            if isinstance(item.get("local"), str) and "*" not in item["local"]:
                yield "local", item["local"]
            if isinstance(item.get("component"), str):
                yield "component", item["component"]
            files = item.get("file") if "project" in item else None
            for file in files if isinstance(files, list) else [files]:
                if isinstance(file, str):
                    yield "file", file


def _jobs(pipeline: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (str(name), spec)
        for name, spec in pipeline.items()
        if str(name) not in GLOBAL_KEYWORDS
        and not str(name).startswith(".")
        and isinstance(spec, dict)
    ]


def _job_runs(relpath: str, job: str, spec: dict[str, Any]) -> TestRun | None:
    for key in ("before_script", "script"):
        lines = spec.get(key)
        for line in _flat(lines):
            runs = runs_tests(line)
            if runs is not None:
                return TestRun(relpath, job, runs)
    return None


def _flat(lines: object) -> Iterator[str]:
    """A script's lines: a string, or (nested) lists of them."""
    if isinstance(lines, str):
        yield lines
    elif isinstance(lines, list):
        for line in lines:
            yield from _flat(line)

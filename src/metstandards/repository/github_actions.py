"""GitHub Actions workflows (``.github/workflows/*.yml``) as CI jobs.

A workflow's events come from its ``on:``; a workflow that is only called (``workflow_call``)
runs on the events of the repository's workflows that call it (``uses: ./.github/...``). Steps of
the repository's own composite actions (``uses: ./path``) count as steps of the job that uses
them. Job-level ``if:`` conditions are not evaluated: a job is taken to run on every event of
its workflow.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from metstandards.repository.ci import (
    ACTION,
    CI,
    DOCKER,
    MANUAL,
    MERGE_REQUEST,
    OTHER,
    PUSH,
    SCHEDULE,
    TAG,
    WORKFLOW,
    Command,
    Job,
    Problem,
    Reference,
)
from metstandards.repository.view import UnreadableFile
from metstandards.repository.yamldoc import as_list, as_mapping, block_offset, key_line, strings

if TYPE_CHECKING:
    from metstandards.repository.view import Repository

WORKFLOWS = ".github/workflows"
#: Not an event: the workflow runs when another one calls it.
_CALLED = "workflow_call"
_EVENTS = {
    "pull_request": MERGE_REQUEST,
    "pull_request_target": MERGE_REQUEST,
    "merge_group": MERGE_REQUEST,
    "release": TAG,
    "schedule": SCHEDULE,
    "workflow_dispatch": MANUAL,
    "repository_dispatch": MANUAL,
    _CALLED: _CALLED,
}


def read_workflows(repo: Repository) -> CI:
    """Every job of the tracked workflow files."""
    paths = tuple(
        path
        for path in repo.under(WORKFLOWS)
        if path.count("/") == 2 and path.endswith((".yml", ".yaml"))
    )
    documents: dict[str, Mapping[str, Any]] = {}
    problems: list[Problem] = []
    for path in paths:
        try:
            data = repo.yaml(path)
        except UnreadableFile as error:
            problems.append(Problem(path, error.why))
            continue
        documents[path] = as_mapping(data)
    events = _events(documents)
    jobs: list[Job] = []
    for path, data in documents.items():
        jobs += _jobs(repo, path, data, events[path], problems)
    return CI(jobs=tuple(jobs), problems=tuple(problems), files=paths)


def _triggers(on: object) -> set[str]:
    """The events of an ``on:`` value (a name, a list of names, or a mapping)."""
    names = dict(on) if isinstance(on, Mapping) else dict.fromkeys(strings(on))
    events: set[str] = set()
    for name, config in names.items():
        if name == "push":
            events |= _push(as_mapping(config))
        else:
            events.add(_EVENTS.get(str(name), OTHER))
    return events


def _push(config: Mapping[str, Any]) -> set[str]:
    """Branch pushes, tag pushes or both: GitHub runs a push workflow for only the kind of ref
    its filters name, and for both when they name neither."""
    branches = "branches" in config or "branches-ignore" in config
    tags = "tags" in config or "tags-ignore" in config
    events = set()
    if (branches or not tags) and not _ignores_all(config.get("branches-ignore")):
        events.add(PUSH)
    if (tags or not branches) and not _ignores_all(config.get("tags-ignore")):
        events.add(TAG)
    return events


def _ignores_all(patterns: object) -> bool:
    return bool({"*", "**"} & set(strings(patterns)))


def _on(data: Mapping[Any, Any]) -> object:
    """The ``on:`` value (read as ``True`` by a YAML 1.1 reader, so both are looked up)."""
    return data["on"] if "on" in data else data.get(True)


def _events(documents: Mapping[str, Mapping[str, Any]]) -> dict[str, frozenset[str]]:
    """Each workflow's events, a called workflow's from its callers (to a fixed point)."""
    own = {path: _triggers(_on(data)) for path, data in documents.items()}
    callers: dict[str, set[str]] = {path: set() for path in documents}
    for path, data in documents.items():
        for job in as_mapping(data.get("jobs")).values():
            uses = as_mapping(job).get("uses")
            ours = local(uses) if isinstance(uses, str) else None
            callee = ours[2:].partition("@")[0] if ours else ""
            if callee in callers:
                callers[callee].add(path)
    events = {path: own[path] - {_CALLED} for path in documents}
    changed = True
    while changed:
        changed = False
        for path in documents:
            if _CALLED not in own[path]:
                continue
            merged = events[path].union(*(events[caller] for caller in callers[path]))
            if merged != events[path]:
                events[path], changed = merged, True
    return {path: frozenset(found) for path, found in events.items()}


def _jobs(
    repo: Repository,
    path: str,
    data: Mapping[str, Any],
    events: frozenset[str],
    problems: list[Problem],
) -> Iterator[Job]:
    jobs = as_mapping(data.get("jobs"))
    for name, value in jobs.items():
        job = as_mapping(value)
        line = key_line(jobs, name)
        uses = job.get("uses")
        called = (
            _reference(path, key_line(job, "uses", line), uses.strip(), WORKFLOW)
            if isinstance(uses, str)
            else None
        )
        actions: list[Reference] = []
        commands: list[Command] = []
        _steps(repo, path, job.get("steps"), frozenset(), actions, commands, problems)
        yield Job(
            path,
            line,
            str(name),
            events,
            runners=_runs_on(job.get("runs-on")),
            images=_container(job.get("container")),
            uses=called,
            actions=tuple(actions),
            commands=tuple(commands),
        )


def _steps(
    repo: Repository,
    path: str,
    steps: object,
    seen: frozenset[str],
    actions: list[Reference],
    commands: list[Command],
    problems: list[Problem],
) -> None:
    """Collect the actions and scripts of ``steps``, following the repository's own composite
    actions (each once per chain, so that a loop of actions ends)."""
    for item in as_list(steps):
        step = as_mapping(item)
        uses = step.get("uses")
        if isinstance(uses, str):
            reference = _reference(path, key_line(step, "uses"), uses.strip(), ACTION)
            actions.append(reference)
            if reference.is_local and reference.target not in seen:
                composite = _composite_steps(repo, reference.target, problems)
                if composite is not None:
                    where, inner = composite
                    _steps(
                        repo, where, inner, seen | {reference.target}, actions, commands, problems
                    )
        run = step.get("run")
        if isinstance(run, str):
            commands.append(Command(path, key_line(step, "run"), str(run), block_offset(run)))


def _composite_steps(
    repo: Repository, target: str, problems: list[Problem]
) -> tuple[str, object] | None:
    """The file and steps of the repository's composite action at ``./target``, if it is one."""
    folder = target[2:].strip("/")
    for name in ("action.yml", "action.yaml"):
        path = f"{folder}/{name}" if folder else name
        if not repo.has(path):
            continue
        try:
            runs = as_mapping(as_mapping(repo.yaml(path)).get("runs"))
        except UnreadableFile as error:
            problems.append(Problem(path, error.why))
            return None
        return (path, runs.get("steps")) if runs.get("using") == "composite" else None
    return None


def local(uses: str) -> str | None:
    """``uses`` as ``./path`` when it names the repository's own workflow or action: ``./path``,
    or GitHub's ``$/path`` (this repository at the calling workflow's commit); else None."""
    if uses.startswith("./"):
        return uses
    if uses.startswith("$/"):
        return "./" + uses[2:]
    return None


def _reference(path: str, line: int, text: str, kind: str) -> Reference:
    """``owner/repo/path@ref``, ``./local`` (or ``$/local``), or ``docker://image``, as written
    at ``line``."""
    if text.startswith("docker://"):
        return Reference(path, line, DOCKER, text.removeprefix("docker://"))
    if (own := local(text)) is not None:
        return Reference(path, line, kind, own)
    target, _, ref = text.partition("@")
    return Reference(path, line, kind, target, ref)


def _runs_on(value: object) -> tuple[str, ...]:
    """The labels (and group) of ``runs-on``: a label, a list, or ``{group:, labels:}``."""
    if isinstance(value, Mapping):
        return strings(value.get("labels")) + strings(value.get("group"))
    return strings(value)


def _container(value: object) -> tuple[str, ...]:
    if isinstance(value, Mapping):
        value = value.get("image")
    return strings(value)

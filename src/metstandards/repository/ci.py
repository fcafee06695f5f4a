"""A small model of a repository's CI, and the questions the MS6xx checks ask of it.

CI is GitHub Actions (``.github/workflows/*.yml``/``*.yaml``) and GitLab CI
(``.gitlab-ci.yml`` and the files it ``include:``s locally); both become :class:`Job` s with
the events they run on, their runners, the reusable workflows, actions and components they use
(:class:`Reference`) and their shell scripts (:class:`Command`), each with its file and line.
Nothing is run, and nothing is fetched: a remote workflow or component is known by its name
and pin only.

A question is a :class:`Query`: the metstandards building blocks that answer it (``python-ci``,
``metstandards``...: the reusable workflows ``<owner>/metstandards/.github/workflows/<name>.yml``
and the GitLab components ``<host>/<group>/metstandards/<name>``), actions, programs run in
scripts, images, runner labels. :meth:`CI.find` returns every place that answers it, with the
events of its job, so that a check can ask "on pushes or merge requests?".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from metstandards.repository import shell
from metstandards.repository.git import FULL_SHA

if TYPE_CHECKING:
    from metstandards.repository.view import Repository

#: Events a job runs on. ``TAG`` covers a pushed tag and a GitHub release (made from a tag).
PUSH = "push"
MERGE_REQUEST = "merge request"
TAG = "tag"
SCHEDULE = "schedule"
MANUAL = "manual"
OTHER = "other"
#: Runs on every change proposed or made: what "CI runs it" means for the standard's checks.
ON_CHANGES = frozenset({PUSH, MERGE_REQUEST})
#: Runs without anybody starting it by hand.
AUTOMATIC = frozenset({PUSH, MERGE_REQUEST, TAG, SCHEDULE})

_ORDER = (PUSH, MERGE_REQUEST, TAG, SCHEDULE, MANUAL, OTHER)

#: The project whose reusable workflows and components are "the metstandards ones".
METSTANDARDS = "metstandards"

# Reference kinds.
WORKFLOW = "reusable workflow"
ACTION = "action"
DOCKER = "Docker image action"
COMPONENT = "component"
PROJECT = "project include"
REMOTE = "remote include"
TEMPLATE = "template include"

_SHORT_SHA = re.compile(r"^[0-9a-f]{7,39}$")
_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
_EXACT_VERSION = re.compile(r"^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$")
_PARTIAL_VERSION = re.compile(r"^v?\d+(?:\.\d+)?$")


def describe(events: frozenset[str]) -> str:
    """``events`` in words, in a fixed order: "push, merge request"."""
    return ", ".join(event for event in _ORDER if event in events) or "no event"


@dataclass(frozen=True)
class Command:
    """A shell script: a step's ``run:`` or one item of a GitLab job's scripts."""

    path: str
    #: The line of the ``run:`` key or script item.
    line: int
    text: str
    #: Lines between ``line`` and the script's first line (1 for a ``|`` block).
    offset: int = 0

    def runs(self, program: str, subcommands: tuple[str, ...] = ()) -> int | None:
        """The line where the script runs ``program`` (see :mod:`shell`), else None."""
        return self._line(shell.runs(self.text, program, subcommands))

    def runs_tests(self) -> int | None:
        """The line where the script runs the tests (see :mod:`shell`), else None."""
        return self._line(shell.runs_tests(self.text))

    def _line(self, found: int | None) -> int | None:
        return None if found is None else self.line + self.offset + found


@dataclass(frozen=True)
class Reference:
    """Something CI runs from elsewhere: a reusable workflow, an action, a GitLab component or
    include, as written at ``path``:``line``."""

    path: str
    line: int
    kind: str
    #: What is referenced without its version: ``actions/checkout``,
    #: ``org/metstandards/.github/workflows/metstandards.yml``, ``gitlab.com/g/p/name``.
    target: str
    #: The version it is pinned to ("" when none is given).
    ref: str = ""

    @property
    def written(self) -> str:
        return f"{self.target}@{self.ref}" if self.ref else self.target

    @property
    def is_local(self) -> bool:
        """A workflow or action of the repository itself (``./.github/...``)."""
        return self.target.startswith("./")

    @property
    def name(self) -> str:
        """The workflow's file name without extension, the component's name, the action's
        repository name."""
        if self.kind == ACTION:
            return self.target.split("/")[1] if "/" in self.target else self.target
        last = self.target.rstrip("/").rpartition("/")[2]
        return re.sub(r"\.ya?ml$", "", last.rpartition(":")[2])

    @property
    def project(self) -> str:
        """The repository or project it comes from, by name (``metstandards``)."""
        if self.kind in (WORKFLOW, ACTION):
            parts = self.target.split("/")
            return parts[1] if len(parts) > 1 else ""
        if self.kind == COMPONENT:
            parts = self.target.split("/")
            return parts[-2] if len(parts) > 1 else ""
        if self.kind == PROJECT:
            return self.target.partition(":")[0].rpartition("/")[2]
        return ""

    def is_block(self, names: tuple[str, ...]) -> bool:
        """Whether this is one of the metstandards building blocks ``names``."""
        return (
            self.kind in (WORKFLOW, COMPONENT)
            and self.project == METSTANDARDS
            and (self.name in names)
        )

    @property
    def pin_problem(self) -> str | None:
        """Why this reference is not pinned to unchangeable code, or None when it is (or
        is the repository's own, or a template of the GitLab instance itself)."""
        if self.is_local or self.kind == TEMPLATE:
            return None
        if self.kind == DOCKER:
            return None if _DIGEST.search(self.target) else "an image tag, which can be moved"
        if self.kind == REMOTE:
            pinned = any(FULL_SHA.match(part) for part in re.split(r"[/?=&]", self.target))
            return None if pinned else "a URL whose content can change"
        return _unpinned_ref(self.kind, self.ref)


def _unpinned_ref(kind: str, ref: str) -> str | None:
    """Why ``ref`` may name other code tomorrow; None for a full SHA, and on GitLab for an
    exact version (a component's or project's release tag)."""
    if "$" in ref:
        return f"the CI variable {ref}, which can name any version"
    if FULL_SHA.match(ref) or (kind in (COMPONENT, PROJECT) and _EXACT_VERSION.match(ref)):
        return None
    return _unpinned_reason(kind, ref)


def _unpinned_reason(kind: str, ref: str) -> str:
    if not ref:
        return "no version, so the default branch as it is at each run"
    if _SHORT_SHA.match(ref):
        return f"the abbreviated SHA {ref}, which a new commit can come to share"
    if ref.startswith("~latest"):
        return "~latest, the newest release at each run"
    if kind in (COMPONENT, PROJECT) and _PARTIAL_VERSION.match(ref):
        return f"{ref}, which moves to each new release of that series"
    return f"{ref}, a tag or branch that can be moved to other code"


@dataclass(frozen=True)
class Job:
    """One CI job and what it runs."""

    path: str
    line: int
    name: str
    events: frozenset[str]
    #: GitHub ``runs-on`` labels (and group), GitLab ``tags``.
    runners: tuple[str, ...] = ()
    #: Container images it runs in (GitLab ``image``, GitHub ``container``).
    images: tuple[str, ...] = ()
    #: A GitHub job that is a call of a reusable workflow.
    uses: Reference | None = None
    #: Actions of its steps (steps of local composite actions included).
    actions: tuple[Reference, ...] = ()
    commands: tuple[Command, ...] = ()


@dataclass(frozen=True)
class Problem:
    """A CI file that could not be read, so CI is only partly known."""

    path: str
    why: str


@dataclass(frozen=True)
class Found:
    """A place in CI that answers a :class:`Query`."""

    path: str
    line: int
    #: What was found, for a message: "`pytest -q`", "the metstandards python-ci workflow".
    what: str
    job: str
    events: frozenset[str]

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Query:
    """What answers a question about CI; any one of them does."""

    #: metstandards reusable workflows or GitLab components, by name.
    blocks: tuple[str, ...] = ()
    #: Programs run in a script, each with the subcommands that count (none: any).
    programs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: A script runs the tests (``shell.runs_tests``: the same reading ``init`` uses).
    tests: bool = False
    #: Actions by repository (``aquasecurity/trivy-action``).
    actions: tuple[str, ...] = ()
    #: Words in the file name of another project's reusable workflow (``pytest``).
    workflow_words: tuple[str, ...] = ()
    #: Words in a job's image name (``aquasec/trivy``).
    image_words: tuple[str, ...] = ()
    #: GitLab CI templates by name (``Container-Scanning``).
    templates: tuple[str, ...] = ()
    #: A word in a runner label or GitLab tag (``gpu``).
    runner_word: str = ""


@dataclass(frozen=True)
class CI:
    """Every job of the repository's CI, the pipeline-level GitLab includes, and the CI files
    that could not be read."""

    jobs: tuple[Job, ...] = ()
    #: GitLab ``include:`` entries other than local files (components, projects, remotes,
    #: templates), with the events a pipeline runs on.
    includes: tuple[Reference, ...] = ()
    problems: tuple[Problem, ...] = ()
    #: The CI files read, for messages ("looked in ...").
    files: tuple[str, ...] = ()

    @property
    def unreadable(self) -> str:
        """The CI files that could not be read and why ("" when all were): a check that found
        nothing cannot tell whether they hold what it looks for."""
        return "; ".join(f"{problem.path} ({problem.why})" for problem in self.problems)

    @property
    def references(self) -> Iterator[Reference]:
        """Every workflow, action, component and include, in file order."""
        for job in self.jobs:
            if job.uses is not None:
                yield job.uses
            yield from job.actions
        yield from self.includes

    def unpinned(self) -> list[tuple[Reference, str]]:
        """Every remote reference that is not pinned, with why (each written place once)."""
        seen: set[tuple[str, int, str]] = set()
        found = []
        for reference in self.references:
            problem = reference.pin_problem
            key = (reference.path, reference.line, reference.written)
            if problem is not None and key not in seen:
                seen.add(key)
                found.append((reference, problem))
        return sorted(found, key=lambda item: (item[0].path, item[0].line))

    def find(self, query: Query) -> list[Found]:
        """Every place that answers ``query``, in file order."""
        found = [hit for job in self.jobs for hit in _in_job(job, query)]
        for include in self.includes:
            what = _reference_answer(include, query)
            if what:
                found.append(Found(include.path, include.line, what, "", PIPELINE_EVENTS))
        return sorted(set(found), key=lambda hit: (hit.path, hit.line, hit.what))


#: The events a GitLab pipeline runs on by default: branch and tag pipelines, scheduled or
#: started by hand; the jobs an included component adds are taken to run there and on merge
#: requests (their rules live in the component's project, which is not read).
PIPELINE_EVENTS = frozenset({PUSH, TAG, SCHEDULE, MANUAL, MERGE_REQUEST})


def _reference_answer(reference: Reference, query: Query) -> str:
    """What ``reference`` is, when it answers ``query``; else ""."""
    if reference.is_block(query.blocks):
        return f"the metstandards {reference.kind} {reference.name}"
    if reference.kind == ACTION and _is_action(reference.target, query.actions):
        return f"the action {reference.written}"
    if reference.kind == DOCKER and any(w in reference.target.lower() for w in query.image_words):
        return f"the image {reference.target}"
    if reference.kind == TEMPLATE and any(word in reference.target for word in query.templates):
        return f"the GitLab template {reference.target}"
    if (
        reference.kind in (WORKFLOW, COMPONENT, PROJECT)
        and not reference.is_local
        and any(word in reference.name.lower() for word in query.workflow_words)
    ):
        return f"the {reference.kind} {reference.written}"
    return ""


def _is_action(target: str, actions: tuple[str, ...]) -> bool:
    """Whether ``target`` is one of ``actions``, or an action in a folder of one."""
    target = target.lower()
    return any(target == action or target.startswith(action + "/") for action in actions)


def _in_job(job: Job, query: Query) -> Iterator[Found]:
    def hit(path: str, line: int, what: str) -> Found:
        return Found(path, line, what, job.name, job.events)

    for reference in (*([job.uses] if job.uses else []), *job.actions):
        what = _reference_answer(reference, query)
        if what:
            yield hit(reference.path, reference.line, what)
    for command in job.commands:
        line = command.runs_tests() if query.tests else None
        if line is not None:
            shown = command.text.splitlines()[line - command.line - command.offset].strip()
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            yield hit(command.path, line, f"`{shown}` in job {job.name}")
        for program, subcommands in query.programs:
            line = command.runs(program, subcommands)
            if line is not None:
                shown = " ".join((program, *subcommands[:1]))
                yield hit(command.path, line, f"`{shown}` in job {job.name}")
    for image in job.images:
        if any(word in image.lower() for word in query.image_words):
            yield hit(job.path, job.line, f"job {job.name} in the image {image}")
    if query.runner_word:
        labels = [label for label in job.runners if query.runner_word in label.lower()]
        if labels:
            yield hit(job.path, job.line, f"job {job.name} on the runner {', '.join(labels)}")


def read_ci(repo: Repository) -> CI:
    """The CI of ``repo``: its GitHub workflows and its GitLab pipeline, merged."""
    from metstandards.repository.github_actions import read_workflows
    from metstandards.repository.gitlab_ci import read_pipeline

    github = read_workflows(repo)
    gitlab = read_pipeline(repo)
    return CI(
        jobs=github.jobs + gitlab.jobs,
        includes=gitlab.includes,
        problems=github.problems + gitlab.problems,
        files=github.files + gitlab.files,
    )


# -- the questions the checks ask -------------------------------------------------------------

#: CI runs metstandards: its reusable workflow or component, or `metstandards check`.
CALLS_METSTANDARDS = Query(blocks=("metstandards",), programs=(("metstandards", ("check",)),))
#: CI runs the tests.
RUNS_TESTS = Query(blocks=("python-ci",), tests=True, workflow_words=("pytest",))
#: CI scans a container image.
SCANS_IMAGES = Query(
    blocks=("container-scan",),
    programs=(("trivy", ("image",)), ("grype", ())),
    actions=("aquasecurity/trivy-action", "anchore/scan-action"),
    image_words=("aquasec/trivy", "anchore/grype"),
    templates=("Container-Scanning",),
)
#: CI has a job on GPU runners.
GPU_JOBS = Query(blocks=("gpu-tests",), runner_word="gpu")
#: CI publishes a package (what is published was built first, or publishing fails).
PUBLISHES = Query(
    blocks=("release",),
    programs=(
        ("twine", ("upload",)),
        ("uv", ("publish",)),
        ("poetry", ("publish",)),
        ("flit", ("publish",)),
        ("hatch", ("publish",)),
        ("pdm", ("publish",)),
    ),
    actions=("pypa/gh-action-pypi-publish",),
    workflow_words=("pypi",),
)
#: CI runs ruff (metstandards check and python-ci run it too).
RUNS_RUFF = Query(
    blocks=("metstandards", "python-ci"),
    programs=(("ruff", ()), ("metstandards", ("check",))),
    actions=("astral-sh/ruff-action", "chartboost/ruff-action"),
)
#: CI runs mypy (metstandards check and python-ci run it too).
RUNS_MYPY = Query(
    blocks=("metstandards", "python-ci"),
    programs=(("mypy", ()), ("dmypy", ()), ("metstandards", ("check",))),
)

"""GitLab CI (``.gitlab-ci.yml`` and its local ``include:`` files) as CI jobs.

Files are merged as GitLab merges them, included files first and the including file last, a
later definition of a job overriding an earlier one key by key; ``extends:`` and
``!reference [job, key]`` are resolved from the merged jobs, ``default:`` (and the old global
``image``/``before_script``/``after_script``) fills what a job leaves out. Includes of other
projects, remote URLs, templates and components are kept as references (for pinning, and
because a metstandards component is how a GitLab pipeline calls metstandards), never fetched.

A job's events come from its ``rules: if:`` or ``only``/``except`` refs; without them a job runs
in branch and tag pipelines, as in GitLab. ``workflow: rules`` and child pipelines
(``trigger:``) are not followed. A project whose CI configuration file is not
``.gitlab-ci.yml`` (a project setting, not a file) is not seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from metstandards.engine.patterns import Patterns
from metstandards.repository.ci import (
    CI,
    COMPONENT,
    MANUAL,
    MERGE_REQUEST,
    OTHER,
    PROJECT,
    PUSH,
    REMOTE,
    SCHEDULE,
    TAG,
    TEMPLATE,
    Command,
    Job,
    Problem,
    Reference,
)
from metstandards.repository.view import UnreadableFile
from metstandards.repository.yamldoc import (
    as_list,
    as_mapping,
    block_offset,
    item_line,
    key_line,
    strings,
)

if TYPE_CHECKING:
    from metstandards.repository.view import Repository

PIPELINE = ".gitlab-ci.yml"
#: GitLab refuses a pipeline with more included files than this.
MAX_FILES = 150
#: How deep ``extends`` and ``!reference`` chains are followed (GitLab allows 11 and 10).
_MAX_DEPTH = 11
#: Top-level keys of a pipeline that are no job.
GLOBAL_KEYWORDS = frozenset(
    {
        "default",
        "include",
        "stages",
        "variables",
        "workflow",
        "image",
        "services",
        "cache",
        "before_script",
        "after_script",
        "spec",
    }
)
_SCRIPT_KEYS = ("before_script", "script", "after_script")
#: Without rules, a job runs in branch and tag pipelines (scheduled or started by hand too).
_DEFAULT_EVENTS = frozenset({PUSH, TAG, SCHEDULE, MANUAL})
_ALL_EVENTS = _DEFAULT_EVENTS | {MERGE_REQUEST}
_SOURCES = {
    "push": frozenset({PUSH, TAG}),
    "merge_request_event": frozenset({MERGE_REQUEST}),
    "external_pull_request_event": frozenset({MERGE_REQUEST}),
    "schedule": frozenset({SCHEDULE}),
    "web": frozenset({MANUAL}),
    "api": frozenset({MANUAL}),
    "trigger": frozenset({MANUAL}),
}
_ONLY_REFS = {
    "branches": frozenset({PUSH}),
    "tags": frozenset({TAG}),
    "merge_requests": frozenset({MERGE_REQUEST}),
    "external_pull_requests": frozenset({MERGE_REQUEST}),
    "schedules": frozenset({SCHEDULE}),
    "pushes": frozenset({PUSH, TAG}),
    "web": frozenset({MANUAL}),
    "api": frozenset({MANUAL}),
    "triggers": frozenset({MANUAL}),
}


@dataclass(frozen=True)
class _Value:
    """A job's key as some file defined it: the value, the file, and the mapping holding it
    (whose line numbers locate it)."""

    value: Any
    path: str
    owner: Mapping[str, Any]
    key: str

    @property
    def line(self) -> int:
        return key_line(self.owner, self.key)


_Definition = dict[str, _Value]


def read_pipeline(repo: Repository) -> CI:
    """The jobs of the pipeline and its non-local includes; nothing without ``.gitlab-ci.yml``."""
    if not repo.has(PIPELINE):
        return CI()
    reader = _Reader(repo)
    reader.read(PIPELINE)
    definitions: dict[str, _Definition] = {}
    lines: dict[str, tuple[str, int]] = {}
    for path, data in reader.documents:
        for name, value in data.items():
            if str(name) in GLOBAL_KEYWORDS or not isinstance(value, Mapping):
                continue
            own = {str(key): _Value(item, path, value, str(key)) for key, item in value.items()}
            definitions[str(name)] = {**definitions.get(str(name), {}), **own}
            lines[str(name)] = (path, key_line(data, name))
    defaults = _defaults(reader.documents)
    jobs = tuple(
        _job(name, lines[name], _resolved(name, definitions, 0), defaults, definitions)
        for name in definitions
        if not name.startswith(".") and _is_job(_resolved(name, definitions, 0))
    )
    return CI(
        jobs=jobs,
        includes=tuple(reader.includes),
        problems=tuple(reader.problems),
        files=tuple(path for path, _ in reader.documents),
    )


class _Reader:
    """Reads the pipeline file and its local includes, depth first, includes before the file
    that includes them."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.documents: list[tuple[str, Mapping[str, Any]]] = []
        self.includes: list[Reference] = []
        self.problems: list[Problem] = []
        self._read: set[str] = set()

    def read(self, path: str) -> None:
        if path in self._read or len(self._read) >= MAX_FILES:
            return
        self._read.add(path)
        try:
            data = as_mapping(self.repo.yaml(path))
        except UnreadableFile as error:
            self.problems.append(Problem(path, error.why))
            return
        for local in self._includes(path, data):
            self.read(local)
        self.documents.append((path, data))

    def _includes(self, path: str, data: Mapping[str, Any]) -> Iterator[str]:
        """The local files ``data`` includes; other includes are recorded as references."""
        include = data.get("include")
        items = as_list(include)
        for index, item in enumerate(items):
            line = item_line(include, index, key_line(data, "include"))
            if isinstance(item, str):
                remote = item.startswith(("http://", "https://"))
                entry: Mapping[str, Any] = {"remote" if remote else "local": item}
            else:
                entry = as_mapping(item)
            if "local" in entry:
                yield from self._local(path, line, str(entry["local"]))
            elif "component" in entry:
                target, _, ref = str(entry["component"]).rpartition("@")
                if not target:
                    target, ref = ref, ""
                self.includes.append(Reference(path, line, COMPONENT, target, ref))
            elif "project" in entry:
                ref = str(entry.get("ref", ""))
                for file in strings(entry.get("file")) or ("",):
                    target = f"{entry['project']}:{file}"
                    self.includes.append(Reference(path, line, PROJECT, target, ref))
            elif "remote" in entry:
                self.includes.append(Reference(path, line, REMOTE, str(entry["remote"])))
            elif "template" in entry:
                self.includes.append(Reference(path, line, TEMPLATE, str(entry["template"])))

    def _local(self, path: str, line: int, pattern: str) -> Iterator[str]:
        """The tracked files a ``local:`` include names: ``*`` within a folder, ``**`` also in
        the folders below (GitLab's ``configs/**.yml``)."""
        wanted = pattern.strip().lstrip("/")
        if "*" not in wanted:
            if self.repo.has(wanted):
                yield wanted
            else:
                self.problems.append(Problem(path, f"line {line} includes {wanted}, not tracked"))
            return
        matcher = Patterns(["/" + re.sub(r"\*\*(?!/)", "**/*", wanted)])
        yield from (file for file in self.repo.files if matcher.verdict(file, False))


def _defaults(documents: list[tuple[str, Mapping[str, Any]]]) -> _Definition:
    """``default:`` keys, over the deprecated global ``image``, ``before_script``..."""
    found: _Definition = {}
    for path, data in documents:
        for key in ("image", "before_script", "after_script"):
            if key in data:
                found[key] = _Value(data[key], path, data, key)
        default = as_mapping(data.get("default"))
        found.update({str(k): _Value(v, path, default, str(k)) for k, v in default.items()})
    return found


def _resolved(name: str, definitions: Mapping[str, _Definition], depth: int) -> _Definition:
    """The job's keys with what it ``extends`` filled in (a base's keys first)."""
    own = definitions.get(name, {})
    if "extends" not in own or depth >= _MAX_DEPTH:
        return dict(own)
    merged: _Definition = {}
    for base in strings(own["extends"].value):
        if base != name:
            merged.update(_resolved(base, definitions, depth + 1))
    merged.update(own)
    return merged


def _is_job(definition: _Definition) -> bool:
    return "script" in definition or "run" in definition


def _job(
    name: str,
    where: tuple[str, int],
    definition: _Definition,
    defaults: _Definition,
    definitions: Mapping[str, _Definition],
) -> Job:
    def get(key: str) -> _Value | None:
        return definition.get(key) or defaults.get(key)

    commands = [
        command
        for key in _SCRIPT_KEYS
        if (value := get(key)) is not None
        for command in _commands(value, definitions, 0)
    ]
    tags = get("tags")
    image = get("image")
    image_value = image.value if image is not None else None
    if isinstance(image_value, Mapping):
        image_value = image_value.get("name")
    return Job(
        where[0],
        where[1],
        name,
        _events(definition),
        runners=strings(tags.value) if tags is not None else (),
        images=strings(image_value),
        commands=tuple(commands),
    )


def _commands(value: _Value, definitions: Mapping[str, _Definition], depth: int) -> list[Command]:
    """A script key's lines as commands; nested lists are flattened, ``!reference`` resolved."""
    script = value.value
    if isinstance(script, str):
        return [Command(value.path, value.line, script, block_offset(script))]
    found = []
    for index, item in enumerate(as_list(script)):
        line = item_line(script, index, value.line)
        if _is_reference(item) and depth < _MAX_DEPTH:
            target = _reference_target(strings(item), definitions)
            if target is not None:
                found += _commands(target, definitions, depth + 1)
        elif isinstance(item, list) and depth < _MAX_DEPTH:
            found += _commands(_Value(item, value.path, value.owner, value.key), definitions, depth)
        elif isinstance(item, str):
            found.append(Command(value.path, line, item, block_offset(item)))
    return found


def _is_reference(item: object) -> bool:
    return getattr(getattr(item, "tag", None), "value", None) == "!reference"


def _reference_target(
    path: tuple[str, ...], definitions: Mapping[str, _Definition]
) -> _Value | None:
    """What ``!reference [.job, key]`` names (deeper keys are not followed)."""
    if len(path) != 2:
        return None
    return definitions.get(path[0], {}).get(path[1])


def _events(definition: _Definition) -> frozenset[str]:
    """The events of a job from its ``rules`` or ``only``/``except``."""
    if "rules" in definition:
        return _rule_events(definition["rules"].value)
    if "only" in definition:
        only = definition["only"].value
        refs = strings(only.get("refs")) if isinstance(only, Mapping) else strings(only)
        events = _refs_events(refs) if refs else _DEFAULT_EVENTS
    else:
        events = _DEFAULT_EVENTS
    if "except" in definition:
        excluded = definition["except"].value
        refs = strings(excluded.get("refs")) if isinstance(excluded, Mapping) else strings(excluded)
        events -= frozenset().union(*(_ONLY_REFS.get(ref, frozenset()) for ref in refs))
    return events


def _refs_events(refs: tuple[str, ...]) -> frozenset[str]:
    """A branch name or ``/regex/`` may match branches or tags alike."""
    return frozenset().union(*(_ONLY_REFS.get(ref, frozenset({PUSH, TAG})) for ref in refs))


def _rule_events(rules: object) -> frozenset[str]:
    """The events for which some rule adds the job; a ``when: never`` rule takes its events
    away from the rules after it, as GitLab's first-match order does."""
    events: set[str] = set()
    excluded: set[str] = set()
    for item in as_list(rules):
        rule = as_mapping(item)
        condition = rule.get("if")
        matched = _ALL_EVENTS if condition is None else _condition(str(condition))
        if str(rule.get("when", "")) == "never":
            if condition is not None:
                excluded |= matched
        else:
            events |= matched - excluded
    return frozenset(events)


def _condition(text: str) -> frozenset[str]:
    """The events an ``if:`` expression can be true for: alternatives (``||``) of conjunctions
    (``&&``) of the comparisons below; anything else may be true anywhere."""
    found: set[str] = set()
    for alternative in text.split("||"):
        events = set(_ALL_EVENTS)
        for atom in alternative.split("&&"):
            events &= _atom(atom.strip().strip("()").strip())
        found |= events
    return frozenset(found)


#: ``!$VAR``, ``$VAR == null``, ``$VAR == ""``: the variable is not set.
_NEGATED = re.compile(r"^!|==\s*(?:null|\"\"|'')\s*$")
_SOURCE = re.compile(r"\$CI_PIPELINE_SOURCE\s*(==|!=)\s*[\"'](\w+)[\"']")


def _atom(atom: str) -> frozenset[str]:
    source = _SOURCE.search(atom)
    if source is not None:
        named = _SOURCES.get(source.group(2), frozenset({OTHER}))
        return named if source.group(1) == "==" else _ALL_EVENTS - named
    for variable, events in (
        ("$CI_COMMIT_TAG", frozenset({TAG})),
        ("$CI_MERGE_REQUEST_", frozenset({MERGE_REQUEST})),
        ("$CI_COMMIT_BRANCH", frozenset({PUSH, SCHEDULE, MANUAL})),
    ):
        if atom.startswith(variable) or atom.startswith("!" + variable):
            return _ALL_EVENTS - events if _NEGATED.search(atom) else events
    return _ALL_EVENTS

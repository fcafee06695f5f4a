"""A repository's ``.pre-commit-config.yaml``: which hooks it runs, from where, on which files.

Read as data only: no hook is installed or run. Each hook keeps the line of its ``id`` and of its
repository's ``rev``, for evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from metstandards.repository.yamldoc import as_list, as_mapping, key_line, strings

if TYPE_CHECKING:
    from metstandards.repository.view import Repository

PATH = ".pre-commit-config.yaml"


@dataclass(frozen=True)
class Hook:
    """One hook of the configuration, with the repository entry it comes from."""

    id: str
    line: int
    #: The ``repo:`` URL, or ``local`` / ``meta``.
    repo: str
    rev: str
    rev_line: int
    #: ``entry`` of a local hook ("" for a hook defined by its repository).
    entry: str
    #: The stages it runs at; empty means pre-commit's default (every stage it supports).
    stages: tuple[str, ...]
    files: str
    exclude: str

    @property
    def manual_only(self) -> bool:
        """Whether it runs only when asked for (``stages: [manual]``), never by itself."""
        return bool(self.stages) and set(self.stages) <= {"manual"}


@dataclass(frozen=True)
class PreCommitConfig:
    """The hooks of ``.pre-commit-config.yaml`` in order, and its top-level file filters."""

    hooks: tuple[Hook, ...]
    files: str = ""
    exclude: str = "^$"

    def find(self, wanted: Callable[[Hook], bool]) -> list[Hook]:
        return [hook for hook in self.hooks if wanted(hook)]

    def covers(self, hook: Hook, path: str) -> bool:
        """Whether pre-commit passes ``path`` to ``hook``: the configuration's and the hook's
        ``files``/``exclude`` regexes, searched as pre-commit searches them (a regex that does
        not compile covers nothing; the hook's own file types are not known here)."""
        try:
            return (
                re.search(self.files, path) is not None
                and re.search(hook.files, path) is not None
                and re.search(self.exclude, path) is None
                and re.search(hook.exclude, path) is None
            )
        except re.error:
            return False


def read_pre_commit(repo: Repository) -> PreCommitConfig | None:
    """The configuration, None if none is tracked; raises ``UnreadableFile`` if it is broken."""
    if not repo.has(PATH):
        return None
    data = as_mapping(repo.yaml(PATH))
    default_stages = strings(data.get("default_stages"))
    hooks = []
    for entry in as_list(data.get("repos")):
        source = as_mapping(entry)
        url = str(source.get("repo", ""))
        rev = str(source.get("rev", ""))
        rev_line = key_line(source, "rev", key_line(source, "repo"))
        for item in as_list(source.get("hooks")):
            hook = as_mapping(item)
            if "id" in hook:
                hooks.append(_hook(hook, url, rev, rev_line, default_stages))
    return PreCommitConfig(tuple(hooks), str(data.get("files", "")), str(data.get("exclude", "^$")))


def _hook(
    hook: Mapping[str, object], url: str, rev: str, rev_line: int, default: tuple[str, ...]
) -> Hook:
    stages = strings(hook.get("stages")) or default
    return Hook(
        id=str(hook["id"]),
        line=key_line(hook, "id", rev_line),
        repo=url,
        rev=rev,
        rev_line=rev_line,
        entry=str(hook.get("entry", "")),
        stages=stages,
        files=str(hook.get("files", "")),
        exclude=str(hook.get("exclude", "^$")),
    )

"""What ``init`` would change in a repository, and the writing of it.

Everything is compared before anything is written, and a file that already holds other content
is left alone unless the user forces it: a repository's own edits to its workflows or hook
configuration are never lost silently. No path is written through a symbolic link that leads
out of the repository.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from metstandards.scaffold import ScaffoldError, pyproject
from metstandards.scaffold.pin import Pin
from metstandards.scaffold.sources import Sources, fill, hooks_repo_value, placeholders

PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
PYPROJECT = "pyproject.toml"
WORKFLOWS = ".github/workflows"


class Action(str, Enum):
    """What happens to one file."""

    CREATE = "create"
    #: pyproject.toml gets the ``[tool.metstandards]`` section appended.
    APPEND = "append"
    UNCHANGED = "unchanged"
    #: The file exists with other content; only ``--force`` overwrites it.
    CONFLICT = "conflict"


@dataclass(frozen=True)
class FileChange:
    """One file of the plan: its content after the change, and before it (None: no file yet)."""

    relpath: str
    action: Action
    text: str
    old: str | None = None

    def diff(self) -> str:
        """A unified diff from the current content to the planned one."""
        before = [] if self.old is None else self.old.splitlines(keepends=True)
        fromfile = "/dev/null" if self.old is None else f"a/{self.relpath}"
        lines = difflib.unified_diff(
            before, self.text.splitlines(keepends=True), fromfile, f"b/{self.relpath}"
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass(frozen=True)
class InitRequest:
    """What ``init`` was asked to do."""

    root: Path
    pin: Pin
    hooks_repo: str
    workflows: tuple[str, ...]
    sources: Sources


def plan(request: InitRequest) -> list[FileChange]:
    """Every file ``init`` manages, compared with what the repository holds; writes nothing."""
    root = _project_root(request.root)
    offered = request.sources.workflows()
    unknown = [name for name in request.workflows if name not in offered]
    if unknown:
        raise ScaffoldError(
            f"unknown workflow {', '.join(map(repr, unknown))}; available: "
            f"{', '.join(offered) or 'none'}"
        )
    values = placeholders(request.pin, hooks_repo_value(request.hooks_repo))
    changes = [
        _compare(root, PRE_COMMIT_CONFIG, fill(request.sources.hooks_config, values)),
        _pyproject(root),
    ]
    for name in request.workflows:
        changes.append(_compare(root, f"{WORKFLOWS}/{name}.yml", fill(offered[name], values)))
    return changes


def write(root: Path, change: FileChange, *, force: bool) -> None:
    """Carry out ``change``: nothing for an unchanged file, nor for a conflict unless forced."""
    if change.action is Action.UNCHANGED or (change.action is Action.CONFLICT and not force):
        return
    path = _target(Path(os.path.abspath(root)), change.relpath)
    try:
        if change.action is Action.APPEND:
            newline = "\r\n" if b"\r\n" in path.read_bytes() else "\n"
            with path.open("a", encoding="utf-8", newline=newline) as handle:
                handle.write(change.text[len(change.old or "") :])
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(change.text, encoding="utf-8", newline="")
    except OSError as error:
        raise ScaffoldError(f"cannot write {change.relpath}: {error.strerror}") from None


def _project_root(path: Path) -> Path:
    """``path`` as the root ``init`` writes into: a Python project at the top of its repository."""
    root = Path(os.path.abspath(path))
    if not root.is_dir():
        raise ScaffoldError(f"no such directory: {path}")
    if not (root / PYPROJECT).is_file():
        raise ScaffoldError(
            f"{path} is not a Python project: it has no pyproject.toml (run init at the root of "
            "the repository, next to its pyproject.toml)"
        )
    outer = next((parent for parent in root.parents if (parent / ".git").exists()), None)
    if outer is not None and not (root / ".git").exists():
        raise ScaffoldError(
            f"{path} is inside the git repository {outer}, not at its root: pre-commit and "
            "GitHub read .pre-commit-config.yaml and .github/workflows/ only at the root"
        )
    return root


def _target(root: Path, relpath: str) -> Path:
    """``root / relpath``, refused when a symbolic link on the way leads out of ``root``."""
    path = root / relpath
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(os.path.realpath(root)):
        raise ScaffoldError(
            f"refusing to write {relpath}: a symbolic link leads it out of the repository, "
            f"to {real}"
        )
    if path.is_dir():
        raise ScaffoldError(f"cannot write {relpath}: it is a directory")
    return path


def _compare(root: Path, relpath: str, text: str) -> FileChange:
    path = _target(root, relpath)
    if not path.exists():
        return FileChange(relpath, Action.CREATE, text)
    try:
        old = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise ScaffoldError(f"cannot read {relpath}: {error.strerror}") from None
    return FileChange(relpath, Action.UNCHANGED if old == text else Action.CONFLICT, text, old)


def _pyproject(root: Path) -> FileChange:
    old, has_section = pyproject.current(_target(root, PYPROJECT))
    if has_section:
        return FileChange(PYPROJECT, Action.UNCHANGED, old, old)
    return FileChange(PYPROJECT, Action.APPEND, pyproject.with_section(old), old)

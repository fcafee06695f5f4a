"""What ``init`` would change in a repository, and the writing of it.

Everything is compared before anything is written. A file init writes whole is left alone when
it holds other content, unless the user forces it; a file the repository already has for its
own purposes (its pre-commit and Dependabot configurations) gets init's part added and keeps
the rest. A Python CI is not added beside the one a project has, and no pyproject.toml is
created for a setup.py project. No path is written through a symbolic link that leads out of
the repository.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

from metstandards.scaffold import (
    ScaffoldError,
    ci_platform,
    dependabot,
    gitlab_ci,
    pre_commit_config,
    pyproject,
)
from metstandards.scaffold.existing_ci import TestRun, find_test_runs
from metstandards.scaffold.existing_gitlab_ci import find_gitlab_test_runs
from metstandards.scaffold.pin import Pin
from metstandards.scaffold.project import read_project
from metstandards.scaffold.python_ci import python_ci
from metstandards.scaffold.sources import Sources, fill, hooks_repo_value, placeholders

PRE_COMMIT_CONFIG = pre_commit_config.RELPATH
PYPROJECT = "pyproject.toml"
SETUP_FILES = ("setup.py", "setup.cfg")
WORKFLOWS = ".github/workflows"
DEFAULT_WORKFLOWS = ("metstandards", "python-ci")
PYTHON_CI = "python-ci"


class Action(str, Enum):
    """What happens to one file."""

    CREATE = "create"
    #: pyproject.toml gets the ``[tool.metstandards]`` section appended.
    APPEND = "append"
    #: A configuration of the repository's own gets init's part; the rest stays as it is.
    MERGE = "merge"
    UNCHANGED = "unchanged"
    #: The file differs from what init writes; only ``--force`` writes it.
    CONFLICT = "conflict"
    #: Not written, for the reason in the note.
    SKIP = "skip"


@dataclass(frozen=True)
class FileChange:
    """One file of the plan: its content after the change (without ``--force``), and before it
    (None: no file yet)."""

    relpath: str
    action: Action
    text: str
    old: str | None = None
    #: In a conflict, what ``--force`` writes.
    forced: str | None = None
    #: What happens or why, on the file's line of the summary.
    note: str = ""
    #: What ``--force`` does, when it is not overwriting the whole file.
    forced_note: str = ""
    #: What the user should know about this file, below the list of files.
    remarks: tuple[str, ...] = ()
    #: Why a conflict is one, when the diff alone does not say it (shown until forced).
    conflict: str = ""

    def diff(self) -> str:
        """A unified diff from the current content to the planned one (``--force``'s in a
        conflict)."""
        after = self.forced if self.forced is not None else self.text
        before = [] if self.old is None else self.old.splitlines(keepends=True)
        fromfile = "/dev/null" if self.old is None else f"a/{self.relpath}"
        lines = difflib.unified_diff(
            before, after.splitlines(keepends=True), fromfile, f"b/{self.relpath}"
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass(frozen=True)
class InitRequest:
    """What ``init`` was asked to do."""

    root: Path
    pin: Pin
    hooks_repo: str
    #: The caller workflows (GitLab: components) to write; None: the default ones, less
    #: python-ci where the repository's own CI runs the tests.
    workflows: tuple[str, ...] | None
    sources: Sources
    #: ``github`` or ``gitlab``; None: as the repository shows (:mod:`.ci_platform`).
    ci: str | None = None
    #: Where GitLab includes the components from; None: the profile's.
    component_project: str | None = None


def plan(request: InitRequest) -> list[FileChange]:
    """Every file ``init`` manages, compared with what the repository holds; writes nothing."""
    root = _project_root(request.root)
    choice = ci_platform.choose(root, request.ci)
    on_gitlab = choice.platform == ci_platform.GITLAB
    offered = request.sources.components() if on_gitlab else request.sources.workflows()
    unknown = [name for name in request.workflows or () if name not in offered]
    if unknown:
        kind = "component" if on_gitlab else "workflow"
        raise ScaffoldError(
            f"unknown {kind} {', '.join(map(repr, unknown))}; available: "
            f"{', '.join(offered) or 'none'}"
        )
    hooks_repo = hooks_repo_value(request.hooks_repo)
    values: dict[str, str | None] = dict(placeholders(request.pin, hooks_repo))
    pyproject_change, pyproject_text = _pyproject(root)
    changes = [_pre_commit(root, request, values, hooks_repo), pyproject_change]
    project = read_project(root, pyproject_text)
    if on_gitlab:
        values["component-project"] = ci_platform.component_project(root, request.component_project)
        names, runs = _components(root, request, offered)
        ci = python_ci(project, caller="the python-ci component")
        values.update(ci.placeholders())
        remarks = _gitlab_remarks(choice, runs, ci.remarks if PYTHON_CI in names else ())
        if names:
            changes.append(_gitlab_ci(root, request, values, names, offered, remarks))
        return changes
    names, skipped = _workflows(root, request)
    ci = python_ci(project)
    values.update(ci.placeholders())
    for name in names:
        change = _compare(root, f"{WORKFLOWS}/{name}.yml", fill(offered[name], values))
        if name == PYTHON_CI and change.action is not Action.UNCHANGED:
            change = replace(change, remarks=ci.remarks)
        changes.append(change)
    if skipped is not None:
        changes.append(skipped)
    if names:
        changes.append(_dependabot(root, request.sources))
    return changes


def write(root: Path, change: FileChange, *, force: bool) -> None:
    """Carry out ``change``: nothing for an unchanged or skipped file, nor for a conflict unless
    forced."""
    if change.action in (Action.UNCHANGED, Action.SKIP):
        return
    if change.action is Action.CONFLICT and not force:
        return
    path = _target(Path(os.path.abspath(root)), change.relpath)
    try:
        if change.action is Action.APPEND:
            newline = "\r\n" if b"\r\n" in path.read_bytes() else "\n"
            with path.open("a", encoding="utf-8", newline=newline) as handle:
                handle.write(change.text[len(change.old or "") :])
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            text = change.forced if change.forced is not None else change.text
            path.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise ScaffoldError(f"cannot write {change.relpath}: {error.strerror}") from None


def _project_root(path: Path) -> Path:
    """``path`` as the root ``init`` writes into: a Python project at the top of its repository."""
    root = Path(os.path.abspath(path))
    if not root.is_dir():
        raise ScaffoldError(f"no such directory: {path}")
    if not any((root / name).is_file() for name in (PYPROJECT, *SETUP_FILES)):
        raise ScaffoldError(
            f"{path} is not a Python project: it has no pyproject.toml, setup.py or setup.cfg "
            "(run init at the root of the repository, next to them)"
        )
    outer = next((parent for parent in root.parents if (parent / ".git").exists()), None)
    if outer is not None and not (root / ".git").exists():
        raise ScaffoldError(
            f"{path} is inside the git repository {outer}, not at its root: pre-commit, GitHub "
            "and GitLab read .pre-commit-config.yaml, .github/ and .gitlab-ci.yml only at the root"
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


def _read(path: Path, relpath: str) -> str:
    """The file's text with its line ends as they are (it may be merged into and written back)."""
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as error:
        raise ScaffoldError(f"cannot read {relpath}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ScaffoldError(f"{relpath} is not UTF-8 text; fix it first") from None


def _compare(root: Path, relpath: str, text: str) -> FileChange:
    path = _target(root, relpath)
    if not path.exists():
        return FileChange(relpath, Action.CREATE, text)
    try:
        old = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise ScaffoldError(f"cannot read {relpath}: {error.strerror}") from None
    if old == text:
        return FileChange(relpath, Action.UNCHANGED, text, old)
    note = "holds other content; left as it is"
    return FileChange(relpath, Action.CONFLICT, old, old, forced=text, note=note)


def _pre_commit(
    root: Path, request: InitRequest, values: dict[str, str | None], hooks_repo: str
) -> FileChange:
    """The whole recipe for a repository without a configuration; else merged into its own."""
    recipe = fill(request.sources.hooks_config, values)
    path = _target(root, PRE_COMMIT_CONFIG)
    if not path.exists():
        return FileChange(PRE_COMMIT_CONFIG, Action.CREATE, recipe)
    old = _read(path, PRE_COMMIT_CONFIG)
    merged = pre_commit_config.merge(old, recipe, request.pin, hooks_repo)
    if merged.forced is not None:
        return FileChange(
            PRE_COMMIT_CONFIG,
            Action.CONFLICT,
            old,
            old,
            forced=merged.forced,
            note=merged.note,
            forced_note="replaces its metstandards entry with the recipe's",
            remarks=merged.remarks,
            conflict=merged.conflict,
        )
    if merged.text == old:
        return FileChange(PRE_COMMIT_CONFIG, Action.UNCHANGED, old, old)
    return FileChange(
        PRE_COMMIT_CONFIG, Action.MERGE, merged.text, old, note=merged.note, remarks=merged.remarks
    )


def _pyproject(root: Path) -> tuple[FileChange, str | None]:
    """pyproject.toml with ``[tool.metstandards]``, and its text (None: the project has none)."""
    path = _target(root, PYPROJECT)
    if not path.exists():
        remark = (
            "pyproject.toml was not created: a pyproject.toml can change how pip builds a "
            "setup.py project (older pip builds it in the current environment without one, and "
            "in an isolated one with one, where a setup.py that imports numpy or Cython fails). "
            "metstandards applies the wg3 profile's defaults; to change a setting, add a "
            "[tool.metstandards] section to a pyproject.toml, with a [build-system] table whose "
            "requires lists what setup.py imports."
        )
        note = "not created: the project is built from setup.py or setup.cfg"
        return FileChange(PYPROJECT, Action.SKIP, "", note=note, remarks=(remark,)), None
    old, has_section = pyproject.current(path)
    if has_section:
        return FileChange(PYPROJECT, Action.UNCHANGED, old, old), old
    change = FileChange(
        PYPROJECT, Action.APPEND, pyproject.with_section(old), old, note="adds [tool.metstandards]"
    )
    return change, old


def _workflows(root: Path, request: InitRequest) -> tuple[tuple[str, ...], FileChange | None]:
    """The callers to write: as asked, else the default ones without python-ci when the
    repository's own workflows run the tests (and the line that says so)."""
    if request.workflows is not None:
        return request.workflows, None
    relpath = f"{WORKFLOWS}/{PYTHON_CI}.yml"
    runs = find_test_runs(root, own=request.pin.repository, skip=relpath)
    if not runs:
        return DEFAULT_WORKFLOWS, None
    more = f"; and {len(runs) - 1} more" if len(runs) > 1 else ""
    remark = (
        f"{relpath} was not written: the project's own CI runs the tests ({runs[0]}{more}), "
        "and init adds no second Python CI beside it. To add it anyway: metstandards init "
        f"--workflows {','.join(DEFAULT_WORKFLOWS)}"
    )
    names = tuple(name for name in DEFAULT_WORKFLOWS if name != PYTHON_CI)
    skipped = FileChange(
        relpath, Action.SKIP, "", note="the project's own CI runs the tests", remarks=(remark,)
    )
    return names, skipped


def _components(
    root: Path, request: InitRequest, offered: dict[str, Path]
) -> tuple[tuple[str, ...], list[TestRun]]:
    """The GitLab components to include: as asked, else the default ones without python-ci
    when the repository's own GitLab CI runs the tests (and the evidence of that)."""
    if request.workflows is not None:
        return request.workflows, []
    runs = find_gitlab_test_runs(root, known=offered)
    if not runs:
        return DEFAULT_WORKFLOWS, []
    return tuple(name for name in DEFAULT_WORKFLOWS if name != PYTHON_CI), runs


def _gitlab_remarks(
    choice: ci_platform.Choice, runs: list[TestRun], python_ci_remarks: tuple[str, ...]
) -> tuple[str, ...]:
    """Why GitLab was chosen (when init chose it), why python-ci is not included, and how the
    python-ci component was fitted to the project."""
    remarks = list(python_ci_remarks)
    if choice.reason:
        remarks.insert(
            0,
            f"CI: GitLab, since {choice.reason}; `metstandards init --ci github` writes GitHub "
            "Actions workflows instead.",
        )
    if runs:
        more = f"; and {len(runs) - 1} more" if len(runs) > 1 else ""
        remarks.append(
            f"The python-ci component was not included: the project's own CI runs the tests "
            f"({runs[0]}{more}), and init adds no second Python CI beside it. To add it anyway: "
            f"metstandards init --ci gitlab --workflows {','.join(DEFAULT_WORKFLOWS)}"
        )
    return tuple(remarks)


def _gitlab_ci(
    root: Path,
    request: InitRequest,
    values: dict[str, str | None],
    names: tuple[str, ...],
    offered: dict[str, Path],
    remarks: tuple[str, ...],
) -> FileChange:
    """.gitlab-ci.yml with the components: the shipped file, or the repository's own with
    init's include entries added or moved to the pinned release."""
    relpath = gitlab_ci.RELPATH
    entries = {name: fill(offered[name], values) for name in names}
    path = _target(root, relpath)
    if not path.exists():
        text = gitlab_ci.compose(fill(request.sources.gitlab_head, values), entries)
        return FileChange(relpath, Action.CREATE, text, remarks=remarks)
    old = _read(path, relpath)
    merged = gitlab_ci.merge(old, entries, request.pin, offered)
    if merged.forced is not None:
        return FileChange(
            relpath,
            Action.CONFLICT,
            old,
            old,
            forced=merged.forced,
            note=merged.note,
            forced_note="rewrites include: as a list, with the metstandards components",
            remarks=(*remarks, *merged.remarks),
            conflict=merged.conflict,
        )
    if merged.text == old:
        return FileChange(relpath, Action.UNCHANGED, old, old)
    told = (*remarks, *merged.remarks)
    return FileChange(relpath, Action.MERGE, merged.text, old, note=merged.note, remarks=told)


def _dependabot(root: Path, sources: Sources) -> FileChange:
    """Dependabot's configuration, which keeps the pins of the workflows current."""
    relpath = dependabot.relpath(root)
    template = fill(sources.dependabot, {})
    path = _target(root, relpath)
    if not path.exists():
        return FileChange(relpath, Action.CREATE, template)
    old = _read(path, relpath)
    merged = dependabot.merge(old, template, relpath)
    if not merged.added:
        return FileChange(relpath, Action.UNCHANGED, old, old)
    kept = f"keeps its {merged.kept} other update{'' if merged.kept == 1 else 's'}"
    note = f"adds the {' and '.join(merged.added)} updates; {kept}"
    return FileChange(relpath, Action.MERGE, merged.text, old, note=note)

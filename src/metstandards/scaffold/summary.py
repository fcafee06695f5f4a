"""The text ``init`` prints, and its exit status: a pure function of the plan."""

from __future__ import annotations

from collections.abc import Sequence

from metstandards.scaffold.plan import Action, FileChange

_DONE = {Action.CREATE: "created", Action.APPEND: "updated", Action.UNCHANGED: "unchanged"}
_PLANNED = {Action.CREATE: "would create", Action.APPEND: "would update"}
_NOTES = {
    Action.APPEND: " (adds [tool.metstandards])",
    Action.CONFLICT: " (holds other content; left as it is)",
}


def _verb(action: Action, *, dry_run: bool, force: bool) -> str:
    if action is Action.CONFLICT:
        if not force:
            return "would change"
        return "would overwrite" if dry_run else "overwritten"
    return _PLANNED.get(action, "unchanged") if dry_run else _DONE[action]


def _describe(change: FileChange, *, dry_run: bool, force: bool) -> list[str]:
    """The file's line, and its diff where it differs and is not (or not yet) written."""
    verb = _verb(change.action, dry_run=dry_run, force=force)
    note = "" if change.action is Action.CONFLICT and force else _NOTES.get(change.action, "")
    lines = [f"{verb:<16}{change.relpath}{note}"]
    if change.action is Action.CONFLICT or (dry_run and change.action is not Action.UNCHANGED):
        lines.append(change.diff().rstrip("\n"))
    return lines


def _conclusion(changes: Sequence[FileChange], *, dry_run: bool, force: bool) -> tuple[str, int]:
    conflicts = sum(change.action is Action.CONFLICT for change in changes)
    if conflicts and not force:
        files, kept = ("file differs", "was") if conflicts == 1 else ("files differ", "were")
        return (
            f"{conflicts} {files} from what init writes (diff above) and {kept} not changed: "
            "re-run with --force to overwrite.",
            1,
        )
    if all(change.action is Action.UNCHANGED for change in changes):
        return "Up to date: nothing to change.", 0
    if dry_run:
        return "", 0
    return (
        "Next: commit these files and run `pre-commit install`, which installs the commit and "
        "the push hooks.",
        0,
    )


def summarize(changes: Sequence[FileChange], *, dry_run: bool, force: bool) -> tuple[str, int]:
    """One line per file with the diffs that matter, the conclusion, and the exit status: 1 when
    a file that differs was left as it is."""
    lines = [line for c in changes for line in _describe(c, dry_run=dry_run, force=force)]
    if dry_run:
        lines.append("Dry run: nothing was written.")
    conclusion, status = _conclusion(changes, dry_run=dry_run, force=force)
    return "\n".join([*lines, conclusion] if conclusion else lines) + "\n", status

"""The text ``init`` prints, and its exit status: a pure function of the plan."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from metstandards.scaffold.plan import Action, FileChange

_DONE = {
    Action.CREATE: "created",
    Action.APPEND: "updated",
    Action.MERGE: "updated",
    Action.UNCHANGED: "unchanged",
    Action.SKIP: "skipped",
}
_PLANNED = {
    Action.CREATE: "would create",
    Action.APPEND: "would update",
    Action.MERGE: "would update",
}
_WIDTH = 100


def _verb(change: FileChange, *, dry_run: bool, force: bool) -> str:
    if change.action is Action.CONFLICT:
        if not force:
            return "would change"
        if change.forced_note:
            return "would update" if dry_run else "updated"
        return "would overwrite" if dry_run else "overwritten"
    return _PLANNED.get(change.action, _DONE[change.action]) if dry_run else _DONE[change.action]


def _describe(change: FileChange, *, dry_run: bool, force: bool) -> list[str]:
    """The file's line, and its diff where it differs and is not (or not yet) written."""
    verb = _verb(change, dry_run=dry_run, force=force)
    note = change.note
    if change.action is Action.CONFLICT and force:
        note = change.forced_note
    lines = [f"{verb:<16}{change.relpath}{f' ({note})' if note else ''}"]
    nothing_to_show = (Action.UNCHANGED, Action.SKIP)
    if change.action is Action.CONFLICT or (dry_run and change.action not in nothing_to_show):
        lines.append(change.diff().rstrip("\n"))
    return lines


def _remarks(changes: Sequence[FileChange], *, force: bool) -> list[str]:
    """What the user should know about the files that change or are left out, one item each."""
    remarks = []
    for change in changes:
        if change.action is not Action.UNCHANGED:
            remarks += [change.conflict] if change.conflict and not force else []
            remarks += change.remarks
    return [
        textwrap.fill(
            remark,
            _WIDTH,
            initial_indent="- ",
            subsequent_indent="  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        for remark in remarks
    ]


def _conclusion(changes: Sequence[FileChange], *, dry_run: bool, force: bool) -> tuple[str, int]:
    conflicts = sum(change.action is Action.CONFLICT for change in changes)
    if conflicts and not force:
        files, kept = ("file differs", "was") if conflicts == 1 else ("files differ", "were")
        return (
            f"{conflicts} {files} from what init writes (diff above) and {kept} not changed: "
            "re-run with --force to apply the diff (it replaces only what init owns: the files "
            "it writes whole, its own entry in .pre-commit-config.yaml, and an include: of "
            ".gitlab-ci.yml that must become a list to take its entries).",
            1,
        )
    if all(change.action in (Action.UNCHANGED, Action.SKIP) for change in changes):
        return "Up to date: nothing to change.", 0
    if dry_run:
        return "", 0
    return "Next: commit these files, then run `pre-commit install`.", 0


def summarize(changes: Sequence[FileChange], *, dry_run: bool, force: bool) -> tuple[str, int]:
    """One line per file with the diffs that matter, what the user should know, the conclusion,
    and the exit status: 1 when a file that differs was left as it is."""
    lines = [line for c in changes for line in _describe(c, dry_run=dry_run, force=force)]
    remarks = _remarks(changes, force=force)
    if remarks:
        lines += ["", *remarks]
    if dry_run:
        lines.append("Dry run: nothing was written.")
    conclusion, status = _conclusion(changes, dry_run=dry_run, force=force)
    return "\n".join([*lines, conclusion] if conclusion else lines) + "\n", status

"""The quick fix that silences a finding: a suppression comment on its line.

The comment goes on the finding's first line, or on its last where the first cannot end in a
comment (it ends inside a string that goes on, or in a backslash continuation): the engine
honours a suppression on either (``runner``/``suppressions``). An existing comment is kept and
extended: ``# noqa: S301`` becomes ``# noqa: S301, MS202``, ``# metstandards: ignore[MS301]``
becomes ``# metstandards: ignore[MS301, MS202]``, and any other comment (a blanket ``# noqa``,
``# type: ignore``, a remark) gets ``  # noqa: MS202`` after it, which every tool that reads noqa
finds there. A line without a comment gets ``  # noqa: MS202``.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from metstandards.engine.suppressions import _NOQA, _OURS


@dataclass(frozen=True)
class Edit:
    """Replace characters ``start`` to ``end`` of ``line`` (0-based; columns in characters,
    ``end`` at most the line's length without its line break) by ``text``."""

    line: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Layout:
    """Per line (0-based): where its comment starts, if it has one; which lines cannot end in a
    comment (inside a string that goes on, or continued by a backslash)."""

    comments: dict[int, int]
    blocked: set[int]


def _layout(lines: Sequence[str]) -> _Layout | None:
    """The comments and blocked lines, from Python's tokenizer; None where the text does not
    tokenize (a half-typed string): then no fix is offered rather than a wrong one."""
    comments: dict[int, int] = {}
    blocked: set[int] = set()
    text = "".join(lines)
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0] - 1] = token.start[1]
            elif token.start[0] < token.end[0] and token.type not in (
                tokenize.NL,
                tokenize.NEWLINE,
            ):
                blocked.update(range(token.start[0] - 1, token.end[0] - 1))
    except (tokenize.TokenError, SyntaxError):
        return None
    for number, line in enumerate(lines):
        if number not in comments and _code(line).endswith("\\"):
            blocked.add(number)
    return _Layout(comments, blocked)


def _code(line: str) -> str:
    return line.rstrip("\r\n").rstrip()


def suppression_edit(lines: Sequence[str], line: int, end_line: int, code: str) -> Edit | None:
    """The edit that silences ``code`` for a finding on 1-based lines ``line`` to ``end_line``
    of ``lines`` (with their line breaks), or None when neither line can carry the comment."""
    layout = _layout(lines)
    if layout is None:
        return None
    for row in dict.fromkeys((line - 1, end_line - 1)):
        if 0 <= row < len(lines) and row not in layout.blocked:
            return _edit(lines[row].rstrip("\r\n"), row, layout.comments.get(row), code)
    return None


def _edit(text: str, row: int, comment_at: int | None, code: str) -> Edit | None:
    """The edit of one line; None where its comment already names ``code``."""
    comment = text[comment_at:] if comment_at is not None else ""
    noqa = _NOQA.search(comment)
    ours = _OURS.search(comment)
    if comment_at is None or (noqa is None and (ours is None or ours.group(1) != "ignore")):
        end = len(text.rstrip())  # a new comment, after the code or after the other comment
        return Edit(row, end, len(text), f"  # noqa: {code}")
    if noqa is not None:
        named = [c.upper() for c in re.split(r"[\s,]+", noqa.group(1))]
        at, addition = comment_at + noqa.end(1), f", {code}"
    else:
        assert ours is not None
        listed = ours.group(2)
        named = [c.strip().upper() for c in (listed or "").split(",")]
        if listed is None:
            at, addition = comment_at + ours.end(1), f"[{code}]"
        else:
            at, addition = comment_at + ours.end(2), f", {code}" if listed.strip() else code
    # A comment that already names the code does not silence this finding: nothing to add.
    return None if code in named else Edit(row, at, at, addition)

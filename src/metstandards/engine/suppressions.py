"""Suppression comments: ``# metstandards: ignore[MS202]``, ``# noqa: MS202`` and the file form.

Comments are read with :mod:`tokenize`, so a ``# noqa`` inside a string never counts, and only
for files whose text mentions a marker at all. ``# noqa`` codes that belong to other tools
(``S301``, ``F401``) are left alone; a blanket ``# noqa`` does not silence metstandards, and a
bandit/ruff ``# noqa: S301`` does not silence MS202.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

_OURS = re.compile(r"#\s*metstandards\s*:\s*(ignore-file|ignore)\b\s*(?:\[([^\]]*)\])?", re.I)
_NOQA = re.compile(r"#\s*noqa\s*:\s*([A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*)", re.I)
_CODE_LIKE = re.compile(r"^[A-Z]+[0-9]+$")


@dataclass(frozen=True)
class Suppression:
    """One code named by one comment; ``form`` "ignore-file" covers the whole file."""

    line: int
    column: int
    code: str
    form: str  # "ignore", "ignore-file" or "noqa"


def _comments(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                found.append((token.start[0], token.start[1] + 1, token.string))
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def parse_suppressions(text: str, known_prefixes: frozenset[str]) -> list[Suppression]:
    """Every suppression in ``text``. Codes in ``# noqa`` count only with a prefix we own."""
    lowered = text.lower()
    if "metstandards" not in lowered and "noqa" not in lowered:
        return []
    result: list[Suppression] = []
    for line, column, comment in _comments(text):
        for match in _OURS.finditer(comment):
            form = match.group(1).lower()
            codes = [c.strip().upper() for c in (match.group(2) or "").split(",") if c.strip()]
            if not codes:
                result.append(Suppression(line, column, "", form))
            for code in codes:
                result.append(Suppression(line, column, code, form))
        for match in _NOQA.finditer(comment):
            for written in re.split(r"[\s,]+", match.group(1).strip()):
                code = written.upper()
                if _CODE_LIKE.match(code) and code.rstrip("0123456789") in known_prefixes:
                    result.append(Suppression(line, column, code, "noqa"))
    return result

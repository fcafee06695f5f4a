"""Gitignore-style patterns, matched the way git matches them (gitignore(5)).

metstandards reads such patterns from ``.gitignore`` files and from its own settings (include,
exclude, test paths, per-file-ignores). The rules are git's: the last matching pattern decides,
``!`` re-includes, a trailing ``/`` matches only directories, a pattern with a ``/`` before its
end is anchored to its base directory, ``**`` spans directories, and whatever lies below a
matched directory is matched with it.

This is a small matcher of our own rather than a library because it sits on the start-up path
of every pre-commit run: it imports nothing beyond ``re``, and a whole pattern list is first
tried as one combined expression, so the usual path, matched by nothing, costs a single search.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_GLOB_CHARS = frozenset("*?[\\")


@dataclass(frozen=True)
class _Pattern:
    """One parsed line. ``body`` is the pattern without ``!``, leading or trailing ``/``."""

    body: str
    anchored: bool
    negated: bool
    directories_only: bool

    @property
    def basename(self) -> str | None:
        """The literal file name this pattern matches at any depth, if it is that simple."""
        if self.anchored or _GLOB_CHARS.intersection(self.body):
            return None
        return self.body

    @property
    def suffix(self) -> str | None:
        """The literal ending of a ``*.ext``-style pattern that matches at any depth."""
        rest = self.body[1:]
        if self.anchored or not self.body.startswith("*") or _GLOB_CHARS.intersection(rest):
            return None
        return rest


def _glob_segment(segment: str) -> str:
    """The regex of one path segment: ``*`` and ``?`` stop at ``/``, ``[...]`` is a class."""
    out: list[str] = []
    index = 0
    while index < len(segment):
        char = segment[index]
        index += 1
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\" and index < len(segment):
            out.append(re.escape(segment[index]))
            index += 1
        elif char == "[":
            start = index + 1 if segment[index : index + 1] in ("!", "^") else index
            # A ``]`` right after the opening bracket is a member, not the end.
            end = segment.find("]", start + 1 if segment[start : start + 1] == "]" else start)
            if end < 0:
                out.append(re.escape(char))
                continue
            body = segment[index:end]
            index = end + 1
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            body = body.replace("[", "\\[").replace("]", "\\]")
            out.append(f"[{'^/' if negate else ''}{body}]")
        else:
            out.append(re.escape(char))
    return "".join(out)


def _regex(pattern: _Pattern) -> str:
    """The regex of a pattern, matched against a path with ``/`` appended for a directory."""
    segments = pattern.body.split("/")
    out = [] if pattern.anchored else ["(?:.*/)?"]
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            out.append(".+" if last else "(?:.*/)?")
        else:
            out.append(_glob_segment(segment) + ("" if last else "/"))
    out.append("/" if pattern.directories_only else "/?")
    return "".join(out)


def _strip_trailing_spaces(line: str) -> str:
    """Trailing spaces are dropped unless the last one is escaped with a backslash."""
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        return stripped + " "
    return stripped


def _parse(line: str) -> _Pattern | None:
    line = _strip_trailing_spaces(line.rstrip("\r\n"))
    if not line or line.startswith("#"):
        return None
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    directories_only = line.endswith("/")
    body = line.rstrip("/")
    if not body.lstrip("/"):
        return None
    return _Pattern(body.lstrip("/"), "/" in body, negated, directories_only)


class Patterns:
    """An ordered list of gitignore-style patterns, relative to one base directory.

    Most lines of a real ``.gitignore`` are a plain name (``build/``, ``.env``) or a ``*.ext``;
    those are answered from a dictionary and a few ``endswith`` calls. The rest form one regex
    with the patterns in reverse order, so its first matching alternative is the last matching
    pattern, which is the one git obeys.
    """

    def __init__(self, lines: Iterable[str]) -> None:
        self._patterns = tuple(filter(None, map(_parse, lines)))
        self._names: dict[str, list[int]] = {}
        self._suffixes: list[tuple[str, int]] = []
        self._complex: list[int] = []
        for index, pattern in enumerate(self._patterns):
            if pattern.basename is not None:
                self._names.setdefault(pattern.basename, []).append(index)
            elif pattern.suffix is not None:
                self._suffixes.append((pattern.suffix, index))
            else:
                self._complex.append(index)
        self._suffix_set = tuple(suffix for suffix, _ in self._suffixes)
        self._order = self._complex[::-1]
        self._regex: re.Pattern[str] | None = None

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def _last_complex_match(self, probe: str) -> int:
        if self._regex is None:
            alternatives = (f"({_regex(self._patterns[i])})" for i in self._order)
            self._regex = re.compile(f"(?:{'|'.join(alternatives)})\\Z", re.DOTALL)
        found = self._regex.match(probe)
        return -1 if found is None or found.lastindex is None else self._order[found.lastindex - 1]

    def verdict(self, relpath: str, is_dir: bool) -> bool | None:
        """True if the last pattern matching ``relpath`` itself includes it, False if it is a
        ``!`` pattern, None if none matches. Directories above ``relpath`` are not looked at."""
        name = relpath.rpartition("/")[2]
        best = -1
        for index in self._names.get(name, ()):
            if is_dir or not self._patterns[index].directories_only:
                best = max(best, index)
        for suffix, index in self._suffixes:
            if (
                index > best
                and name.endswith(suffix)
                and (is_dir or not self._patterns[index].directories_only)
            ):
                best = index
        if self._complex and self._complex[-1] > best:
            best = max(best, self._last_complex_match(relpath + "/" if is_dir else relpath))
        return None if best < 0 else not self._patterns[best].negated

    def matches(self, relpath: str, is_dir: bool = False) -> bool:
        """Whether ``relpath`` or a directory above it is matched, as git decides it: below a
        matched directory nothing can be re-included."""
        parts = relpath.split("/")
        for depth in range(1, len(parts)):
            if self.verdict("/".join(parts[:depth]), True):
                return True
        return bool(self.verdict(relpath, is_dir))

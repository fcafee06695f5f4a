"""Editing a repository's YAML file as text, at the places ruamel.yaml's round-trip parser finds.

ruamel.yaml keeps comments when it loads and dumps a file, but the dump still rewrites what it
considers layout: ``[ python, pyi ]`` becomes ``[python, pyi]``, trailing spaces and a ``---``
line go, and one indentation is applied to the whole file. A team's hook configuration must come
back exactly as it was, so the file is never dumped: it is composed into nodes that know their
line and column, and new lines are spliced in (or a value replaced) at those positions. Every
byte outside an edit stays as it was. The lines added are indented like the file's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from metstandards.scaffold import ScaffoldError

_COMMENT = re.compile(r"\s*#")


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``new`` (an insertion when ``start == end``)."""

    start: int
    end: int
    new: str


@dataclass(frozen=True)
class SeqStyle:
    """How a block sequence of mappings is indented: the column of each item's ``-`` and of the
    item's keys."""

    dash: int
    key: int

    def shifted(self, by: int) -> SeqStyle:
        return SeqStyle(self.dash + by, self.key + by)


@dataclass(frozen=True)
class Document:
    """A YAML file's text (with ``\\n`` line ends) and its composed top-level mapping."""

    text: str
    root: MappingNode
    #: The file used ``\\r\\n`` line ends throughout: they are restored by :meth:`apply`.
    crlf: bool

    @classmethod
    def parse(cls, text: str, relpath: str) -> Document:
        """``text`` composed; a ScaffoldError naming ``relpath`` when it is not one YAML mapping
        in block style."""
        crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
        lf = text.replace("\r\n", "\n") if crlf else text
        try:
            root = YAML(typ="rt").compose(lf)
        except YAMLError as error:
            problem = _first_line(error)
            raise ScaffoldError(f"{relpath} is not valid YAML ({problem}); fix it first") from None
        if not isinstance(root, MappingNode) or root.flow_style:
            raise ScaffoldError(
                f"{relpath} is not a YAML mapping written in block style; init adds to such a "
                "file only"
            )
        return cls(lf, root, crlf)

    def apply(self, edits: Iterable[Edit]) -> str:
        """The text with ``edits`` (which must not overlap) made, in the file's line ends."""
        text = self.text
        for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
            text = text[: edit.start] + edit.new + text[edit.end :]
        return text.replace("\n", "\r\n") if self.crlf else text

    def insert_after(self, node: Node, lines: str) -> Edit:
        """Insert ``lines`` (whole lines) after the line where ``node`` ends."""
        position = line_end(self.text, content_end(node, self.text))
        if position == len(self.text) and self.text and not self.text.endswith("\n"):
            lines = "\n" + lines
        return Edit(position, position, lines)

    def insert_before_line_of(self, node: Node, lines: str) -> Edit:
        """Insert ``lines`` (whole lines) before the line where ``node`` starts."""
        position = self.text.rfind("\n", 0, node.start_mark.index) + 1
        return Edit(position, position, lines)

    def append_items(self, key: Node, value: Node, block: str) -> list[Edit]:
        """``block`` (whole lines) as the last items of the list ``key: value``; after the key
        when the list is empty (``key:`` or ``key: []``, whose brackets go)."""
        items = value.value if isinstance(value, SequenceNode) else []
        if items:
            return [self.insert_after(items[-1], block)]
        edits = [self.insert_after(key, block)]
        if isinstance(value, SequenceNode):
            start = int(value.start_mark.index)
            while self.text[start - 1] == " ":
                start -= 1
            edits.append(Edit(start, int(value.end_mark.index), ""))
        return edits

    def item_lines(self, item: Node, *, with_comments: bool) -> tuple[int, int]:
        """Where the sequence item ``item`` is written: from the start of its ``-`` line (or of
        the comment lines right above it) to the end of its last line."""
        start = self.text.rfind("\n", 0, item.start_mark.index) + 1
        while with_comments and start > 0:
            above = self.text.rfind("\n", 0, start - 1) + 1
            if not _COMMENT.match(self.text[above:start]):
                break
            start = above
        return start, line_end(self.text, content_end(item, self.text))

    def seq_style(self, node: SequenceNode) -> SeqStyle | None:
        """The indentation of a block sequence whose first item is a mapping, else None."""
        if node.flow_style or not node.value or not isinstance(node.value[0], MappingNode):
            return None
        first = node.value[0].start_mark
        line = self.text[self.text.rfind("\n", 0, first.index) + 1 : first.index]
        before = line.rstrip()
        if not before.endswith("-"):
            return None
        return SeqStyle(len(before) - 1, first.column)


def _first_line(error: YAMLError) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return "; ".join(lines[:2]) or type(error).__name__


def get(node: Node | None, key: str) -> Node | None:
    """The value of ``key`` in a mapping node; None when absent or not a mapping."""
    if not isinstance(node, MappingNode):
        return None
    return next((value for k, value in node.value if scalar(k) == key), None)


def keys(node: Node) -> list[str]:
    """The keys of a mapping node that are strings; none for another node."""
    if not isinstance(node, MappingNode):
        return []
    return [value for value in (scalar(k) for k, _ in node.value) if value is not None]


def scalar(node: Node | None) -> str | None:
    """The text of a scalar node; None for anything else."""
    if isinstance(node, ScalarNode) and isinstance(node.value, str):
        return node.value
    return None


def is_null(node: Node | None) -> bool:
    """An empty value (``key:`` with nothing after it) or ``~``/``null``."""
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def content_end(node: Node, text: str) -> int:
    """The index just after the last character written for ``node``.

    A block collection's own end mark lies at the next token, past comments and blank lines
    that belong to what follows, so the end of its last value is used instead; a block scalar
    ends past its trailing blank lines, which are stepped back over.
    """
    while isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    end = int(node.end_mark.index)
    while end > 0 and text[end - 1] in " \t\n":
        end -= 1
    return end


def line_end(text: str, index: int) -> int:
    """The index after the newline that ends the line holding ``index`` (or the text's end)."""
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def reindent(block: str, columns: Mapping[int, int]) -> str:
    """``block`` with its lines moved from the template's columns to the target file's.

    ``columns`` maps a template column (of a ``-``, a key or a comment) to the file's; a column
    between two of them keeps its distance to the one below. On a ``- key`` line both the dash
    and the key move, so the gap after the dash follows the file's style too.
    """
    levels = sorted(columns)

    def target(column: int) -> int:
        below = [level for level in levels if level <= column]
        if not below:
            return column
        return columns[below[-1]] + column - below[-1]

    lines = []
    for line in block.splitlines(keepends=True):
        content = line.lstrip(" ")
        if not content.strip():
            lines.append(content if content.endswith("\n") else line)
            continue
        column = len(line) - len(content)
        dash = re.match(r"-( +)(?=\S)", content)
        if dash is None:
            lines.append(" " * target(column) + content)
            continue
        new_dash = target(column)
        new_key = max(target(column + 1 + len(dash.group(1))), new_dash + 2)
        lines.append(" " * new_dash + "-" + " " * (new_key - new_dash - 1) + content[dash.end() :])
    return "".join(lines)


def style_columns(template: Sequence[SeqStyle], target: Sequence[SeqStyle]) -> dict[int, int]:
    """The column map :func:`reindent` takes, from nested sequence styles of the template to the
    matching ones of the file (outermost first)."""
    columns: dict[int, int] = {}
    for ours, theirs in zip(template, target, strict=True):
        columns[ours.dash] = theirs.dash
        columns[ours.key] = theirs.key
    return columns

"""IPython syntax in a notebook cell made into plain Python, line for line.

A code cell may hold what only IPython understands: line magics (``%matplotlib inline``), shell
escapes (``!pip install xarray``, ``files = !ls``), help (``xr.open_dataset?``, ``??ds``) and
cell magics (``%%bash``, ``%%time``) on the cell's first line. Each such line becomes a
statement that does nothing (``pass``, at the line's indentation, or ``files = None`` for an
assignment from a magic), so the cell parses as Python and every other line keeps its number
and its columns: a finding's position is the same in the cell as in the text checked.

Only lines that start a statement are looked at: a ``%`` or ``!`` inside a string that spans
lines, within brackets or after a backslash is left alone. The body of a cell magic is Python
only for the magics that run it as Python (``%%time``, ``%%capture``...); every line of any
other (``%%bash``, ``%%writefile``, ``%%sql``) becomes ``pass``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: Cell magics whose body IPython runs as Python code.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "python", "python3"})

_CELL_MAGIC = re.compile(r"^%%(\w+)")
#: ``%magic ...``, ``!command``, ``%%magic`` out of place: the whole line is IPython's.
_ESCAPE = re.compile(r"^(\s*)[%!]")
#: ``files = !ls``, ``env = %env``, ``a, b = !cmd``: keep the names, drop the magic.
_ASSIGNED = re.compile(r"^(\s*)([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)\s*=\s*[%!]")
#: ``name?``, ``name??``, ``?name``, ``??name``, ``%magic?``: help, which runs nothing.
_HELP = re.compile(r"^(\s*)(?:\?{1,2}[\w.%]+|[\w.%]+\?{1,2})\s*(?:#.*)?$")
_STRING_START = re.compile(r"""(?i)(?:[rbuf]|rb|br|fr|rf)?('''|\"\"\"|'|")""")


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def lines_of(text: str) -> list[str]:
    """``text``'s lines with their endings, split where Python's tokenizer splits them (at
    ``\n``, ``\r\n`` and ``\r`` only: a form feed is no line break to Python)."""
    return _LINE.findall(text)


def neutralise(source: str) -> str:
    """``source`` (one cell's code) with its IPython syntax replaced, line for line."""
    return "".join(_neutralised(lines_of(source)))


def _neutralised(lines: list[str]) -> Iterator[str]:
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    magic = _CELL_MAGIC.match(lines[first]) if first is not None else None
    if magic is not None and first is not None:
        yield from lines[:first]
        yield _ending(lines[first], "pass")
        body = lines[first + 1 :]
        if magic.group(1) not in PYTHON_CELL_MAGICS:
            yield from (_ending(line, "pass") for line in body)
            return
        lines = body
    scanner = _Scanner()
    for line in lines:
        yield _statement(line) if scanner.at_statement_start else line
        scanner.feed(line)


def _statement(line: str) -> str:
    """A line that starts a statement, with IPython syntax made a no-op."""
    assigned = _ASSIGNED.match(line)
    if assigned is not None:
        return _ending(line, f"{assigned.group(1)}{assigned.group(2)} = None")
    for pattern in (_ESCAPE, _HELP):
        found = pattern.match(line)
        if found is not None:
            return _ending(line, f"{found.group(1)}pass")
    return line


def _ending(line: str, replacement: str) -> str:
    """``replacement`` with ``line``'s line ending (none for the last line of a cell)."""
    ending = line[len(line.rstrip("\r\n")) :]
    return replacement + ending


class _Scanner:
    """Follows strings, brackets and backslash continuations across lines, to tell whether the
    next line starts a statement. A rough lexer: it needs only where strings, comments and
    brackets begin and end, and a mistake can only leave IPython syntax unreplaced (which the
    parser then reports) or replace a line that was not Python anyway."""

    def __init__(self) -> None:
        self.depth = 0
        #: The quote that closes the string still open at the end of the last line, if any.
        self.quote: str | None = None
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> None:
        text = line.rstrip("\r\n")
        self.continued = False
        index = 0
        if self.quote is not None:
            index = self._close(text, 0)
            if self.quote is not None:
                return
        while index < len(text):
            char = text[index]
            if char == "#":
                return
            if char == "\\" and index == len(text) - 1:
                self.continued = True
                return
            opened = _STRING_START.match(text, index)
            if opened is not None and (char in "'\"" or index == 0 or not _word(text[index - 1])):
                self.quote = opened.group(1)
                index = self._close(text, opened.end())
                if self.quote is not None:
                    return
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(self.depth - 1, 0)
            index += 1

    def _close(self, text: str, index: int) -> int:
        """Past the end of the open string in ``text`` from ``index``; the string stays open
        (``quote`` set) when the line ends first. A one-quote string may go on after a trailing
        backslash; without one, it ends with the line (an error the parser reports)."""
        quote = self.quote
        assert quote is not None
        while index < len(text):
            if text[index] == "\\":
                index += 2
                continue
            if text.startswith(quote, index):
                self.quote = None
                return index + len(quote)
            index += 1
        if len(quote) == 1 and not text.endswith("\\"):
            self.quote = None
        return index


def _word(char: str) -> bool:
    """Whether ``char`` can end a name: then a letter after it is no string prefix (``rb"x"``
    is a string, the ``b"x"`` of ``number"x"`` is not)."""
    return char.isalnum() or char == "_"

"""Reporters: pure functions from a lint result to the text of one output format."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from metstandards.engine.runner import LintResult
    from metstandards.findings import Finding

Reporter = Callable[["LintResult", bool], str]
FORMATS = ("text", "json", "sarif", "github", "markdown", "junit", "gitlab")


def reporter(name: str) -> Reporter:
    """The reporter for an output format name (one of ``FORMATS``)."""
    if name not in FORMATS:
        raise ValueError(f"unknown output format {name!r}")
    render: Reporter = importlib.import_module(f"metstandards.reporters.{name}").render
    return render


def cell_place(finding: Finding) -> str:
    """``cell 3, line 2, column 5: `` for a finding in a notebook, "" for any other: what the
    formats whose positions are lines of the file (a notebook's file is JSON) put before the
    message, so that a reader finds the code."""
    if finding.cell is None:
        return ""
    return f"cell {finding.cell}, line {finding.line}, column {finding.column}: "


def plural(count: int, word: str) -> str:
    """``1 file``, ``2 files``."""
    return f"{count} {word}{'s' if count != 1 else ''}"


def files_checked(result: LintResult) -> str:
    """How many files were checked, as "3 files checked", or "2 files checked, 1 file not
    checked": a file that could not be checked (MS000) was looked at, but not checked."""
    missed = len(result.not_checked)
    checked = f"{plural(max(result.files_checked - missed, 0), 'file')} checked"
    return f"{checked}, {plural(missed, 'file')} not checked" if missed else checked


#: Lone surrogates: what Python makes of bytes in a file name that are not UTF-8 (``café.py``
#: written in latin-1 is ``caf\udce9.py``). No encoder writes them, and JSON or XML that holds
#: them is not valid.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # the byte the file system had (Python's surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with each byte that is not UTF-8 shown as a visible ``\\xe9`` escape (what
    Python's ``backslashreplace`` writes), so that every report can be encoded and a reader sees
    which byte the name holds; text without such bytes is returned as it is."""
    return _SURROGATE.sub(_escape_surrogate, text)


def visible_data(value: Any) -> Any:
    """A JSON-ready document with :func:`visible` applied to every string in it, keys too."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible_data(key): visible_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [visible_data(item) for item in value]
    return value


def raw_bytes(text: str) -> bytes:
    """The bytes a path stands for: undecodable bytes back as they were on disk (as
    ``os.fsencode`` gives them), for percent-encoded URIs and hashes."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no file system byte became
        return visible(text).encode("utf-8")

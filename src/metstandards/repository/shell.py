"""Whether a CI shell script runs a given program, read as words, never run.

A script mentions tools in many ways that do not run them (``pip install pytest``, an
``echo``); a program counts as run where it stands in command position: first in a command
(after ``VAR=value`` assignments and wrappers such as ``sudo`` or ``uvx``), after ``-m``
(``python -m pytest``, ``coverage run -m pytest``), or after a ``run`` word (``uv run pytest``,
``poetry run mypy``, ``pipx run twine``) where it is not an option's value.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"&&|\|\||[;|&()`]|\$\(")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_WRAPPERS = frozenset({"sudo", "time", "env", "exec", "nice", "xvfb-run", "uvx", "command"})


def _name(word: str) -> str:
    """A program word without its directory, quotes or version pin (``.venv/bin/ruff``,
    ``ruff==0.8.4``, ``ruff@0.8.4`` are all ``ruff``)."""
    word = word.strip("\"'").rpartition("/")[2]
    return re.split(r"==|@|\[", word, maxsplit=1)[0]


def _positions(words: list[str]) -> list[int]:
    """Indexes of the words that stand in command position."""
    first = 0
    while first < len(words) and (
        _ASSIGNMENT.match(words[first])
        or words[first] in _WRAPPERS
        or (first > 0 and words[first].startswith("-") and words[first - 1] in _WRAPPERS)
    ):
        first += 1
    found = [first]
    for index, word in enumerate(words[:-1]):
        if word == "-m":
            found.append(index + 1)
        elif word == "run":
            found += [
                later
                for later in range(index + 1, len(words))
                if not words[later].startswith("-") and not words[later - 1].startswith("-")
            ]
    return found


def _invokes(words: list[str], program: str, subcommands: tuple[str, ...]) -> bool:
    for position in _positions(words):
        if position >= len(words) or _name(words[position]) != program:
            continue
        if not subcommands:
            return True
        arguments = [word for word in words[position + 1 :] if not word.startswith("-")]
        if arguments and arguments[0] in subcommands:
            return True
    return False


def runs(script: str, program: str, subcommands: tuple[str, ...] = ()) -> int | None:
    """The 0-based line of ``script`` where ``program`` runs (with one of ``subcommands`` as
    its first argument, when given), else None. Comment lines are skipped."""
    for number, line in enumerate(script.splitlines()):
        if line.lstrip().startswith("#") or program not in line:
            continue
        for segment in _SEPARATORS.split(line):
            if _invokes(segment.split(), program, subcommands):
                return number
    return None

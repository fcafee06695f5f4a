"""Whether a CI shell script runs a given program, read as words, never run.

A script mentions tools in many ways that do not run them (``pip install pytest``, an
``echo``); a program counts as run where it stands in command position: first in a command
(after ``VAR=value`` assignments and wrappers such as ``sudo`` or ``uvx``), after ``-m``
(``python -m pytest``, ``coverage run -m pytest``), or after a ``run`` word (``uv run pytest``,
``poetry run mypy``, ``pipx run twine``) where it is not an option's value.

:func:`runs_tests` answers the one question asked of every CI, whether a script runs the tests,
for ``init`` (is there a test job already?) and MS603 alike: a test runner (pytest, tox, nox,
unittest, ``coverage run``, ``hatch test``), directly or through a runner (``uv run``,
``conda run -n env``), or a project's own test task (``make test``, ``hatch run test:cov``,
``pixi run tests``).
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"&&|\|\||[;|&()`]|\$\(")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_WRAPPERS = frozenset({"sudo", "time", "env", "exec", "nice", "xvfb-run", "uvx", "command"})
_ENV = r"(?:\w+=\S*\s+)*"
#: Options, each with the value that may follow it (``-n env``, ``-X dev``).
_OPTIONS = r"(?:-\S+\s+(?:[^-\s]\S*\s+)?)*"
_RUNNERS = r"uv|poetry|pdm|pipenv|rye|hatch|pixi|conda|mamba|micromamba"
#: ``uv run``, ``conda run -n env``: a tool that runs the next command.
_RUNNER = rf"(?:(?:{_RUNNERS})\s+run\s+{_OPTIONS})?"
_PYTHON = rf"(?:python[\d.]*\s+{_OPTIONS}-m\s+)?"
#: A test runner at the start of a command.
_TEST_COMMAND = re.compile(
    rf"""(?:^|&&|\|\||;|\bthen\b|\bdo\b)\s*{_ENV}(?:
        {_RUNNER}{_PYTHON}(?:pytest|py\.test|tox|nox|unittest|coverage\s+run)\b
        | hatch\s+test\b
        | (?:hatch|pixi|pdm|poetry|uv)\s+run\s+tests?\b
        | (?:make|just)\s+tests?\b
    )""",
    re.MULTILINE | re.VERBOSE,
)


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


#: Test runners, as ``runs`` finds programs: wherever a command stands (``xvfb-run pytest``,
#: ``.venv/bin/pytest``), with the subcommand that runs the tests where one is needed.
_TEST_PROGRAMS = (
    ("pytest", ()),
    ("py.test", ()),
    ("tox", ()),
    ("nox", ()),
    ("unittest", ()),
    ("coverage", ("run",)),
    ("hatch", ("test",)),
    ("make", ("test", "tests")),
    ("just", ("test", "tests")),
)


def runs_tests(script: str) -> int | None:
    """The 0-based line of ``script`` where a command runs the tests (see the module docs),
    else None: a test runner where ``runs`` finds programs, or a command that ``_TEST_COMMAND``
    reads (options with or without values before it: ``uv run --frozen pytest``; a project's
    test task: ``hatch run test:cov``). Comment lines are skipped."""
    lines = script.splitlines()
    for number, line in enumerate(lines):
        if line.lstrip().startswith("#"):
            continue
        if _TEST_COMMAND.search(line) or any(
            runs(line, program, subcommands) is not None for program, subcommands in _TEST_PROGRAMS
        ):
            return number
    return None

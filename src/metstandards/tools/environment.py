"""The project's Python environment: where mypy looks for the packages the project imports.

mypy resolves ``import xarray`` against an interpreter's site-packages. The environment
metstandards runs in is the right one only when the project is installed there (as in CI); on a
developer's machine the project's dependencies usually live in its own virtual environment.

The interpreter is the first of: the ``python`` setting of ``[tool.metstandards.mypy]``; an
activated virtual environment (``VIRTUAL_ENV``) other than metstandards' own; the project's
``.venv/`` or ``venv/``; the environment metstandards runs in. mypy runs that interpreter to ask
for its search paths, so an interpreter inside the project is refused when git tracks it (a pull
request could commit a script named ``.venv/bin/python``), and in ``untrusted`` mode always.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from metstandards.tools.process import NotRun

_VENVS = (".venv", "venv")
_BIN = "Scripts" if os.name == "nt" else "bin"
_PYTHON = "python.exe" if os.name == "nt" else "python"


@dataclass(frozen=True)
class Interpreter:
    """The interpreter mypy resolves imports with, and where it came from (for the report)."""

    executable: Path
    origin: str

    @property
    def is_own(self) -> bool:
        """Whether it is the environment metstandards runs in."""
        return _same(self.executable, Path(sys.executable))


def project_interpreter(root: Path, setting: str, *, untrusted: bool) -> Interpreter:
    """The interpreter for the project at ``root`` (see the module docstring); NotRun when the
    ``python`` setting names one that does not exist or may not be run."""
    if setting:
        path = Path(setting) if os.path.isabs(setting) else root / setting
        if not os.path.isfile(path):
            raise NotRun(f"[tool.metstandards.mypy] python: no such interpreter: {setting}")
        _refuse_inside(root, path, untrusted=untrusted)
        return Interpreter(path, "[tool.metstandards.mypy] python")
    active = os.environ.get("VIRTUAL_ENV", "")
    if active and not _same(Path(active), Path(sys.prefix)):
        candidate = Path(active) / _BIN / _PYTHON
        if candidate.is_file() and not _inside(root, candidate):
            return Interpreter(candidate, "the activated virtual environment")
    for name in _VENVS:
        candidate = root / name / _BIN / _PYTHON
        if candidate.is_file() and not untrusted and not _tracked(root, candidate):
            return Interpreter(candidate, f"the project's {name}/")
    return Interpreter(Path(sys.executable), "the environment metstandards runs in")


def _refuse_inside(root: Path, path: Path, *, untrusted: bool) -> None:
    if not _inside(root, path):
        return
    if untrusted:
        raise NotRun(
            f"refused to run {path.relative_to(root)} as mypy's interpreter: it is inside the "
            "checked repository, which is untrusted here (--untrusted)"
        )
    if _tracked(root, path):
        raise NotRun(
            f"refused to run {path.relative_to(root)} as mypy's interpreter: git tracks it, so "
            "it is the repository's code, not an installed environment"
        )


def _inside(root: Path, path: Path) -> bool:
    return Path(os.path.abspath(path)).is_relative_to(os.path.abspath(root))


def _same(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve()
    except OSError:
        return False


def _tracked(root: Path, path: Path) -> bool:
    """Whether git tracks ``path`` or anything under the virtual environment it belongs to.
    git runs hardened: reading the index would otherwise start the repository's
    ``core.fsmonitor`` program."""
    from metstandards.repository.git import GitError, run_git

    relative = os.path.relpath(path, root)
    top = relative.split(os.sep, 1)[0]
    try:
        return bool(run_git(root, "ls-files", "--", top).strip())
    except GitError:
        return False  # no git, or not a repository: nothing is tracked

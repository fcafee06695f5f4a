"""Run every registered repository check on one repository.

All checks share one :class:`Repository`, so git is asked each question once. A check that
raises is an ``error`` verdict carrying the exception's words, never a traceback and never a
pass: one broken check, or one unreadable file, does not stop the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from metstandards.repository.check import RepositoryCheck, Result
from metstandards.repository.registry import load_checks
from metstandards.repository.view import Repository, RepositoryError

__all__ = ["run_check", "run_repository_checks"]


def run_repository_checks(root: Path, settings: Mapping[str, Any]) -> list[Result]:
    """Every registered check's verdict on the repository at ``root``, by code.

    ``settings`` is the effective ``[repository]`` table. Raises ``RegistryError`` when a
    check plugin is broken.
    """
    repo = Repository(root)
    checks = load_checks().checks
    return [run_check(checks[code](settings), repo) for code in sorted(checks)]


def run_check(check: RepositoryCheck, repo: Repository) -> Result:
    """``check``'s verdict on ``repo``; an exception becomes an ``error`` with its words."""
    try:
        result = check.check(repo)
    except RepositoryError as error:
        return check.error(str(error))
    except Exception as error:  # a check, built-in or plugin, may fail in any way
        words = str(error) or "no message"
        return check.error(f"the check failed ({type(error).__name__}: {words})")
    if not isinstance(result, Result) or result.code != check.code:
        return check.error(f"the check returned {type(result).__name__}, not its own Result")
    return result

"""Reporters: pure functions from a lint result to the text of one output format."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from metstandards.check.report import CheckReport
    from metstandards.engine.runner import LintResult

Reporter = Callable[["LintResult", bool], str]
FORMATS = ("text", "json", "sarif", "github", "markdown", "junit")


def reporter(name: str) -> Reporter:
    """The reporter for an output format name (one of ``FORMATS``)."""
    if name not in FORMATS:
        raise ValueError(f"unknown output format {name!r}")
    render: Reporter = importlib.import_module(f"metstandards.reporters.{name}").render
    return render


def as_check_report(result: LintResult) -> CheckReport | None:
    """``result`` if it is ``check``'s report, else None.

    Asked without importing ``check``'s modules, which ``lint`` (run on every commit) does not
    need: a check report exists only once they are imported.
    """
    module = sys.modules.get("metstandards.check.report")
    if module is not None and isinstance(result, module.CheckReport):
        return cast("CheckReport", result)
    return None

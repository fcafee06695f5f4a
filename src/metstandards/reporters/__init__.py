"""Reporters: pure functions from a lint result to the text of one output format."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metstandards.engine.runner import LintResult

Reporter = Callable[["LintResult", bool], str]
FORMATS = ("text", "json", "sarif", "github")


def reporter(name: str) -> Reporter:
    """The reporter for an output format name (one of ``FORMATS``)."""
    if name == "json":
        from metstandards.reporters.json import render
    elif name == "sarif":
        from metstandards.reporters.sarif import render
    elif name == "github":
        from metstandards.reporters.github import render
    else:
        from metstandards.reporters.text import render
    return render

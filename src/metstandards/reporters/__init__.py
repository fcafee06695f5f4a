"""Reporters: pure functions from a lint result to the text of one output format."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metstandards.engine.runner import LintResult

Reporter = Callable[["LintResult", bool], str]
FORMATS = ("text", "json", "sarif", "github", "markdown", "junit")


def reporter(name: str) -> Reporter:
    """The reporter for an output format name (one of ``FORMATS``)."""
    if name not in FORMATS:
        raise ValueError(f"unknown output format {name!r}")
    render: Reporter = importlib.import_module(f"metstandards.reporters.{name}").render
    return render

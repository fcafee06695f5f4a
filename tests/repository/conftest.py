"""Fixtures of the repository checks' tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from metstandards.repository.check import Example
from metstandards.repository.examples import build_example

from ._git import MakeRepo


@pytest.fixture
def make_repo(tmp_path: Path) -> MakeRepo:
    """Build an example (``{path: text}``, tags under ``@tags``) as a committed repository."""
    count = 0

    def make(example: Example) -> Path:
        nonlocal count
        count += 1
        return build_example(tmp_path / f"repo{count}", example)

    return make

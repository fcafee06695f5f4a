"""Fixtures for the engine tests: a project on disk and the real registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from metstandards.registry import Registry

from ._project import Project


@pytest.fixture
def project(tmp_path: Path, registry: Registry) -> Project:
    return Project(tmp_path / "project", registry)

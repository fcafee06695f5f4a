"""Programs kept from past crashes and false results (``crashes/``, each named for what it shows)
go through the same checks as the generated ones: lint raises nothing, uncached, cold and warm
runs agree, and the engine's shortcuts give libcst's answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from metstandards.registry import Registry

from ._pipeline import FuzzProject

KEPT = sorted((Path(__file__).parent / "crashes").glob("*.program"))


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> FuzzProject:
    return FuzzProject(tmp_path_factory.mktemp("crashes"), registry)


def test_crashes_are_kept() -> None:
    assert len(KEPT) >= 1


@pytest.mark.parametrize("program", KEPT, ids=[path.name for path in KEPT])
def test_a_kept_program_holds(fuzz_project: FuzzProject, program: Path) -> None:
    fuzz_project.check(program.read_bytes())

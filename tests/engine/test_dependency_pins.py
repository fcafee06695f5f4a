"""The dependency fence: libcst has an upper bound, and constraints/test.txt pins every package
pyproject.toml names for the test environment at a version inside the range it declares."""

from __future__ import annotations

import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _declared() -> list[Requirement]:
    """Every requirement of the test environment: the dependencies and the test and tools
    extras (the test extra names ``metstandards[tools]``, which is this project)."""
    extras = PROJECT["optional-dependencies"]
    named = [*PROJECT["dependencies"], *extras["test"], *extras["tools"]]
    return [r for r in map(Requirement, named) if canonicalize_name(r.name) != "metstandards"]


def _pins() -> dict[str, list[Version]]:
    """The versions constraints/test.txt pins, by package (two where Python versions differ)."""
    pins: dict[str, list[Version]] = {}
    for line in (ROOT / "constraints" / "test.txt").read_text(encoding="utf-8").splitlines():
        text = line.partition("#")[0].strip()
        if text:
            requirement = Requirement(text)
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", line
            pins.setdefault(canonicalize_name(requirement.name), []).append(
                Version(specifier.version)
            )
    return pins


def test_libcst_has_an_upper_bound() -> None:
    (libcst,) = [r for r in _declared() if r.name == "libcst"]
    assert any(spec.operator == "<" for spec in libcst.specifier), libcst


def test_every_declared_requirement_is_pinned_inside_its_range() -> None:
    pins = _pins()
    for requirement in _declared():
        versions = pins.get(canonicalize_name(requirement.name))
        assert versions, f"{requirement.name} is not pinned in constraints/test.txt"
        for version in versions:
            assert requirement.specifier.contains(version, prereleases=True), (requirement, version)

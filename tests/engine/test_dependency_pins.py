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
    """Every requirement of the test environment: the dependencies, the test extra and the
    extras of this project that it names (``metstandards[tools,server]``), and theirs."""
    extras = PROJECT["optional-dependencies"]
    found: list[Requirement] = []
    pending, seen = [*PROJECT["dependencies"], *extras["test"]], {"test"}
    while pending:
        requirement = Requirement(pending.pop())
        if canonicalize_name(requirement.name) != "metstandards":
            found.append(requirement)
            continue
        for extra in sorted(requirement.extras - seen):
            seen.add(extra)
            pending.extend(extras[extra])
    return found


def test_the_test_extra_brings_the_tools_and_the_language_server() -> None:
    names = {canonicalize_name(r.name) for r in _declared()}
    assert {"ruff", "mypy", "pygls", "pytest-lsp"} <= names


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

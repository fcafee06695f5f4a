"""The inputs of the python-ci caller that depend on the project: the Python versions its tests
run on, and the extra they install.

The versions are the supported CPython releases that the project's ``requires-python`` allows:
a test job on a Python the project excludes fails at ``pip install``, and one on a Python past
its end of life tests what nobody should run. Only an extra the project declares is named: pip
installs a project with an unknown extra anyway, with a warning, but without what the tests
need.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from metstandards.scaffold.project import Project

#: The CPython minor releases that get bug or security fixes; moved with each metstandards
#: release (a new one each October, the oldest leaves five years after its release).
SUPPORTED = ("3.10", "3.11", "3.12", "3.13", "3.14")
#: The extras that hold test dependencies, in the order they are preferred.
TEST_EXTRAS = ("test", "tests", "testing", "dev")


@dataclass(frozen=True)
class PythonCi:
    """The project's values for the caller template, and how they were chosen."""

    versions: tuple[str, ...]
    extra: str | None
    remarks: tuple[str, ...]

    def placeholders(self) -> dict[str, str | None]:
        """``{{python-versions}}`` (a JSON list, as the reusable workflow takes it), the oldest
        of them for the lint and type-check jobs, and ``{{extras}}`` (None: the line goes)."""
        return {
            "python-versions": json.dumps(list(self.versions)),
            "python-version": self.versions[0],
            "extras": self.extra,
        }


def python_ci(project: Project, caller: str = "python-ci.yml") -> PythonCi:
    """The versions and the extra for ``project``, with a remark on each; ``caller`` names what
    takes them (the GitHub caller workflow, or GitLab's python-ci component)."""
    versions, versions_remark = _versions(project)
    extra, extra_remark = _extra(project)
    remarks: tuple[str, ...] = (versions_remark, extra_remark)
    if caller != "python-ci.yml":
        remarks = tuple(
            text.replace("python-ci.yml", caller).replace("the reusable workflow", "the component")
            for text in remarks
        )
    return PythonCi(versions, extra, remarks)


def _versions(project: Project) -> tuple[tuple[str, ...], str]:
    every = f"every supported Python ({SUPPORTED[0]} to {SUPPORTED[-1]})"
    declared = project.requires_python
    if declared is None:
        return SUPPORTED, (
            "python-ci.yml tests on "
            f"{every}: the project declares no requires-python (pyproject.toml [project], "
            "setup.cfg [options] python_requires, or setup.py python_requires=); declaring it "
            "narrows the list."
        )
    where = f"{declared.source} {declared.specifier!r}"
    try:
        specifier = SpecifierSet(declared.specifier)
    except InvalidSpecifier:
        return SUPPORTED, (
            f"python-ci.yml tests on {every}: {where} is not a valid version specifier."
        )
    # setup-python installs a minor's latest patch release; its first one stands in for `==3.11`.
    allowed = tuple(
        minor
        for minor in SUPPORTED
        if any(specifier.contains(f"{minor}.{patch}") for patch in (0, 99))
    )
    if not allowed:
        return SUPPORTED, (
            f"python-ci.yml tests on {every}, but {where} allows none of them: pip will refuse "
            "to install the project there until requires-python allows a supported Python."
        )
    listed = ", ".join(allowed)
    return allowed, f"python-ci.yml tests on Python {listed}: the supported ones {where} allows."


def _extra(project: Project) -> tuple[str | None, str]:
    declared = project.extras
    by_name = {_normalized(name): name for name in (declared.names if declared else ())}
    extra = next((by_name[name] for name in TEST_EXTRAS if name in by_name), None)
    if declared is not None and extra is not None:
        source = declared.source
        return extra, f"python-ci.yml installs the project with its extra {extra!r} ({source})."
    return None, (
        f"python-ci.yml names no extra: the project declares no extra named "
        f"{', '.join(TEST_EXTRAS[:-1])} or {TEST_EXTRAS[-1]}, so the reusable workflow installs "
        "it with its default extra 'test', which pip skips with a warning. Set install-command "
        "in python-ci.yml if the tests need more."
    )


def _normalized(name: str) -> str:
    """An extra's name as PEP 685 compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()

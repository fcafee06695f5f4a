"""What a project declares about itself that init's python-ci caller needs: the Pythons it
supports (``requires-python``) and the extras it can be installed with.

Read statically, field by field, from the first file that declares it: ``pyproject.toml``'s
``[project]`` table, then ``setup.cfg``'s ``[options]``, then literals in ``setup.py``. A
``setup.py`` is parsed with ``ast`` and never run: it can do anything, and it often imports the
packages it builds against.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metstandards._toml import tomllib
from metstandards.gates.legacy_setup import SETUP_PY, load_setup_cfg
from metstandards.gates.python_literals import literal_value, module_literals, parse, setup_keywords
from metstandards.gates.version_files import DeclarationError
from metstandards.scaffold import ScaffoldError

PYPROJECT = "pyproject.toml"


@dataclass(frozen=True)
class RequiresPython:
    """The project's version specifier for Python, and where it is written (for messages)."""

    specifier: str
    source: str


@dataclass(frozen=True)
class Extras:
    """The names of the project's extras, and where they are declared (for messages)."""

    names: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Project:
    """The project's declarations that init uses; None where no file declares one."""

    requires_python: RequiresPython | None
    extras: Extras | None


def read_project(root: Path, pyproject_text: str | None) -> Project:
    """The declarations of the project at ``root`` (``pyproject_text``: its pyproject.toml, read
    and checked already, or None when it has none)."""
    found = [_from_pyproject(pyproject_text), _from_setup_cfg(root), _from_setup_py(root)]
    return Project(
        next((p.requires_python for p in found if p.requires_python is not None), None),
        next((p.extras for p in found if p.extras is not None), None),
    )


def _from_pyproject(text: str | None) -> Project:
    project = tomllib.loads(text).get("project") if text is not None else None
    if not isinstance(project, dict):
        return Project(None, None)
    requires = project.get("requires-python")
    extras = project.get("optional-dependencies")
    return Project(
        _requires(requires, f"{PYPROJECT} requires-python"),
        _names(extras, f"{PYPROJECT} [project.optional-dependencies]"),
    )


def _from_setup_cfg(root: Path) -> Project:
    try:
        cfg = load_setup_cfg(root)
    except DeclarationError as error:
        raise ScaffoldError(f"{error.path}:{error.line}: {error.message}; fix it first") from None
    if cfg is None:
        return Project(None, None)
    requires = cfg.parser.get("options", "python_requires", fallback=None)
    section = "options.extras_require"
    extras = cfg.parser.options(section) if cfg.parser.has_section(section) else None
    return Project(
        _requires(requires, "setup.cfg [options] python_requires"),
        _names(extras, f"setup.cfg [{section}]"),
    )


def _from_setup_py(root: Path) -> Project:
    """``setup(python_requires="...", extras_require={...})`` when written as literals, or as
    module-level names bound to them; anything computed is not read."""
    try:
        tree = parse(root / SETUP_PY)
    except (OSError, SyntaxError, ValueError):
        return Project(None, None)
    keywords = setup_keywords(tree) or {}
    requires = keywords.get("python_requires")
    literal = None if requires is None else literal_value(requires, module_literals(tree))
    extras = keywords.get("extras_require")
    if isinstance(extras, ast.Name):
        extras = _module_dict(tree, extras.id)
    names = None
    if isinstance(extras, ast.Dict):
        names = [key.value for key in extras.keys if isinstance(key, ast.Constant)]
    return Project(
        _requires(literal[0] if literal else None, f"{SETUP_PY} python_requires="),
        _names(names, f"{SETUP_PY} extras_require="),
    )


def _module_dict(tree: ast.Module, name: str) -> ast.Dict | None:
    """The dict literal last bound to ``name`` at module level."""
    found = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            found = node.value if isinstance(node.value, ast.Dict) else None
    return found


def _requires(value: Any, source: str) -> RequiresPython | None:
    """A specifier that is a non-empty string; None otherwise."""
    if not isinstance(value, str) or not value.strip():
        return None
    return RequiresPython(value.strip(), source)


def _names(table: Any, source: str) -> Extras | None:
    """The names of a table of extras that are strings; None when there is no table."""
    if isinstance(table, dict | list):
        return Extras(tuple(name for name in table if isinstance(name, str)), source)
    return None

"""Version strings written as Python literals, read with ``ast``.

The project's code is never imported or run: a release gate must not execute what it judges
(a ``setup.py`` can do anything, and importing a package pulls in its dependencies). A version
that is computed rather than written down is therefore not readable here, which is also what
setuptools and hatch need for their own static reading.
"""

from __future__ import annotations

import ast
from pathlib import Path

#: A literal string and the line it is written on.
StringAt = tuple[str, int]


def parse(path: Path) -> ast.Module:
    """The module at ``path``; ``OSError``, ``SyntaxError`` and ``ValueError`` propagate."""
    return ast.parse(path.read_bytes(), filename=str(path))


def module_literals(tree: ast.Module) -> dict[str, StringAt]:
    """Module-level names bound to a literal string, as execution would leave them.

    ``VERSION = "1.2"; __version__ = VERSION`` binds both names to the literal on its own line
    (where a user would edit it); a later non-literal assignment unbinds the name again.
    """
    found: dict[str, StringAt] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        literal = literal_value(value, found)
        for target in targets:
            if not isinstance(target, ast.Name):
                continue
            if literal is None:
                found.pop(target.id, None)
            else:
                found[target.id] = literal
    return found


def literal_value(node: ast.expr, names: dict[str, StringAt]) -> StringAt | None:
    """A literal string, or a name already bound to one in ``names``; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, node.lineno
    if isinstance(node, ast.Name):
        return names.get(node.id)
    return None


def setup_keywords(tree: ast.Module) -> dict[str, ast.expr] | None:
    """The keyword arguments of the first ``setup(...)`` or ``setuptools.setup(...)`` call."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_setup(node.func):
            return {kw.arg: kw.value for kw in node.keywords if kw.arg is not None}
    return None


def _is_setup(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "setup") or (
        isinstance(func, ast.Attribute) and func.attr == "setup"
    )

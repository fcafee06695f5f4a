"""Resolve names through a module's imports, without scope analysis.

``import numpy as np`` makes ``np.random.default_rng`` resolve to
``numpy.random.default_rng``; a bare name that no import binds resolves to nothing (or to
``builtins.<name>`` for the builtins), so rules never guess from a name alone. Imports anywhere in
the file count (function-local imports are common in ML code that defers heavy imports).
"""

from __future__ import annotations

import builtins

import libcst as cst

_BUILTINS = frozenset(dir(builtins))


def dotted_name(node: cst.CSTNode) -> str | None:
    """``a.b.c`` for a chain of Name/Attribute nodes, else None."""
    # Exact type tests: ``isinstance`` against libcst's abstract node classes goes through
    # ``ABCMeta.__instancecheck__``, and this runs for every call every rule looks at.
    attribute = cst.Attribute
    parts: list[str] = []
    while type(node) is attribute:
        parts.append(node.attr.value)
        node = node.value
    if type(node) is not cst.Name:
        return None
    if not parts:
        return node.value
    parts.append(node.value)
    return ".".join(reversed(parts))


class ImportTable:
    """Local binding name -> fully qualified dotted name, filled as the walk meets imports."""

    __slots__ = ("_bound", "_package", "_resolved")

    def __init__(self, package: str = "") -> None:
        self._bound: dict[str, str] = {}
        self._package = package
        # Every rule resolves the same call's callee; the answers hold until the next import.
        # Keyed by id, with the node kept alive so that its id cannot be reused meanwhile.
        self._resolved: dict[int, tuple[cst.CSTNode, str | None]] = {}

    def add(self, node: cst.Import | cst.ImportFrom) -> None:
        self._resolved.clear()
        if isinstance(node, cst.Import):
            for alias in node.names:
                target = dotted_name(alias.name)
                if target is None:
                    continue
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self._bound[alias.asname.name.value] = target
                else:
                    head = target.split(".", 1)[0]
                    self._bound[head] = head
            return
        if isinstance(node.names, cst.ImportStar):
            return
        module = dotted_name(node.module) if node.module is not None else ""
        if module is None:
            return
        if node.relative:
            module = self._absolute(len(node.relative), module)
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            name = alias.name.value
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self._bound[local] = f"{module}.{name}" if module else name

    def _absolute(self, level: int, module: str) -> str:
        """Turn a relative import into an absolute one where the file's package is known."""
        base = self._package.split(".") if self._package else []
        if level - 1 > len(base) or not self._package:
            return "." * level + module
        kept = base[: len(base) - (level - 1)]
        return ".".join([*kept, module] if module else kept)

    def resolve(self, node: cst.CSTNode) -> str | None:
        """The qualified name ``node`` (a Name or Attribute chain) refers to, or None."""
        known = self._resolved.get(id(node))
        if known is not None:
            return known[1]
        qualified = None
        name = dotted_name(node)
        if name is not None:
            head, dot, rest = name.partition(".")
            bound = self._bound.get(head)
            if bound is not None:
                qualified = f"{bound}{dot}{rest}"
            elif head in _BUILTINS:
                qualified = f"builtins.{name}"
        self._resolved[id(node)] = (node, qualified)
        return qualified

    def binds(self, qualified_prefix: str) -> bool:
        """Whether any import brings in ``qualified_prefix`` or something inside it."""
        return any(
            target == qualified_prefix or target.startswith(qualified_prefix + ".")
            for target in self._bound.values()
        )

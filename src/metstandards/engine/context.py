"""What a rule sees of the file being checked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import libcst as cst

from metstandards.engine.imports import ImportTable
from metstandards.engine.positions import Positions
from metstandards.findings import Finding, Span

if TYPE_CHECKING:
    from metstandards.rule import Role, Rule


class FileContext:
    """One file under check: its tree, imports, enclosing scopes and the findings so far."""

    def __init__(
        self,
        path: str,
        role: Role,
        module: cst.Module,
        package: str,
        options: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.path = path
        self.role = role
        self.module = module
        self.imports = ImportTable(package)
        #: The FunctionDef/ClassDef/Lambda nodes enclosing the node being visited, outermost first.
        self.scopes: list[cst.CSTNode] = []
        self.findings: list[Finding] = []
        #: Rule options set in ``[tool.metstandards.options]``; rules read them via ``option()``.
        self.options: Mapping[str, tuple[str, ...]] = options or {}
        self._positions = Positions(module)

    def span(self, node: cst.CSTNode) -> Span:
        return self._positions.span(node)

    def report(self, rule: Rule, node: cst.CSTNode, message: str) -> None:
        self.findings.append(
            Finding.at(self.path, self.span(node), rule.code, rule.name, rule.severity, message)
        )

"""Small rules the engine tests register next to the built-ins, to test the engine apart from
the rules under development: a project rule that decides over every file, and a per-file rule
with a prefix of its own (``TP``), as a plugin would have."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import libcst as cst

from metstandards.findings import Span
from metstandards.registry import Registry
from metstandards.rule import FileFacts, ProjectFinding, ProjectRule, Role, Rule


class DrawWithoutSeed(ProjectRule):
    """`draw()` in package code while no package file anywhere calls `seed()`."""

    code = "TP901"
    name = "draw-without-seed"

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self._draws: list[list[int]] = []
        self._seeds = 0

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "draw":
            span = self.span(node)
            self._draws.append([span.line, span.column, span.end_line, span.end_column])
        elif isinstance(node.func, cst.Name) and node.func.value == "seed":
            self._seeds += 1

    def facts(self) -> dict[str, Any]:
        return {"draws": self._draws, "seeds": self._seeds}

    @classmethod
    def decide(cls, files: Sequence[FileFacts]) -> Iterable[ProjectFinding]:
        package = [f for f in files if f.role is Role.PACKAGE]
        if any(f.facts["seeds"] for f in package):
            return []
        return [
            ProjectFinding(f.path, Span(*draw), "draw() but nothing seeds")
            for f in package
            for draw in f.facts["draws"]
        ]


class PrintCall(Rule):
    """`print()` in package code."""

    code = "TP101"
    name = "print-call"

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "print":
            self.report(node, "print() in package code")


def with_rules(base: Registry, *rules: type[Rule]) -> Registry:
    """``base`` plus ``rules``, as if a plugin had registered them."""
    return Registry(
        {**base.rules, **{rule.code: rule for rule in rules}},
        {**base.origins, **{rule.code: "metstandards-tests==0" for rule in rules}},
    )

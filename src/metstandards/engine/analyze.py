"""Check one file: parse once, walk once for every rule that applies, keep what is cacheable."""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import libcst as cst

from metstandards.engine.context import FileContext
from metstandards.engine.nesting import nesting_problem
from metstandards.engine.notebook import Cells
from metstandards.engine.suppressions import Suppression, parse_suppressions
from metstandards.engine.walk import walk
from metstandards.findings import Finding, Severity, Span
from metstandards.rule import ProjectRule, Role, Rule
from metstandards.rules.meta.file_not_checked import FileNotChecked

if TYPE_CHECKING:
    from metstandards.engine.walk import Handler

NOT_CHECKED = (FileNotChecked.code, FileNotChecked.name)


@dataclass
class FileResult:
    """Everything the run needs from one file, in a form the cache can store as JSON."""

    path: str
    role: Role
    findings: list[Finding] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    suppressions: list[Suppression] = field(default_factory=list)
    #: A notebook's code cells in the checked text, which findings are located by at the end.
    cells: Cells | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role.value,
            "findings": [f.to_dict() for f in self.findings],
            "facts": self.facts,
            "suppressions": [[s.line, s.column, s.code, s.form] for s in self.suppressions],
            "cells": None if self.cells is None else self.cells.to_json(),
        }

    @classmethod
    def from_json(cls, path: str, data: dict[str, Any]) -> FileResult:
        return cls(
            path,
            Role(data["role"]),
            [Finding.from_dict(f) for f in data["findings"]],
            data["facts"],
            [Suppression(*s) for s in data["suppressions"]],
            None if data.get("cells") is None else Cells.from_json(data["cells"]),
        )


def not_checked(path: str, role: Role, reason: str, line: int = 1, column: int = 1) -> FileResult:
    """The result for a file that could not be checked: one MS000 finding saying why."""
    span = Span(line, column, line, column)
    message = f"file not checked: {reason}"
    finding = Finding.at(path, span, *NOT_CHECKED, Severity.ERROR, message)
    return FileResult(path, role, [finding])


_METHODS: dict[type[Rule], tuple[tuple[str, type[cst.CSTNode], str], ...]] = {}


def _methods(rule_type: type[Rule]) -> tuple[tuple[str, type[cst.CSTNode], str], ...]:
    """(``visit``/``leave``, node type, method name) for every handler a rule class defines."""
    known = _METHODS.get(rule_type)
    if known is not None:
        return known
    found = []
    for attribute in dir(rule_type):
        kind, _, node_name = attribute.partition("_")
        if kind not in ("visit", "leave") or not node_name:
            continue
        node_type = getattr(cst, node_name, None)
        if isinstance(node_type, type) and issubclass(node_type, cst.CSTNode):
            found.append((kind, node_type, attribute))
    _METHODS[rule_type] = tuple(found)
    return _METHODS[rule_type]


def _handlers(
    rules: Sequence[Rule],
) -> tuple[dict[type[cst.CSTNode], list[Handler]], dict[type[cst.CSTNode], list[Handler]]]:
    visitors: dict[type[cst.CSTNode], list[Handler]] = {}
    leavers: dict[type[cst.CSTNode], list[Handler]] = {}
    for rule in rules:
        for kind, node_type, attribute in _methods(type(rule)):
            table = visitors if kind == "visit" else leavers
            table.setdefault(node_type, []).append(getattr(rule, attribute))
    return visitors, leavers


def _syntax_error(path: str, role: Role, data: bytes, error: cst.ParserSyntaxError) -> FileResult:
    """MS000 at the error's position. CPython's parser locates errors more precisely than
    libcst's, so it is asked (only for files that failed) for the position and wording."""
    try:
        ast.parse(data)
    except SyntaxError as python_error:
        line = python_error.lineno or 1
        column = python_error.offset or 1
        return not_checked(path, role, f"syntax error: {python_error.msg}", line, column)
    except ValueError as python_error:  # NUL bytes on Python < 3.12
        return not_checked(path, role, f"syntax error: {python_error}")
    message = error.message.splitlines()[0]
    return not_checked(path, role, f"libcst cannot parse this file: {message}", error.raw_line)


def load_parser() -> None:
    """Import the parser and the position code now, and decide the libcst fences (libcst is
    imported lazily by the CLI): once here, before worker processes fork, not once in each."""
    from metstandards.engine import position_codegen, walk

    cst.parse_module(b"")
    walk.chosen()
    position_codegen.chosen()


def analyze(
    path: str,
    role: Role,
    package: str,
    data: bytes,
    rule_types: Sequence[type[Rule]],
    known_prefixes: frozenset[str],
    options: Mapping[str, tuple[str, ...]] | None = None,
    *,
    by_role: bool = True,
) -> FileResult:
    """Run ``rule_types`` (those that apply to ``role``; all of them without ``by_role``, as
    for a notebook's code, whose rules were chosen by their ``notebooks``) over one file's bytes.

    ``options`` are the project's rule options (``[tool.metstandards.options]``).
    """
    too_deep = nesting_problem(data)
    if too_deep is not None:
        return not_checked(path, role, *too_deep)
    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError as error:
        return _syntax_error(path, role, data, error)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        return not_checked(path, role, f"cannot decode the file: {error}")
    except RecursionError:
        return not_checked(path, role, "nesting too deep for the parser")

    context = FileContext(path, role, module, package, options)
    rules = [r(context) for r in rule_types if not by_role or role in r.roles]
    visitors, leavers = _handlers(rules)
    result = FileResult(path, role, context.findings)
    try:
        walk(module, visitors, leavers, context.imports, context.scopes)
        for rule in rules:
            if isinstance(rule, ProjectRule):
                result.facts[rule.code] = rule.facts()
    except RecursionError:
        return not_checked(path, role, "nesting too deep to check (Python's recursion limit)")
    lowered = data.lower()
    if b"noqa" in lowered or b"metstandards" in lowered:
        text = data.decode(module.encoding, errors="replace")
        result.suppressions = parse_suppressions(text, known_prefixes)
    return result

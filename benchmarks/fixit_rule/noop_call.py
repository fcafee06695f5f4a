"""The cheapest rule Fixit can run: it visits every call and reports nothing.

Linting with this rule alone measures what Fixit's framework costs per file (configuration,
parsing, metadata, the visitor), which is what metstandards is compared against.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst
from fixit import Invalid, LintRule, Valid


class NoopCall(LintRule):
    """Visit every ``Call`` node and do nothing."""

    VALID: ClassVar[list[str | Valid]] = [Valid("print('hello')")]
    INVALID: ClassVar[list[str | Invalid]] = []

    def visit_Call(self, node: cst.Call) -> None:
        pass

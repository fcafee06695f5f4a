"""The one shape every check reports in: a small frozen record, cheap to cache and to sort."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
from functools import total_ordering
from typing import Any


class Severity(str, Enum):
    """How strongly a finding speaks against the standard."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Span:
    """A source range: 1-based lines, 1-based columns, end column exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@total_ordering
@dataclass(frozen=True)
class Finding:
    """One violation, located in a file relative to the project root (POSIX separators).

    In a Jupyter notebook, ``cell`` is the cell's number (1-based, every cell counted, as ruff
    and the notebook's own order count them) and the lines and columns are within that cell;
    elsewhere it is None. Findings sort by path, cell, then position.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    severity: Severity
    message: str
    cell: int | None = None

    def _key(self) -> tuple[str, int, int, int, int, int, str, str, str, str]:
        return (
            self.path,
            0 if self.cell is None else self.cell,
            self.line,
            self.column,
            self.end_line,
            self.end_column,
            self.code,
            self.name,
            self.severity.value,
            self.message,
        )

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Finding):
            return NotImplemented
        return self._key() < other._key()

    @property
    def location(self) -> str:
        """``path:line:column``, or ``path:cell 3:line:column`` in a notebook (as ruff has it)."""
        cell = "" if self.cell is None else f"cell {self.cell}:"
        return f"{self.path}:{cell}{self.line}:{self.column}"

    @classmethod
    def at(
        cls, path: str, span: Span, code: str, name: str, severity: Severity, message: str
    ) -> Finding:
        return cls(
            path,
            span.line,
            span.column,
            span.end_line,
            span.end_column,
            code,
            name,
            severity,
            message,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(**{**data, "severity": Severity(data["severity"])})

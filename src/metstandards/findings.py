"""The one shape every check reports in: a small frozen record, cheap to cache and to sort."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
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


@dataclass(frozen=True, order=True)
class Finding:
    """One violation, located in a file relative to the project root (POSIX separators)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    severity: Severity
    message: str

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

"""The repository-check API: what a built-in or plugin MS6xx check subclasses.

A check is one small class in one module, in the manner of repo-review: ``code``, ``name`` and
the standard ``family`` it belongs to, a docstring in the same fixed sections as the lint rules
(``metstandards explain MS607`` prints it), and example repositories, ``PASSING``, ``FAILING``
and ``NOT_APPLICABLE``, that one generic test builds as git repositories and checks. ``check``
looks at a :class:`~metstandards.repository.view.Repository` and returns one verdict:

- **pass**, with what was found;
- **fail**, with the evidence (file, line or object) and what to do;
- **not applicable**, with why (no Dockerfile, so no container scan is expected);
- **error**: the check could not decide. Never counted as a pass; a check that raises is an
  error with the exception's words.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from metstandards.repository.view import Repository

__all__ = ["DOC_SECTIONS", "Evidence", "Example", "RepositoryCheck", "Result", "Verdict"]

#: The sections, in order, of every check's docstring (the lint rules' layout).
DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Options")

#: An example repository: its files by relative path. The test commits them into a new git
#: repository (``.git`` itself is never an example file).
Example = Mapping[str, str]


class Verdict(str, Enum):
    """How one check ended for one repository."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not-applicable"
    ERROR = "error"


@dataclass(frozen=True)
class Evidence:
    """Where the verdict comes from: a file (and line) of the repository, or an object such as
    a tag or a workflow job, described in ``detail``."""

    path: str = ""
    line: int | None = None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "detail": self.detail}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Evidence:
        return cls(data["path"], data["line"], data["detail"])


@dataclass(frozen=True)
class Result:
    """One check's verdict on one repository."""

    code: str
    name: str
    family: str
    verdict: Verdict
    #: What was found, in a sentence: why it passed, failed, does not apply or could not decide.
    message: str
    evidence: tuple[Evidence, ...] = ()
    #: What to do to pass, for a failure (the check's own advice).
    hint: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "family": self.family,
            "verdict": self.verdict.value,
            "message": self.message,
            "evidence": [item.to_json() for item in self.evidence],
            "hint": self.hint,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Result:
        return cls(
            data["code"],
            data["name"],
            data["family"],
            Verdict(data["verdict"]),
            data["message"],
            tuple(Evidence.from_json(item) for item in data["evidence"]),
            data["hint"],
        )


class RepositoryCheck:
    """A repository check. Subclasses set the class attributes and define :meth:`check`."""

    code: ClassVar[str]
    name: ClassVar[str]
    #: The standard family the check scores in (see ``[audit-weights]`` of the profile).
    family: ClassVar[str]
    #: Example repositories the check passes, fails, and finds not applicable: documentation
    #: and tests at once.
    PASSING: ClassVar[tuple[Example, ...]] = ()
    FAILING: ClassVar[tuple[Example, ...]] = ()
    NOT_APPLICABLE: ClassVar[tuple[Example, ...]] = ()

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        #: The profile's ``[repository]`` table, overridden by the repository's own.
        self.settings: Mapping[str, Any] = settings or {}

    def check(self, repo: Repository) -> Result:
        raise NotImplementedError

    @classmethod
    def summary(cls) -> str:
        """The first line of the docstring: what the check asks for."""
        doc = inspect.cleandoc(cls.__doc__ or "")
        return doc.splitlines()[0] if doc else cls.name

    def passed(self, message: str, *evidence: Evidence) -> Result:
        return Result(self.code, self.name, self.family, Verdict.PASS, message, evidence)

    def failed(self, message: str, *evidence: Evidence, hint: str) -> Result:
        return Result(self.code, self.name, self.family, Verdict.FAIL, message, evidence, hint)

    def not_applicable(self, why: str) -> Result:
        return Result(self.code, self.name, self.family, Verdict.NOT_APPLICABLE, why)

    def error(self, why: str) -> Result:
        return Result(self.code, self.name, self.family, Verdict.ERROR, why)

"""The rule API: what a built-in or plugin rule subclasses.

A rule is one class in one module. Its class docstring is the user's documentation, in fixed
sections (see ``DOC_SECTIONS``); ``VALID`` and ``INVALID`` are code examples that one generic
test runs for every registered rule. The engine calls ``visit_<Node>`` and ``leave_<Node>``
methods for the libcst node types a rule names, in source order, in a single walk shared by all
rules of a file. Names resolve through the file's imports with ``self.qualified_name(node)``;
positions are computed only for nodes that become findings.

Per-file rules report with ``self.report(node, message)``. Project rules (``ProjectRule``) record
JSON-serialisable facts per file and decide over the whole project in ``decide``; their facts are
cached with the file, so a warm run never re-parses an unchanged file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

from metstandards.findings import Severity, Span

if TYPE_CHECKING:
    import libcst as cst

    from metstandards.engine.context import FileContext

__all__ = [
    "DOC_SECTIONS",
    "Example",
    "FileFacts",
    "ProjectFinding",
    "ProjectRule",
    "Role",
    "Rule",
    "Severity",
    "Span",
]

#: The sections, in order, of every rule's docstring (ruff's layout).
DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Options")

#: An example is one module's source (checked as package code at ``pkg/example.py``), or a small
#: project given as ``{relative path: source}`` for rules that decide over several files.
Example: TypeAlias = "str | Mapping[str, str]"


class Role(str, Enum):
    """What a file is to the project; rules choose the roles they apply to."""

    PACKAGE = "package"
    TEST = "test"
    OTHER = "other"


class Rule:
    """A per-file rule. Subclasses set the class attributes and define visitor methods."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    #: The standard a plugin rule belongs to, as the title of its row in ``check``'s summary
    #: (metstandards' own rules are placed by their code's family).
    standard: ClassVar[str] = ""
    roles: ClassVar[frozenset[Role]] = frozenset({Role.PACKAGE})
    #: Whether the rule also checks the code cells of Jupyter notebooks (``.ipynb``), wherever
    #: they lie: ``roles`` are for Python files. A project overrides it with ``notebook-select``
    #: and ``notebook-ignore``. Notebooks are exploration, not the package: rules about what the
    #: package guarantees (seeding, configuration) stay off; rules about what can harm whoever
    #: runs or reads the notebook (unsafe loads, leaked secrets, site paths) are on.
    notebooks: ClassVar[bool] = False
    VALID: ClassVar[Sequence[Example]] = ()
    INVALID: ClassVar[Sequence[Example]] = ()
    #: Settings a project may change in ``[tool.metstandards.options]``: name -> default words.
    #: ``name = [...]`` replaces the default, ``extend-name = [...]`` adds to it.
    OPTIONS: ClassVar[Mapping[str, tuple[str, ...]]] = {}

    def __init__(self, context: FileContext) -> None:
        self.context = context

    def option(self, name: str) -> tuple[str, ...]:
        """The project's value of one of this rule's ``OPTIONS``."""
        return self.context.options.get(name, type(self).OPTIONS[name])

    def qualified_name(self, node: cst.CSTNode) -> str | None:
        """The dotted name ``node`` refers to through the file's imports, or None."""
        return self.context.imports.resolve(node)

    def report(self, node: cst.CSTNode, message: str) -> None:
        self.context.report(self, node, message)

    @classmethod
    def summary(cls) -> str:
        """The first line of the docs: what the rule flags."""
        doc = (cls.__doc__ or "").strip()
        return doc.splitlines()[0].strip() if doc else cls.name


@dataclass(frozen=True)
class FileFacts:
    """What a project rule recorded about one file."""

    path: str
    role: Role
    facts: Any


@dataclass(frozen=True)
class ProjectFinding:
    """A project rule's verdict, located where the user should look."""

    path: str
    span: Span
    message: str


class ProjectRule(Rule):
    """A rule that collects facts in every file and decides over the whole project.

    ``facts()`` is called once a file's walk is done; its result must be JSON-serialisable (it is
    cached). ``decide`` sees the facts of every checked file, package code and tests alike, and
    returns findings; ``lint PATHS`` still collects facts from the whole project.

    Project rules never run in notebooks: they decide over the package and its tests, and a
    notebook is neither (no module imports it, and reading an artifact back in one is no test);
    their ``notebooks`` is not read.
    """

    roles: ClassVar[frozenset[Role]] = frozenset(Role)

    def facts(self) -> Any:
        raise NotImplementedError

    def span(self, node: cst.CSTNode) -> Span:
        """Where ``node`` is, for a fact that may become a finding later."""
        return self.context.span(node)

    @classmethod
    def decide(cls, files: Sequence[FileFacts]) -> Iterable[ProjectFinding]:
        raise NotImplementedError

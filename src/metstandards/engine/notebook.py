"""Jupyter notebooks (``.ipynb``): their code cells checked as one module, findings located by
cell.

A notebook is read with nbformat (imported only when a notebook is actually read: a run
answered from the cache, or one without notebooks, never pays for it), upgraded to format 4 and
validated against its schema. Its code cells, in order, with IPython syntax made plain Python
line for line (``magics``), are joined into the text that the rules check, as ruff does: an
import in the first cell resolves a call in the fifth. What is found there is then located in
the cell it lies in (:class:`Cells`): the cell's number, counting every cell as the notebook
shows them, and the line and column within that cell.

A file that is not valid JSON, not a notebook, of a format version nbformat cannot read, or
that breaks the notebook schema is not checked (MS000, with the reason). A notebook whose kernel
is not Python (R, Julia) has no Python to check and passes.
"""

from __future__ import annotations

import bisect
import json
import warnings
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from metstandards.engine.magics import lines_of, neutralise
from metstandards.findings import Finding
from metstandards.rules.meta.file_not_checked import FileNotChecked

if TYPE_CHECKING:
    from metstandards.engine.analyze import FileResult
    from metstandards.rule import Role, Rule

SUFFIX = ".ipynb"
#: The notebook format the cells are read in (older ones are upgraded to it).
FORMAT = 4


def is_notebook(path: str) -> bool:
    """Whether ``path`` names a Jupyter notebook (by its suffix, as Jupyter decides)."""
    return path.lower().endswith(SUFFIX)


class NotebookError(Exception):
    """Why a notebook cannot be read, and where in the file (JSON errors have a position)."""

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Cells:
    """Where each code cell's lines lie in the checked text: (first line there, cell number),
    in order. JSON-ready as a list of pairs, so that the cache keeps it with the file."""

    starts: tuple[tuple[int, int], ...]

    @classmethod
    def from_json(cls, data: Iterable[Sequence[int]]) -> Cells:
        return cls(tuple((int(line), int(cell)) for line, cell in data))

    def to_json(self) -> list[list[int]]:
        return [[line, cell] for line, cell in self.starts]

    def locate(self, finding: Finding) -> Finding:
        """``finding`` (lines of the checked text) located in its cell. A finding spanning
        cells keeps its end counted from the start of its first cell."""
        index = bisect.bisect_right([line for line, _ in self.starts], finding.line) - 1
        if index < 0:
            return finding
        first, cell = self.starts[index]
        return replace(
            finding,
            line=finding.line - first + 1,
            end_line=finding.end_line - first + 1,
            cell=cell,
        )


@dataclass(frozen=True)
class NotebookSource:
    """A notebook's code cells as one Python text, and where each cell lies in it."""

    text: str
    cells: Cells


def load_reader() -> None:
    """Import nbformat now: once before worker processes fork, rather than once in each."""
    import nbformat  # noqa: F401


def read_notebook(data: bytes) -> NotebookSource:
    """The code of the notebook ``data`` holds; raises :class:`NotebookError` saying why not."""
    document = _notebook(data)
    text: list[str] = []
    starts: list[tuple[int, int]] = []
    line = 1
    if _python(document.get("metadata", {})):
        for number, cell in enumerate(document.get("cells", []), start=1):
            if cell.get("cell_type") != "code":
                continue
            code = neutralise(cell.get("source", ""))
            if code and not code.endswith(("\n", "\r")):
                code += "\n"
            count = len(lines_of(code))
            if count:
                starts.append((line, number))
                text.append(code)
                line += count
    return NotebookSource("".join(text), Cells(tuple(starts)))


def _notebook(data: bytes) -> Any:
    """The notebook, upgraded to format 4 and validated."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        reason = f"not a notebook: not UTF-8 ({error.reason} at byte {error.start})"
        raise NotebookError(reason) from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        reason = f"not a notebook: invalid JSON: {error.msg}"
        raise NotebookError(reason, error.lineno, error.colno) from None
    except RecursionError:
        raise NotebookError("not a notebook: JSON nested too deep to read") from None
    except ValueError as error:  # a number longer than Python converts (int_max_str_digits)
        raise NotebookError(f"not a notebook: invalid JSON: {error}") from None
    version = raw.get("nbformat") if isinstance(raw, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise NotebookError("not a notebook: the JSON has no integer `nbformat` version")
    if version > FORMAT:
        raise NotebookError(f"notebook format {version} is not supported (at most {FORMAT})")

    import nbformat

    try:
        with warnings.catch_warnings():
            # A cell without an id (format 4.5) is a warning on stderr in every worker.
            warnings.simplefilter("ignore")
            read = nbformat.reader.reads(text)  # type: ignore[no-untyped-call]
            notebook = nbformat.convert(read, FORMAT)  # type: ignore[no-untyped-call]
            nbformat.validate(notebook)
    except nbformat.ValidationError as error:
        first = str(error.message).splitlines()[0] if error.message else str(error)
        raise NotebookError(f"not a valid notebook: {first}") from None
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise NotebookError(f"not a valid notebook: {error}") from None
    return notebook


def _python(metadata: Mapping[str, Any]) -> bool:
    """Whether the notebook's kernel runs Python (a notebook that does not say is taken to)."""
    named = [
        metadata.get("kernelspec", {}).get("language"),
        metadata.get("language_info", {}).get("name"),
    ]
    return all(not isinstance(name, str) or name.lower() == "python" for name in named)


def analyze_notebook(
    path: str,
    role: Role,
    package: str,
    data: bytes,
    rule_types: Sequence[type[Rule]],
    known_prefixes: frozenset[str],
    options: Mapping[str, tuple[str, ...]] | None = None,
    *,
    max_code_bytes: int | None = None,
) -> FileResult:
    """Check a notebook's code with ``rule_types`` (those that apply in notebooks). Findings
    and suppressions stay in lines of the checked text, so that suppressions match as in any
    file; the result's ``cells`` locate them by cell once the run is done (:func:`in_cells`).
    ``max_code_bytes`` (``max-file-size-kb``) limits the code of the cells, not the file, whose
    outputs may be far larger."""
    from metstandards.engine.analyze import analyze, not_checked

    try:
        source = read_notebook(data)
    except NotebookError as error:
        return not_checked(path, role, error.reason, error.line, error.column)
    code = source.text.encode("utf-8")
    if max_code_bytes is not None and len(code) > max_code_bytes:
        size, limit = len(code) // 1024, max_code_bytes // 1024
        reason = f"its code cells hold {size} KiB, over the max-file-size-kb limit of {limit}"
        return not_checked(path, role, reason)
    result = analyze(path, role, package, code, rule_types, known_prefixes, options, by_role=False)
    result.cells = source.cells
    return result


def in_cells(
    findings: Iterable[Finding], results: Mapping[str, FileResult], codes: Collection[str]
) -> list[Finding]:
    """``findings`` with those in notebooks located by cell, and only of the ``codes`` that
    run in notebooks (MS001, which reports the suppressions of every file, is one of them
    unless a project says otherwise). A notebook that could not be read has no cells: its
    MS000 keeps its place in the file, and is never left out."""
    located = []
    for finding in findings:
        result = results.get(finding.path)
        cells = result.cells if result is not None else None
        if cells is None:
            located.append(finding)
        elif finding.code in codes or finding.code == FileNotChecked.code:
            located.append(cells.locate(finding))
    return located


def notebook_rules(
    rules: Iterable[type[Rule]], select: Sequence[str], ignore: Sequence[str]
) -> list[type[Rule]]:
    """Those of ``rules`` (the run's) that check notebooks: each rule's own ``notebooks``,
    unless ``notebook-select`` or ``notebook-ignore`` names its code or a prefix of it (the
    longer prefix wins, as for ``select`` and ``ignore``). Project rules never do."""
    from metstandards.rule import ProjectRule

    chosen = []
    for rule in rules:
        if issubclass(rule, ProjectRule):
            continue
        selected = max((len(p) for p in select if rule.code.startswith(p)), default=-1)
        ignored = max((len(p) for p in ignore if rule.code.startswith(p)), default=-1)
        if selected > ignored or (selected == ignored == -1 and rule.notebooks):
            chosen.append(rule)
    return chosen

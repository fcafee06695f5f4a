"""Jupyter notebooks open in an editor (LSP 3.17 notebook document sync): the editor sends the
cells, the engine checks a notebook file (``engine.notebook``), and each finding goes back to
the cell it lies in.

The cells as the editor holds them become the notebook the file would be if it were saved now
(format 4.5, every cell in its place: markdown cells as markdown, code cells in a language other
than Python as raw cells, so that the cell numbers stay the editor's), and that is checked as the
file at the notebook's path. The engine numbers findings by cell, counting every cell from 1, as
the editor's list of cells does, with lines and columns within the cell: the diagnostics are
published on that cell's document.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from lsprotocol import types

from metstandards.findings import Finding

#: The notebook's own metadata that says which language its kernel runs (Python, or not).
_LANGUAGE_KEYS = ("kernelspec", "language_info")


def notebook_bytes(
    notebook: types.NotebookDocument,
    text_of: Callable[[str], str | None],
    language_of: Callable[[str], str | None],
) -> bytes:
    """The ``.ipynb`` file of the notebook as the editor holds it: ``text_of(uri)`` is a cell
    document's text and ``language_of(uri)`` its language (None for a cell not sent)."""
    cells = []
    for number, cell in enumerate(notebook.cells, start=1):
        kind = "markdown"
        if cell.kind == types.NotebookCellKind.Code:
            python = (language_of(cell.document) or "python") == "python"
            kind = "code" if python else "raw"
        entry: dict[str, Any] = {
            "cell_type": kind,
            "id": f"cell-{number}",
            "metadata": {},
            "source": text_of(cell.document) or "",
        }
        if kind == "code":
            entry.update(execution_count=None, outputs=[])
        cells.append(entry)
    metadata: dict[str, Any] = notebook.metadata if isinstance(notebook.metadata, dict) else {}
    kept = {key: metadata[key] for key in _LANGUAGE_KEYS if isinstance(metadata.get(key), dict)}
    document = {"cells": cells, "metadata": kept, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document).encode("utf-8")


def by_cell(findings: Sequence[Finding], cells: Sequence[str]) -> dict[str, list[Finding]]:
    """The findings of each cell document (``cells``: their URIs in order), every cell present;
    a finding without a cell (a notebook that could not be read at all) goes to the first."""
    found: dict[str, list[Finding]] = {uri: [] for uri in cells}
    for finding in findings:
        number = finding.cell if finding.cell is not None else 1
        if 1 <= number <= len(cells):
            found[cells[number - 1]].append(finding)
    return found

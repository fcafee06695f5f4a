"""The language server end to end: ``metstandards server`` in its own process, driven by a real
LSP client over stdio (pytest-lsp). The fixtures are in ``conftest.py``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types

from metstandards.server.diagnostics import RULES_PAGE

from .conftest import (
    PYPROJECT,
    Client,
    codes,
    logged,
    open_document,
    published,
    replace_text,
)

pytestmark = [pytest.mark.slow, pytest.mark.asyncio]

UNSAFE = "import torch\n\nstate = torch.load(path)\n"
SAFE = "import torch\n\nstate = torch.load(path, weights_only=True)\n"
DRAW = "import numpy as np\n\nnoise = np.random.rand(3)\n"
SEED = "import numpy\n\nnumpy.random.seed(0)\n"


async def test_a_finding_is_a_diagnostic_with_its_code_severity_range_and_link(
    client: Client, project: Path
) -> None:
    uri = open_document(client, project / "pkg" / "io.py", "# é 😀\n" + UNSAFE)
    (diagnostic,) = await published(client, uri, bool)
    assert diagnostic.code == "MS202"
    assert diagnostic.source == "metstandards"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href == f"{RULES_PAGE}#ms202"
    start, end = diagnostic.range.start, diagnostic.range.end
    assert (start.line, start.character, end.line, end.character) == (3, 8, 3, 24)
    # The server asked the client to watch the settings and the Python files.
    (registration,) = client.registrations
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES


async def test_a_change_is_linted_and_a_close_clears_the_diagnostics(
    client: Client, project: Path
) -> None:
    uri = open_document(client, project / "pkg" / "io.py", SAFE)
    await published(client, uri, lambda found: not found)
    replace_text(client, uri, UNSAFE, version=2)
    assert codes(await published(client, uri, bool)) == ["MS202"]
    replace_text(client, uri, SAFE, version=3)
    await published(client, uri, lambda found: not found)
    assert client.publications[-1].version == 3
    replace_text(client, uri, UNSAFE, version=4)
    await published(client, uri, bool)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    await published(client, uri, lambda found: not found)


async def test_changes_in_quick_succession_are_linted_once_in_their_last_version(
    slow_client: Client, project: Path
) -> None:
    client = slow_client
    uri = open_document(client, project / "pkg" / "io.py", SAFE)
    await published(client, uri, lambda found: not found)
    opened = len(client.publications)
    for version in range(2, 7):  # each within the debounce of the one before
        replace_text(client, uri, UNSAFE if version % 2 == 0 else SAFE, version)
    await published(client, uri, bool)
    await asyncio.sleep(1.5)  # no late publication of an older version follows
    later = [(p.version, codes(p.diagnostics)) for p in client.publications[opened:]]
    assert later == [(6, ["MS202"])]


async def test_the_quick_fix_writes_a_suppression_that_silences_the_finding(
    client: Client, project: Path
) -> None:
    text = "import torch\n\nstate = torch.load(path)  # noqa: S614\n"
    uri = open_document(client, project / "pkg" / "io.py", text)
    (diagnostic,) = await published(client, uri, bool)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert actions is not None
    (action,) = actions
    assert isinstance(action, types.CodeAction)
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.edit is not None
    assert action.edit.changes is not None
    (edit,) = action.edit.changes[uri]
    lines = text.splitlines(keepends=True)
    line = lines[edit.range.start.line]
    lines[edit.range.start.line] = (
        line[: edit.range.start.character] + edit.new_text + line[edit.range.end.character :]
    )
    fixed = "".join(lines)
    assert fixed.splitlines()[2] == "state = torch.load(path)  # noqa: S614, MS202"
    replace_text(client, uri, fixed, version=2)
    await published(client, uri, lambda found: not found)


async def test_project_rules_answer_from_the_other_files_and_the_open_buffers(
    client: Client, project: Path
) -> None:
    (project / "pkg" / "seeding.py").write_text(SEED, encoding="utf-8")
    draw = open_document(client, project / "pkg" / "draw.py", DRAW)
    await published(client, draw, lambda found: not found)  # seeded on disk
    # The seed removed in the editor, not saved: the drawing file is told at once.
    seeding = open_document(client, project / "pkg" / "seeding.py", SEED)
    await published(client, seeding, lambda found: not found)
    replace_text(client, seeding, "x = 1\n", version=2)
    assert codes(await published(client, draw, bool)) == ["MS102"]
    # Closed without saving: the file on disk (with its seed) counts again.
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=seeding))
    )
    await published(client, draw, lambda found: not found)


async def test_settings_are_read_again_when_pyproject_changes(
    client: Client, project: Path
) -> None:
    uri = open_document(client, project / "pkg" / "io.py", UNSAFE)
    assert codes(await published(client, uri, bool)) == ["MS202"]
    settings = project / "pyproject.toml"
    settings.write_text(PYPROJECT + '[tool.metstandards]\nignore = ["MS202"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=settings.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await published(client, uri, lambda found: not found)
    # Broken settings: said in the log, and the server goes on.
    settings.write_text(PYPROJECT + "[tool.metstandards]\nselekt = 1\n", encoding="utf-8")
    replace_text(client, uri, UNSAFE + "\n", version=2)  # no notification: the stamp tells
    assert "unknown setting" in await logged(client, lambda message: "selekt" in message)
    settings.write_text(PYPROJECT, encoding="utf-8")
    replace_text(client, uri, UNSAFE, version=3)
    assert codes(await published(client, uri, bool)) == ["MS202"]


async def test_files_outside_a_project_and_excluded_files_get_no_diagnostics(
    client: Client, project: Path, tmp_path: Path
) -> None:
    loose = open_document(client, tmp_path / "elsewhere" / "loose.py", UNSAFE)
    assert "in no Python project" in await logged(client, lambda m: "loose.py" in m)
    (project / "pyproject.toml").write_text(
        PYPROJECT + '[tool.metstandards]\nextend-exclude = ["generated/"]\n', encoding="utf-8"
    )
    excluded = open_document(client, project / "generated" / "io.py", UNSAFE)
    await published(client, excluded, lambda found: not found)
    checked = open_document(client, project / "pkg" / "io.py", UNSAFE)
    assert codes(await published(client, checked, bool)) == ["MS202"]
    assert loose not in client.diagnostics


def change_cell(client: Client, notebook: Path, cell: str, text: str, version: int) -> None:
    client.notebook_document_did_change(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(
                uri=notebook.as_uri(), version=version
            ),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    text_content=[
                        types.NotebookDocumentCellContentChanges(
                            document=types.VersionedTextDocumentIdentifier(
                                uri=cell, version=version
                            ),
                            changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
                        )
                    ]
                )
            ),
        )
    )


def _cell(notebook: Path, number: int) -> str:
    return f"vscode-notebook-cell:{notebook.as_posix()}#W{number}"


async def test_a_notebooks_findings_are_published_on_their_cells(
    client: Client, project: Path
) -> None:
    notebook = project / "analysis.ipynb"
    sources = [
        ("python", types.NotebookCellKind.Code, "import pickle\n%matplotlib inline"),
        ("markdown", types.NotebookCellKind.Markup, "# Load the model"),
        ("python", types.NotebookCellKind.Code, "x = 1\nmodel = pickle.load(handle)"),
    ]
    cells = [_cell(notebook, n) for n in range(len(sources))]
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=notebook.as_uri(),
                notebook_type="jupyter-notebook",
                version=1,
                cells=[
                    types.NotebookCell(kind=kind, document=uri)
                    for uri, (_, kind, _) in zip(cells, sources, strict=True)
                ],
            ),
            cell_text_documents=[
                types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
                for uri, (language, _, text) in zip(cells, sources, strict=True)
            ],
        )
    )
    (diagnostic,) = await published(client, cells[2], bool)
    assert diagnostic.code == "MS202"
    start = diagnostic.range.start
    assert (start.line, start.character) == (1, 8)  # line 2 of the third cell
    assert client.diagnostics[cells[0]] == ()
    change_cell(client, notebook, cells[2], "x = 1\nmodel = pickle.load(handle)  # noqa: MS202", 2)
    await published(client, cells[2], lambda found: not found)
    change_cell(client, notebook, cells[2], "model = pickle.load(handle)", 3)
    assert codes(await published(client, cells[2], bool)) == ["MS202"]
    client.notebook_document_did_close(
        types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=notebook.as_uri()),
            cell_text_documents=[types.TextDocumentIdentifier(uri=uri) for uri in cells],
        )
    )
    await published(client, cells[2], lambda found: not found)


async def test_a_project_large_enough_for_the_process_pool_is_linted(
    client: Client, project: Path
) -> None:
    """The first lint of a project of more than a few dozen files checks them on the process
    pool, whose workers come from a fork server (the server has threads by then); the project
    rule then sees a seed in a file that is not open."""
    for number in range(40):
        (project / "pkg" / f"module_{number:02}.py").write_text(SAFE, encoding="utf-8")
    (project / "pkg" / "seeding.py").write_text(SEED, encoding="utf-8")
    uri = open_document(client, project / "pkg" / "io.py", UNSAFE + DRAW)
    assert codes(await published(client, uri, bool)) == ["MS202"]

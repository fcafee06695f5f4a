"""The language server's features: what the client is told the server can do, and the handler
of each notification and request it sends.

- ``textDocument/didOpen``, ``didChange``, ``didSave``, ``didClose`` of Python files: their
  diagnostics, published by ``textDocument/publishDiagnostics`` (``linting``);
- ``notebookDocument/didOpen``, ``didChange``, ``didSave``, ``didClose`` of Jupyter notebooks
  (LSP 3.17 notebook sync): each code cell's diagnostics, on the cell's document (``notebooks``);
- ``textDocument/codeAction``: the quick fix that adds a suppression comment (``fixes``);
- ``workspace/didChangeWatchedFiles``: changed settings and files on disk. The server asks the
  client to watch ``pyproject.toml``, Python files and ``.gitignore`` files, where the client
  lets servers register watchers.
"""

from __future__ import annotations

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from metstandards import __version__
from metstandards.server.diagnostics import SOURCE, UNSUPPRESSIBLE
from metstandards.server.fixes import suppression_edit
from metstandards.server.linting import Linter

#: What the server asks the client to watch, where the client lets it register watchers.
WATCHED = ("**/pyproject.toml", "**/*.py", "**/*.pyi", "**/*.ipynb", "**/.gitignore")


class Server(LanguageServer):
    """The metstandards language server."""

    def __init__(self, debounce: float) -> None:
        super().__init__(
            "metstandards",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[
                    types.NotebookDocumentFilterWithCells(
                        cells=[types.NotebookCellLanguage(language="python")]
                    )
                ],
                save=True,
            ),
        )
        self.linter = Linter(self, debounce)


def build(debounce: float = 0.3) -> Server:
    """A server whose diagnostics follow a change after ``debounce`` seconds without another."""
    server = Server(debounce)
    linter = server.linter

    @server.feature(types.INITIALIZED)
    async def initialized(ls: Server, params: types.InitializedParams) -> None:
        watching = ls.client_capabilities.workspace
        changes = watching.did_change_watched_files if watching else None
        if changes is None or not changes.dynamic_registration:
            return  # settings are still read again when pyproject.toml's stamp changes
        watchers = [types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED]
        registration = types.Registration(
            id="metstandards-watched-files",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
        )
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            )
        except Exception as error:  # a client that refuses: the stamps still work
            linter.log(
                f"metstandards: the client did not watch files: {error}", types.MessageType.Warning
            )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: Server, params: types.DidOpenTextDocumentParams) -> None:
        linter.opened(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: Server, params: types.DidChangeTextDocumentParams) -> None:
        linter.changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: Server, params: types.DidSaveTextDocumentParams) -> None:
        linter.opened(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: Server, params: types.DidCloseTextDocumentParams) -> None:
        await linter.closed(params.text_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_did_open(ls: Server, params: types.DidOpenNotebookDocumentParams) -> None:
        linter.opened(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_did_change(ls: Server, params: types.DidChangeNotebookDocumentParams) -> None:
        linter.changed(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_did_save(ls: Server, params: types.DidSaveNotebookDocumentParams) -> None:
        linter.opened(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    async def notebook_did_close(ls: Server, params: types.DidCloseNotebookDocumentParams) -> None:
        await linter.closed(params.notebook_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(
        ls: Server, params: types.DidChangeWatchedFilesParams
    ) -> None:
        await linter.files_changed([change.uri for change in params.changes])

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(ls: Server, params: types.CodeActionParams) -> list[types.CodeAction]:
        return quick_fixes(ls, params)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: Server, params: None) -> None:
        linter.shutdown()

    return server


def quick_fixes(ls: LanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """A suppression comment for each of our diagnostics the client sent in the context."""
    uri = params.text_document.uri
    document = ls.workspace.get_text_document(uri)
    lines = list(document.lines)
    codec = ls.workspace.position_codec
    actions = []
    for diagnostic in params.context.diagnostics:
        code = diagnostic.code
        if diagnostic.source != SOURCE or not isinstance(code, str) or code in UNSUPPRESSIBLE:
            continue
        edit = suppression_edit(
            lines, diagnostic.range.start.line + 1, diagnostic.range.end.line + 1, code
        )
        if edit is None:
            continue
        where = types.Range(
            start=types.Position(line=edit.line, character=edit.start),
            end=types.Position(line=edit.line, character=edit.end),
        )
        text_edit = types.TextEdit(
            range=codec.range_to_client_units(lines, where), new_text=edit.text
        )
        actions.append(
            types.CodeAction(
                title=f"Suppress {code} on this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=types.WorkspaceEdit(changes={uri: [text_edit]}),
            )
        )
    return actions

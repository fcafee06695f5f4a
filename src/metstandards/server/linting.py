"""When documents are linted and their diagnostics published.

Every lint runs on one worker thread (the sessions are not shared between threads; the event
loop stays free to read the client's messages meanwhile). A document is linted at once when it
is opened or saved, and ``debounce`` seconds after a change; a change that arrives meanwhile
cancels the lint it supersedes, and a result for a version that is no longer the document's is
dropped, never published. After a lint, the other open documents of the same project are
concluded again from the results in memory (no parse) and republished where the project rules
(MS102, MS201) now say something else.

Errors never stop the server: broken settings, a missing project or a bug in a rule are logged
to the client (``window/logMessage``) and the document keeps its last diagnostics.
"""

from __future__ import annotations

import asyncio
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote, urlparse

from lsprotocol import types

from metstandards.server.diagnostics import diagnostic
from metstandards.server.notebooks import by_cell, notebook_bytes

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

    from metstandards.engine.session import BufferResult, LintSession
    from metstandards.server.projects import Projects

T = TypeVar("T")

#: The suffixes of the files that are linted (``metstandards lint`` reads the same).
PYTHON_SUFFIXES = (".py", ".pyi")
NOTEBOOK_SUFFIX = ".ipynb"


def uri_to_path(uri: str) -> Path | None:
    """The file a ``file:`` URI names (percent-escapes decoded), else None (``untitled:``...)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path, errors="surrogateescape")
    if parsed.netloc and parsed.netloc != "localhost":
        path = f"//{parsed.netloc}{path}"
    if sys.platform == "win32" and len(path) > 2 and path[0] == "/" and path[2] == ":":
        path = path[1:]
    return Path(path)


@dataclass
class _Linted:
    """What an open document's last lint used and published."""

    session: LintSession
    path: Path
    lines: list[str]
    diagnostics: list[types.Diagnostic]


class Linter:
    """Lints the open Python documents of one server (see the module docstring)."""

    def __init__(self, server: LanguageServer, debounce: float) -> None:
        self.server = server
        self.debounce = debounce
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="metstandards-lint")
        self._projects: Projects | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._linted: dict[str, _Linted] = {}
        #: The cell documents each open notebook last published diagnostics on.
        self._cells: dict[str, list[str]] = {}

    # -- the event loop's side ---------------------------------------------------------------

    def log(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        self.server.window_log_message(types.LogMessageParams(type=kind, message=message))

    def log_threadsafe(self, message: str) -> None:
        """``log`` from the worker thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self.log, message)

    def schedule(self, uri: str, delay: float) -> None:
        """Lint the open document ``uri`` in ``delay`` seconds, instead of any lint pending."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        if uri_to_path(uri) is None:
            return
        self._pending[uri] = asyncio.ensure_future(self._lint_later(uri, delay))

    def changed(self, uri: str) -> None:
        self.schedule(uri, self.debounce)

    def opened(self, uri: str) -> None:
        self.schedule(uri, 0)

    async def closed(self, uri: str) -> None:
        """Forget the document: no lint pending, its diagnostics cleared, its buffer's facts no
        longer in place of its file's."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        linted = self._linted.pop(uri, None)
        for cleared in self._cells.pop(uri, [uri]):
            self._publish(cleared, None, [])
        if linted is not None:
            await self._call(linted.session.close, linted.path)
            await self._conclude_others(linted.session, uri)

    async def files_changed(self, uris: Sequence[str]) -> None:
        """Files changed on disk (``workspace/didChangeWatchedFiles``): settings are read again
        and the open documents linted again; Python files are read at the next lint, and the
        open documents of their projects concluded again."""
        paths = [path for path in map(uri_to_path, uris) if path is not None]
        settings = {path.parent for path in paths if path.name == "pyproject.toml"}
        touched = await self._call(self._invalidate, paths, settings)
        for uri, linted in list(self._linted.items()):
            if any(linted.path.is_relative_to(root) for root in settings):
                self.schedule(uri, self.debounce)
        for session in touched:
            await self._call(session.refresh)
            await self._conclude_others(session, None)

    def shutdown(self) -> None:
        for pending in self._pending.values():
            pending.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def _call(self, function: Callable[..., T], *args: Any) -> T:
        self._loop = asyncio.get_running_loop()
        return await self._loop.run_in_executor(self._executor, function, *args)

    async def _lint_later(self, uri: str, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            if self.server.workspace.get_notebook_document(notebook_uri=uri) is not None:
                await self._lint_notebook(uri)
                return
            document = self.server.workspace.text_documents.get(unquote(uri))
            path = uri_to_path(uri)
            if document is None or path is None:
                return
            version, text = document.version, document.source
            data = text.encode("utf-8", "surrogateescape")
            outcome = await self._call(self._lint, path, data, PYTHON_SUFFIXES)
            current = self.server.workspace.text_documents.get(unquote(uri))
            if current is None or current.version != version or outcome is None:
                return  # closed or changed meanwhile: a newer lint is on its way
            session, result = outcome
            lines = text.splitlines(keepends=True)
            diagnostics = await self._call(self._diagnostics, session, result, lines)
            self._publish(uri, version, diagnostics)
            previous = self._linted.get(uri)
            self._linted[uri] = _Linted(session, path, lines, diagnostics)
            if previous is not None and previous.session is not session:
                await self._call(previous.session.close, path)
            await self._conclude_others(session, uri)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a bug must not end the server
            self.log(_bug(error, f"linting {uri}"))
        finally:
            if self._pending.get(uri) is asyncio.current_task():
                del self._pending[uri]

    async def _lint_notebook(self, uri: str) -> None:
        """Lint an open notebook and publish each cell's diagnostics on its document."""
        workspace = self.server.workspace
        notebook = workspace.get_notebook_document(notebook_uri=uri)
        path = uri_to_path(uri)
        if notebook is None or path is None:
            return

        def text_of(cell: str) -> str | None:
            document = workspace.text_documents.get(unquote(cell))
            return document.source if document is not None else None

        def language_of(cell: str) -> str | None:
            document = workspace.text_documents.get(unquote(cell))
            return document.language_id if document is not None else None

        version = notebook.version
        cells = [cell.document for cell in notebook.cells]
        data = notebook_bytes(notebook, text_of, language_of)
        outcome = await self._call(self._lint, path, data, (NOTEBOOK_SUFFIX,))
        current = workspace.get_notebook_document(notebook_uri=uri)
        if current is None or current.version != version or outcome is None:
            return
        session, result = outcome
        for cell, findings in by_cell(result.findings, cells).items():
            document = workspace.text_documents.get(unquote(cell))
            lines = list(document.lines) if document is not None else []
            partial = replace(result, findings=findings)
            diagnostics = await self._call(self._diagnostics, session, partial, lines)
            self._publish(cell, document.version if document else None, diagnostics)
        for gone in set(self._cells.get(uri, ())) - set(cells):
            self._publish(gone, None, [])
        self._cells[uri] = cells
        self._linted[uri] = _Linted(session, path, [], [])

    async def _conclude_others(self, session: LintSession, linted_uri: str | None) -> None:
        """Republish the other open documents of ``session`` whose findings changed."""
        for uri, linted in list(self._linted.items()):
            if uri == linted_uri or uri in self._pending or uri in self._cells:
                continue  # notebooks: project rules never run in them
            if linted.session is not session:
                if linted.session.root == session.root:
                    self.schedule(uri, 0)  # its project's settings were read again
                continue
            result = await self._call(session.findings, linted.path)
            if result is None:
                continue
            diagnostics = await self._call(self._diagnostics, session, result, linted.lines)
            if diagnostics != linted.diagnostics and self._linted.get(uri) is linted:
                linted.diagnostics = diagnostics
                document = self.server.workspace.text_documents.get(unquote(uri))
                self._publish(uri, document.version if document else None, diagnostics)

    def _publish(self, uri: str, version: int | None, diagnostics: list[types.Diagnostic]) -> None:
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    # -- the worker thread's side ------------------------------------------------------------

    def _projects_or_none(self) -> Projects | None:
        if self._projects is None:
            from metstandards.registry import RegistryError, load_registry
            from metstandards.server.projects import Projects

            try:
                registry = load_registry()
            except RegistryError as error:
                self.log_threadsafe(f"metstandards cannot load its rules: {error}")
                return None
            self._projects = Projects(registry, self.log_threadsafe)
        return self._projects

    def _lint(
        self, path: Path, data: bytes, suffixes: tuple[str, ...]
    ) -> tuple[LintSession, BufferResult] | None:
        if path.suffix not in suffixes:
            return None
        projects = self._projects_or_none()
        session = projects.session(path) if projects is not None else None
        if session is None:
            return None
        return session, session.lint(path, data)

    def _diagnostics(
        self, session: LintSession, result: BufferResult, lines: list[str]
    ) -> list[types.Diagnostic]:
        codec = self.server.workspace.position_codec
        origins = session.registry.origins
        return [diagnostic(finding, lines, codec, origins) for finding in result.findings]

    def _invalidate(self, paths: list[Path], settings: set[Path]) -> list[LintSession]:
        projects = self._projects_or_none()
        if projects is None:
            return []
        for root in settings:
            projects.forget(root)
        touched: dict[int, LintSession] = {}
        for path in paths:
            if path.name != "pyproject.toml":
                touched.update((id(s), s) for s in projects.changed(path))
        return list(touched.values())


def _bug(error: BaseException, doing: str) -> str:
    """A bug's message for the client's log: what failed, and the innermost frames."""
    frames = "".join(traceback.format_tb(error.__traceback__)[-3:])
    return (
        f"metstandards: internal error while {doing}: {type(error).__name__}: {error}\n{frames}"
        f"Please report it at https://github.com/metstandards/metstandards/issues"
        f" (pid {os.getpid()})"
    )

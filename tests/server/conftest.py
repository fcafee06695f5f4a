"""The language server's end-to-end fixtures: ``metstandards server`` started in its own
process and driven by pytest-lsp's client over stdio, which records every publication."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

PYPROJECT = '[project]\nname = "demo"\nversion = "0.1.0"\n'
#: How long a test waits for what it expects from the server before it fails.
WAIT = 60.0

Diagnostics = Sequence[types.Diagnostic]


class Client(LanguageClient):
    """pytest-lsp's client, keeping every publication with its version, and the watchers the
    server registers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.publications: list[types.PublishDiagnosticsParams] = []
        self.registrations: list[types.Registration] = []


def _publish(client: Client, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.publications.append(params)


def _register(client: Client, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def _make_client() -> Client:
    client = Client(converter_factory=default_converter)
    register_lsp_features(
        client,
        {
            **DEFAULT_CLIENT_FEATURES,
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _publish,
            types.CLIENT_REGISTER_CAPABILITY: _register,
        },
    )
    return client


def server_config(debounce: float) -> ClientServerConfig:
    command = [sys.executable, "-m", "metstandards", "server", "--debounce", str(debounce)]
    return ClientServerConfig(server_command=command, client_factory=_make_client)


async def _initialize(client: Client, root: Path) -> None:
    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri()
    )
    await client.initialize_session(params)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project: a pyproject.toml and a ``pkg/`` directory."""
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return root


@pytest_lsp.fixture(config=server_config(0.05))
async def client(lsp_client: Client, project: Path) -> AsyncIterator[None]:
    """A server that lints 0.05 s after a change, its workspace ``project``."""
    await _initialize(lsp_client, project)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=server_config(1.0))
async def slow_client(lsp_client: Client, project: Path) -> AsyncIterator[None]:
    """A server that waits a whole second after a change (to see the debounce at work)."""
    await _initialize(lsp_client, project)
    yield
    await lsp_client.shutdown_session()


async def published(
    client: LanguageClient, uri: str, holds: Callable[[Diagnostics], bool]
) -> Diagnostics:
    """The diagnostics of ``uri`` once they satisfy ``holds``: the server publishes when it is
    done, so the test waits for what it expects, until a deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while True:
        found = client.diagnostics.get(uri)
        if found is not None and holds(found):
            return found
        if loop.time() > deadline:
            raise AssertionError(f"no such diagnostics for {uri} in {WAIT} s; last: {found}")
        await asyncio.sleep(0.02)


async def logged(client: LanguageClient, holds: Callable[[str], bool]) -> str:
    """The first message the server logged that satisfies ``holds``, waited for."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while True:
        for message in client.log_messages:
            if holds(message.message):
                return message.message
        if loop.time() > deadline:
            raise AssertionError(f"no such log message in {WAIT} s: {client.log_messages}")
        await asyncio.sleep(0.02)


def codes(diagnostics: Diagnostics) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


def open_document(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=version, text=text
            )
        )
    )
    return uri


def replace_text(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )

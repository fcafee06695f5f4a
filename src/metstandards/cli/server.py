"""``metstandards server``: the language server editors start (the ``server`` extra)."""

from __future__ import annotations

import click

from metstandards.cli._common import fail, main


@main.command()
@click.option(
    "--stdio",
    is_flag=True,
    help="Talk LSP over stdin and stdout (the only transport; accepted because clients pass it).",
)
@click.option(
    "--debounce",
    type=click.FloatRange(min=0),
    default=0.3,
    show_default=True,
    help="Seconds without a further change before a changed document is linted again.",
)
def server(stdio: bool, debounce: float) -> None:
    """Run the language server: diagnostics and quick fixes in an editor, over stdin/stdout.

    Editors start it themselves; the README shows the set-up for VS Code, Neovim and PyCharm.
    Needs pygls: python -m pip install "metstandards[server]".
    """
    try:
        import pygls  # noqa: F401
    except ImportError:
        fail('the language server needs pygls: python -m pip install "metstandards[server]"')
    from metstandards.server import serve

    serve(debounce)

"""``metstandards server``: the lint rules in an editor, through the Language Server Protocol
(LSP) over standard input and output, built on pygls (the ``server`` extra).

- ``app``: the features and their handlers;
- ``linting``: when documents are linted (debounced, stale results dropped) and published;
- ``projects``: each document's project and settings, read again when they change;
- ``diagnostics``: findings as LSP diagnostics, linked to the rules' documentation;
- ``fixes``: the quick fix that writes a suppression comment.

The checking itself is the engine's (``engine.session``): a project's results stay in memory,
so a keystroke costs the parse of one buffer, and the project rules decide over the facts of
the other files without reading them again.
"""

from __future__ import annotations


def serve(debounce: float = 0.3) -> None:
    """Serve one client over stdin and stdout until it sends ``exit`` or closes the stream.

    A project's first lint checks its files on a process pool. The server has threads by then
    (pygls reads the client in one), and forking a process with threads can leave a lock held
    in the child forever, so the pool's workers come from a fork server: a process started
    with fork and exec, which forks them from its one thread. A platform without one keeps its
    default."""
    import multiprocessing

    from metstandards.server.app import build

    if "forkserver" in multiprocessing.get_all_start_methods():
        multiprocessing.set_start_method("forkserver", force=True)
    build(debounce).start_io()

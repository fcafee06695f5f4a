"""Lint a buffer as if it were a file of its project: ``metstandards lint --stdin-filename PATH -``
(what editors and formatters pipe) and the language server's unsaved documents.

The buffer is checked as the file at ``path`` would be: the project is the one ``path`` is in
(its root and settings found from there), the file's role (package, test, other) and the
per-file ignores come from its path, and an excluded path is not checked at all. The project
rules (MS102, MS201) still see the whole project: the other files are read from disk (or the
cache), and the buffer takes the place of the file at ``path``, which need not exist (a new
file not saved yet). Findings are reported in the buffer only, with ``path`` as their path.

The cache is looked up by the buffer's content (a buffer equal to the saved file is answered
from it), but the buffer's result is never written: the cache holds what is on disk.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from metstandards.config import find_root, load_config

if TYPE_CHECKING:
    from metstandards.config import Config
    from metstandards.engine.runner import LintResult
    from metstandards.registry import Registry


def lint_buffer(
    path: Path,
    source: bytes | str,
    *,
    config: Config | None = None,
    registry: Registry | None = None,
    use_cache: bool = True,
    workers: int | None = None,
) -> LintResult:
    """Check ``source`` as the content of the file ``path`` in its project.

    ``source`` is the buffer's bytes (a ``str`` is encoded as UTF-8). ``config`` defaults to
    the settings of the project ``path`` is in, and ``registry`` to the installed rules; a
    caller that checks many buffers (a language server) loads both once and passes them.
    ``workers`` bounds the processes that check files the cache does not know (the other files
    of the project, for the project rules; default: all cores).

    The result's paths are relative to ``config.root``; ``files_checked`` is 0 when ``path`` is
    excluded by the settings or a ``.gitignore``. Raises ``ConfigError`` for a project whose
    settings are broken or that cannot be found (no ``pyproject.toml``, ``setup.py``,
    ``setup.cfg`` or git work tree above ``path``), ``ValueError`` for a ``path`` that is a
    directory or lies outside ``config.root``.
    """
    from metstandards.engine.runner import run_lint
    from metstandards.registry import load_registry

    absolute = Path(os.path.abspath(path))
    if absolute.is_dir():
        raise ValueError(f"{path} is a directory, not a file a buffer can stand for")
    if registry is None:
        registry = load_registry()
    if config is None:
        config = load_config(find_root(absolute), registry)
    if not absolute.is_relative_to(config.root):
        raise ValueError(f"{path} is outside the project root {config.root}")
    data = source.encode("utf-8") if isinstance(source, str) else source
    relpath = absolute.relative_to(config.root).as_posix()
    return run_lint(
        config, registry, [absolute], use_cache=use_cache, workers=workers, buffers={relpath: data}
    )

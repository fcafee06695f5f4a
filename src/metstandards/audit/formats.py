"""The audit's report formats: each renders the JSON document; ``badges`` writes a directory.

One run writes as many formats as asked (``--report FORMAT=PATH``), all from the same
document, so they never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from pathlib import Path
from typing import Any

#: Format name -> module whose ``render(document) -> str`` renders it.
_MODULES: Mapping[str, str] = {
    "text": "text",
    "json": "document",
    "html": "html",
    "markdown": "markdown",
    "csv": "csv_table",
    "openmetrics": "openmetrics",
}
#: Formats written to a file or stdout, and ``badges``, written to a directory.
FORMATS = (*_MODULES, "badges")


def renderer(name: str) -> Callable[[Mapping[str, Any]], str]:
    module = import_module(f"metstandards.audit.{_MODULES[name]}")
    render: Callable[[Mapping[str, Any]], str] = module.render
    return render


def write(name: str, document: Mapping[str, Any], path: Path) -> None:
    """Write one format to ``path`` (a directory, for badges); OSError when it cannot."""
    if name == "badges":
        from metstandards.audit.badge import render_all

        path.mkdir(parents=True, exist_ok=True)
        for file_name, svg in render_all(document).items():
            (path / file_name).write_text(svg, encoding="utf-8")
        return
    path.write_text(renderer(name)(document), encoding="utf-8")

"""The ``[tool.metstandards]`` section that ``init`` appends to a pyproject.toml without one.

It is appended as text, never written by re-serialising the TOML, so the user's comments, order
and quoting stay exactly as they are.
"""

from __future__ import annotations

from pathlib import Path

from metstandards._toml import tomllib
from metstandards.config import ConfigError, read_pyproject
from metstandards.scaffold import ScaffoldError

SECTION = """\
[tool.metstandards]
# The E-AI WG3 standard. Every key is optional; `metstandards check --show-config` prints the
# effective settings and where each one comes from.
profile = "wg3"
"""


def current(path: Path) -> tuple[str, bool]:
    """The text of the pyproject.toml at ``path``, and whether it has ``[tool.metstandards]``.

    A table that is present but empty counts, and so does one made by a subtable such as
    ``[tool.metstandards.options]``: appending a second one would make the file invalid.
    """
    try:
        text, _ = read_pyproject(path)
    except ConfigError as error:
        raise ScaffoldError(f"{error}; fix pyproject.toml first") from None
    return text, "metstandards" in tomllib.loads(text).get("tool", {})


def with_section(text: str) -> str:
    """``text`` with the section appended after one blank line."""
    if not text:
        return SECTION
    return text + ("\n" if text.endswith("\n") else "\n\n") + SECTION

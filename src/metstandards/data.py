"""Locate the data folders (``rules/``, ``hooks/``, ``reusable-workflows/``) that ship in the wheel.

The wheel carries them as ``metstandards/_data/<name>``; an editable checkout reads the top-level
folders of the repository directly, so there is one source and never a copy.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The directory of the shipped data folder ``name``."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"metstandards data folder {name!r} is missing from this install")

"""TOML reading on every supported Python: the standard library's ``tomllib`` from 3.11, the
``tomli`` backport (the same code, a declared dependency there) before.

:func:`parsed` parses a text once per process: one ``check`` reads ``pyproject.toml`` for its
own settings, the declared version, the dependencies and the configuration of ruff, mypy and
bandit, and each of those used to parse it again.
"""

import copy
import functools
import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["parsed", "tomllib"]


@functools.lru_cache(maxsize=16)
def _parse(text: str) -> dict[str, Any]:
    return tomllib.loads(text)


def parsed(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)``, parsed once for the same text (``TOMLDecodeError`` as it
    raises). A copy each time: a caller that changes its table changes no one else's."""
    return copy.deepcopy(_parse(text))

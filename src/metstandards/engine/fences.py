"""The verdicts of the libcst fences, remembered between runs.

Two shortcuts of the engine rely on libcst's internals and are checked against libcst itself on
``walk.PROBE`` before they are used (``walk.chosen``: the walk's field order; ``position_codegen``:
its private code-generation state). A check costs a probe parse and a comparison, 30-50 ms: more
than the rest of a commit hook's run on one file once libcst is loaded. A verdict depends only on
the code of libcst, metstandards and Python, which is exactly what the lint cache's key covers
(``cache.py``), so the runner keeps the verdicts in the cache file and hands them back here in the
next run with the same key: a run whose cache was written by the same installation skips the
checks. A verdict that is not known here is decided by its check, as before.
"""

from __future__ import annotations

from collections.abc import Callable

#: The fences, by the name their verdict is stored under.
NAMES = ("walk", "positions")

_VERDICTS: dict[str, bool] = {}


def verdict(name: str, check: Callable[[], bool]) -> bool:
    """The remembered verdict of fence ``name``, else what ``check()`` decides (remembered)."""
    known = _VERDICTS.get(name)
    if known is None:
        known = _VERDICTS[name] = check()
    return known


def remember(verdicts: object) -> None:
    """Take verdicts stored by an earlier run (anything malformed is ignored)."""
    if not isinstance(verdicts, dict):
        return
    for name in NAMES:
        value = verdicts.get(name)
        if isinstance(value, bool):
            _VERDICTS.setdefault(name, value)


def decided() -> dict[str, bool]:
    """The verdicts known in this process, to store with the cache."""
    return dict(_VERDICTS)


def forget() -> None:
    """Drop every verdict (tests; a process whose libcst changed under it)."""
    _VERDICTS.clear()

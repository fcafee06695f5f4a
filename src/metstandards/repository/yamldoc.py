"""YAML files of a repository (CI, pre-commit, DVC) read as data, with the line of each item.

ruamel's round-trip loader is used because it keeps line numbers, which every piece of
evidence needs, and because it is safe: it builds only mappings, sequences and scalars, never an
object a tag names, and keeps unknown tags such as GitLab's ``!reference`` as tagged sequences.
Duplicate keys are accepted, the last one winning, as GitHub and GitLab read them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class YamlError(ValueError):
    """The text is not YAML; the message names the line."""


def load_yaml(text: str) -> Any:
    """The document in ``text`` (the last one, where a GitLab component's ``spec:`` header
    precedes it); None for an empty file. Raises :class:`YamlError`."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    loader = YAML(typ="rt")
    loader.allow_duplicate_keys = True
    try:
        documents = list(loader.load_all(text))
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise YamlError(f"{where}{error.problem or error.context}") from None
    except (YAMLError, RecursionError, ValueError) as error:
        raise YamlError(str(error) or type(error).__name__) from None
    return documents[-1] if documents else None


def key_line(mapping: object, key: str, default: int = 1) -> int:
    """The 1-based line of ``key`` in a loaded mapping, else ``default``."""
    try:
        return int(mapping.lc.key(key)[0]) + 1  # type: ignore[attr-defined]
    except (AttributeError, KeyError, TypeError):
        return default


def item_line(sequence: object, index: int, default: int = 1) -> int:
    """The 1-based line of item ``index`` of a loaded sequence, else ``default``."""
    try:
        return int(sequence.lc.item(index)[0]) + 1  # type: ignore[attr-defined]
    except (AttributeError, KeyError, TypeError, IndexError):
        return default


def block_offset(value: object) -> int:
    """Lines between a key and the first line of its scalar value: 1 for a ``|`` or ``>``
    block, whose text starts on the next line, else 0."""
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    return 1 if isinstance(value, (LiteralScalarString, FoldedScalarString)) else 0


def as_mapping(value: object) -> Mapping[str, Any]:
    """``value`` if it is a mapping, else an empty one: a malformed section is no section."""
    return value if isinstance(value, Mapping) else {}


def as_list(value: object) -> Sequence[Any]:
    """A sequence as it is, a single scalar or mapping as a list of one, nothing as empty."""
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return value
    return (value,)


def strings(value: object) -> tuple[str, ...]:
    """The string items of ``value`` (one string or a list of them)."""
    return tuple(str(item) for item in as_list(value) if isinstance(item, (str, int, float)))

"""``.github/dependabot.yml``: weekly updates of the GitHub Actions and pip pins.

init pins every workflow it writes by commit SHA; without updates, those pins stay on the
release that was current on the day of adoption. A repository without a Dependabot
configuration gets the template; one with its own keeps it, and gets the missing ecosystems
added at the end of its ``updates:`` (edited as text, see :mod:`.yaml_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from metstandards.scaffold import ScaffoldError
from metstandards.scaffold.yaml_text import Document, SeqStyle, get, is_null, reindent, scalar

DIRECTORY = ".github"
NAMES = ("dependabot.yml", "dependabot.yaml")


@dataclass(frozen=True)
class Merged:
    """The configuration with every ecosystem of the template, and the ecosystems added."""

    text: str
    added: tuple[str, ...]
    kept: int


def relpath(root: Path) -> str:
    """The repository's Dependabot configuration (GitHub reads either extension), else the one
    init writes."""
    name = next((name for name in NAMES if (root / DIRECTORY / name).is_file()), NAMES[0])
    return f"{DIRECTORY}/{name}"


def merge(old: str, template: str, path: str) -> Merged:
    """``old`` with the template's updates for the ecosystems it does not update yet."""
    doc = Document.parse(old, path)
    key, updates = _updates(doc, path)
    ours = Document.parse(template, "the Dependabot template")
    ours_key, ours_updates = _updates(ours, "the Dependabot template")
    present = {_ecosystem(entry) for entry in _items(updates)}
    missing = [entry for entry in _items(ours_updates) if _ecosystem(entry) not in present]
    kept = len(_items(updates))
    if not missing:
        return Merged(old, (), kept)
    ours_style, ours_step = _style(ours, ours_key, ours_updates)
    style, step = _style(doc, key, updates, default=(ours_style, ours_step))
    columns = {
        ours_style.dash: style.dash,
        ours_style.key: style.key,
        ours_style.key + ours_step: style.key + step,
    }
    block = reindent("".join(_block(ours, entry) for entry in missing), columns)
    text = doc.apply(doc.append_items(key, updates, block))
    return Merged(text, tuple(_ecosystem(entry) or "" for entry in missing), kept)


def _updates(doc: Document, path: str) -> tuple[Node, Node]:
    found = next(((k, v) for k, v in doc.root.value if scalar(k) == "updates"), None)
    if found is None or not (is_null(found[1]) or isinstance(found[1], SequenceNode)):
        raise ScaffoldError(f"{path} has no updates: list; fix it first")
    if isinstance(found[1], SequenceNode) and found[1].flow_style and found[1].value:
        raise ScaffoldError(f"{path}: init adds to an updates: list in block style only")
    return found


def _items(node: Node) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def _ecosystem(entry: Node) -> str | None:
    return scalar(get(entry, "package-ecosystem"))


def _block(doc: Document, item: Node) -> str:
    start, end = doc.item_lines(item, with_comments=True)
    return doc.text[start:end]


def _style(
    doc: Document, key: Node, updates: Node, default: tuple[SeqStyle, int] | None = None
) -> tuple[SeqStyle, int]:
    """The indentation of the list's items, and of a mapping inside one (``schedule:``)."""
    style = doc.seq_style(updates) if isinstance(updates, SequenceNode) else None
    if style is None:
        if default is None:
            raise ScaffoldError("the Dependabot template is not written as a block list")
        style = default[0].shifted(key.start_mark.column + 2 - default[0].dash)
    step = default[1] if default is not None else 2
    for entry in _items(updates):
        values = entry.value if isinstance(entry, MappingNode) else []
        nested = [value for _, value in values if isinstance(value, MappingNode)]
        if nested and not nested[0].flow_style:
            step = nested[0].start_mark.column - entry.start_mark.column
            break
    return style, step

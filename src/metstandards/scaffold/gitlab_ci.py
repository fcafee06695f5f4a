"""The metstandards CI/CD components in a repository's ``.gitlab-ci.yml``.

A repository without the file gets the shipped one: ``workflow: rules`` that start one pipeline
per push, and an ``include:`` list with one entry per component, each pinned by commit SHA with
the release in a comment. A repository's own file is its own: every job, key and comment stays
as it is (the file is edited as text, see :mod:`.yaml_text`). What init owns are its include
entries, recognised as ``component: <host>/<group>/metstandards/<name>@<ref>`` whatever the host
and group (a service's mirror): a missing one is added at the end of ``include:`` (or an
``include:`` list at the end of the file), and one pinned to another commit is moved to the
pinned one, its inputs untouched. An ``include:`` written as one string, a flow list or a single
mapping cannot take an entry without being rewritten as a list: that is shown as a diff and
written only with ``--force``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from metstandards.scaffold.pin import Pin
from metstandards.scaffold.yaml_text import (
    Document,
    Edit,
    content_end,
    get,
    is_null,
    line_end,
    reindent,
    scalar,
)

RELPATH = ".gitlab-ci.yml"
#: The columns of an entry's ``-`` and keys in the shipped fragments (includes/<name>.yml).
_DASH, _KEY = 2, 4
#: The project whose components init manages, by the last segment of its path.
_PROJECT = "metstandards"
_VERSION_COMMENT = re.compile(r"\s*#\s*v?\d[\w.+-]*\s*")
_ADDED = (
    "# Added by `metstandards init`: the metstandards CI/CD components, pinned to one release\n"
    "# (their inputs are documented in reusable-workflows/README.md of the metstandards project).\n"
)


@dataclass(frozen=True)
class Merged:
    """The file with init's entries, what ``--force`` writes instead when they cannot be added
    without rewriting the team's lines, and what to tell the user."""

    text: str
    forced: str | None
    note: str
    remarks: tuple[str, ...] = ()
    conflict: str = ""


@dataclass(frozen=True)
class _Ours:
    """One of init's entries found in the file: its ``component:`` value node, parsed."""

    name: str
    node: ScalarNode
    target: str
    ref: str


def compose(header: str, entries: Mapping[str, str]) -> str:
    """The whole file for a repository without one: the shipped header and the entries."""
    return header + "".join(entries.values())


def component_name(value: str, known: Collection[str]) -> tuple[str, str, str] | None:
    """``(name, target, ref)`` when ``value`` (``host/group/metstandards/name@ref``) includes
    one of the ``known`` metstandards components; else None."""
    target, _, ref = value.strip().partition("@")
    parts = target.split("/")
    if len(parts) >= 3 and parts[-2] == _PROJECT and parts[-1] in known:
        return parts[-1], target, ref
    return None


def merge(old: str, entries: Mapping[str, str], pin: Pin, known: Collection[str]) -> Merged:
    """``old`` with the ``entries`` (name -> filled fragment) it lacks and init's entries moved
    to ``pin``; see the module's docs."""
    header, body = _split_spec(old)
    doc = Document.parse(body, RELPATH)
    found = next(((key, value) for key, value in doc.root.value if scalar(key) == "include"), None)
    items = _items(found[1]) if found is not None else []
    ours = [entry for item in items if (entry := _ours(item, known)) is not None]
    edits = [edit for entry in ours if (edit := _moved(doc, entry, pin)) is not None]
    present = {entry.name for entry in ours}
    missing = {name: text for name, text in entries.items() if name not in present}
    note = _note(pin, moved=bool(edits), added=list(missing), others=len(items) - len(ours))
    remarks = () if "workflow" in _keys(doc) or not missing else (_no_workflow_rules(),)
    if not missing:
        return Merged(header + doc.apply(edits), None, note, remarks)
    block = "".join(missing.values())
    if found is None:
        return Merged(header + doc.apply([*edits, _new_include(doc, block)]), None, note, remarks)
    key, value = found
    if _takes_items(value):
        edits += _appended(doc, key, value, block)
        return Merged(header + doc.apply(edits), None, note, remarks)
    forced = header + doc.apply([*edits, _as_block_list(doc, key, value, block)])
    conflict = (
        f"{RELPATH}: its include: is written as {_form(value)}, which takes no entry without "
        "being rewritten as a list. The file was left as it is; --force writes what the diff "
        "shows: the same includes as a list, the metstandards components at its end."
    )
    return Merged(old, forced, f"{note}; include: needs rewriting as a list", remarks, conflict)


def _note(pin: Pin, *, moved: bool, added: list[str], others: int) -> str:
    """What the merge does, for the file's line of the summary."""
    parts = [f"moves the metstandards components to {pin.version}"] if moved else []
    if added:
        parts.append(f"adds the {_listed(added)} component{'s' * (len(added) > 1)}")
    if others:
        parts.append(f"keeps its {others} other include{'' if others == 1 else 's'}")
    return "; ".join(parts)


def _takes_items(value: Node) -> bool:
    """Whether items can be appended to ``include:`` as it is: a block list, an empty one
    (``[]``), or no value at all."""
    if isinstance(value, SequenceNode):
        return not value.flow_style or not value.value
    return is_null(value)


def _split_spec(text: str) -> tuple[str, str]:
    """A pipeline file's ``spec:`` header document (kept as it is) and the rest."""
    separator = re.search(r"^---[ \t]*\r?\n", text, re.M)
    if separator is None:
        return "", text
    try:
        head = YAML(typ="safe", pure=True).load(text[: separator.start()])
    except YAMLError:
        return "", text
    if isinstance(head, dict) and set(head) == {"spec"}:
        return text[: separator.end()], text[separator.end() :]
    return "", text


def _keys(doc: Document) -> set[str]:
    return {name for key, _ in doc.root.value if (name := scalar(key)) is not None}


def _items(value: Node) -> list[Node]:
    """The includes of ``include:``: the items of a list, else the one value."""
    if isinstance(value, SequenceNode):
        return list(value.value)
    return [] if is_null(value) else [value]


def _ours(item: Node, known: Collection[str]) -> _Ours | None:
    component = get(item, "component") if isinstance(item, MappingNode) else None
    text = scalar(component)
    parsed = component_name(text, known) if text is not None else None
    if parsed is None or not isinstance(component, ScalarNode):
        return None
    return _Ours(parsed[0], component, parsed[1], parsed[2])


def _moved(doc: Document, entry: _Ours, pin: Pin) -> Edit | None:
    """The entry pinned to ``pin``'s commit with its release in a comment after it; a comment
    of the team's own after the entry is kept (and the release not added)."""
    text = doc.text
    start, stop = int(entry.node.start_mark.index), int(entry.node.end_mark.index)
    eol = line_end(text, stop)
    eol -= text.endswith("\n", 0, eol)
    quote = text[start] if text[start] in "'\"" else ""
    value = f"{quote}{entry.target}@{pin.ref}{quote}"
    rest = text[stop:eol]
    if not rest.strip() or _VERSION_COMMENT.fullmatch(rest):
        wanted = f"{value} # {pin.version}"
        return None if text[start:eol] == wanted else Edit(start, eol, wanted)
    return None if entry.ref == pin.ref else Edit(start, stop, value)


def _new_include(doc: Document, block: str) -> Edit:
    """An ``include:`` list at the end of the file, indented like the file's other keys."""
    indent = _indent(doc)
    text = doc.text
    lead = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    added = lead + _ADDED + "include:\n" + reindent(block, {_DASH: indent, _KEY: indent + 2})
    return Edit(len(text), len(text), added)


def _indent(doc: Document) -> int:
    """The column of the file's first nested key (2 when none shows it)."""
    for _, value in doc.root.value:
        if isinstance(value, MappingNode) and not value.flow_style and value.value:
            return int(value.value[0][0].start_mark.column)
    return 2


def _appended(doc: Document, key: Node, value: Node, block: str) -> list[Edit]:
    """``block`` as the last items of the block list ``include:`` (or of an empty one)."""
    dash, column = _item_style(doc, value, key)
    return doc.append_items(key, value, reindent(block, {_DASH: dash, _KEY: column}))


def _item_style(doc: Document, value: Node, key: Node) -> tuple[int, int]:
    """The columns of the ``-`` and of the content of the list's items."""
    items = value.value if isinstance(value, SequenceNode) else []
    if items:
        first = items[0].start_mark
        line = doc.text[doc.text.rfind("\n", 0, first.index) + 1 : first.index]
        before = line.rstrip()
        if before.endswith("-"):
            return len(before) - 1, int(first.column)
    dash = int(key.start_mark.column) + _indent(doc)
    return dash, dash + 2


def _as_block_list(doc: Document, key: Node, value: Node, block: str) -> Edit:
    """``include:`` rewritten as a block list: the includes as written, then ``block``."""
    dash = int(key.start_mark.column) + _indent(doc)
    lines = [_as_item(doc, item, dash) for item in _items(value)]
    text = doc.text
    end = line_end(text, content_end(value, text))
    items = "".join(lines) + reindent(block, {_DASH: dash, _KEY: dash + 2})
    if isinstance(value, ScalarNode) or getattr(value, "flow_style", False):
        # The value sits on the key's line; a comment after it stays on that line.
        start = int(key.end_mark.index) + 1
        comment = text[content_end(value, text) : end].strip()
        return Edit(start, end, (f"  {comment}" if comment else "") + "\n" + items)
    return Edit(line_end(text, int(key.end_mark.index)), end, items)


def _as_item(doc: Document, item: Node, dash: int) -> str:
    """One include as a block list item: its text as written, moved under the ``-``."""
    text = doc.text
    start, end = int(item.start_mark.index), content_end(item, text)
    lines = text[start:end].split("\n")
    column = int(item.start_mark.column)
    rest = [" " * (dash + 2) + line[column:] if line.strip() else "" for line in lines[1:]]
    return "".join(f"{line}\n" for line in [" " * dash + "- " + lines[0], *rest])


def _form(value: Node) -> str:
    if isinstance(value, ScalarNode):
        return "one string"
    if isinstance(value, SequenceNode):
        return "a flow list ([...])"
    return "a single include"


def _no_workflow_rules() -> str:
    return (
        f"{RELPATH} has no workflow: rules. The components run in merge request pipelines, and "
        "GitLab then starts two pipelines for a push to a branch with an open merge request "
        "(a branch pipeline and a merge request pipeline) unless workflow: rules choose one; "
        "reusable-workflows/gitlab/gitlab-ci.yml of the metstandards project has the rules "
        "GitLab recommends."
    )


def _listed(things: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return " and ".join(filter(None, [", ".join(things[:-1]), things[-1]]))

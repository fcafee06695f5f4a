"""The metstandards hooks merged into a repository's own ``.pre-commit-config.yaml``.

A team's hook configuration is theirs: every hook, its order and every comment stay as they are
(the file is edited as text, see :mod:`.yaml_text`). What init owns is one entry, the repository
of the metstandards hooks: it is added at the end of ``repos:`` when missing, and kept current
(its ``rev`` and the hooks the recipe lists) when present. Where that entry was configured
differently (options on a hook, another URL), the file is left alone unless ``--force``, which
replaces that entry and nothing else.

The recipe's other hooks (a formatter, mypy, zizmor) are not added to a configuration that has
hooks of its own: a second formatter fights the one already there, and mypy without the
project's dependencies fails commits of code that passed before. The summary names them so the
team can add them deliberately.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from metstandards.scaffold import ScaffoldError
from metstandards.scaffold.pin import Pin
from metstandards.scaffold.yaml_text import (
    Document,
    Edit,
    SeqStyle,
    get,
    is_null,
    keys,
    line_end,
    reindent,
    scalar,
    style_columns,
)

RELPATH = ".pre-commit-config.yaml"
HOOK_PREFIX = "metstandards-"
_ENTRY_KEYS = frozenset({"repo", "rev", "hooks"})
_PUSH_STAGES = frozenset({"pre-push", "push"})
_FROZEN = re.compile(r"\s*#\s*frozen:\s*(\S+)\s*")


@dataclass(frozen=True)
class Merged:
    """The configuration with the metstandards hooks, and what to tell the user about it."""

    text: str
    #: What ``--force`` writes when init's entry differs from the recipe's; else None.
    forced: str | None
    note: str
    remarks: tuple[str, ...]
    #: How init's entry differs, when it does.
    conflict: str = ""


@dataclass(frozen=True)
class _Recipe:
    """The filled recipe (``hooks/pre-commit-config.yaml``), located."""

    doc: Document
    ours: MappingNode
    others: tuple[MappingNode, ...]
    #: The indentation of ``repos:`` and of the hooks of an entry.
    styles: tuple[SeqStyle, SeqStyle]

    @classmethod
    def parse(cls, text: str, hooks_repo: str) -> _Recipe:
        doc = Document.parse(text, "the pre-commit recipe")
        repos = get(doc.root, "repos")
        entries = [entry for entry in _items(repos) if isinstance(entry, MappingNode)]
        ours = next((e for e in entries if scalar(get(e, "repo")) == hooks_repo), None)
        hooks = get(ours, "hooks")
        if ours is None or not isinstance(repos, SequenceNode):
            raise ScaffoldError("the pre-commit recipe has no entry for the metstandards hooks")
        repos_style = doc.seq_style(repos)
        hooks_style = doc.seq_style(hooks) if isinstance(hooks, SequenceNode) else None
        if repos_style is None or hooks_style is None:
            raise ScaffoldError("the pre-commit recipe is not written as block lists")
        others = tuple(entry for entry in entries if entry is not ours)
        return cls(doc, ours, others, (repos_style, hooks_style))

    @property
    def hooks(self) -> list[Node]:
        return _items(get(self.ours, "hooks"))

    def block(self, item: Node) -> str:
        start, end = self.doc.item_lines(item, with_comments=True)
        return self.doc.text[start:end]

    def line_of(self, key: str) -> str:
        """The recipe's line that sets the top-level ``key``."""
        node = next(k for k, _ in self.doc.root.value if scalar(k) == key)
        start = self.doc.text.rfind("\n", 0, node.start_mark.index) + 1
        return self.doc.text[start : self.doc.text.index("\n", start) + 1]


@dataclass(frozen=True)
class _Config:
    """The repository's configuration, located."""

    doc: Document
    repos_key: Node
    repos: Node
    entries: tuple[MappingNode, ...]
    ours: tuple[MappingNode, ...]

    @classmethod
    def parse(cls, text: str, hooks_repo: str) -> _Config:
        doc = Document.parse(text, RELPATH)
        found = next(((k, v) for k, v in doc.root.value if scalar(k) == "repos"), None)
        if found is None:
            raise ScaffoldError(f"{RELPATH} has no repos: list; fix it first")
        repos_key, repos = found
        if not (is_null(repos) or isinstance(repos, SequenceNode)):
            raise ScaffoldError(f"{RELPATH}: repos is not a list; fix it first")
        if isinstance(repos, SequenceNode) and repos.flow_style and repos.value:
            raise ScaffoldError(f"{RELPATH}: init adds to a repos: list in block style only")
        entries = _items(repos)
        mappings = tuple(entry for entry in entries if isinstance(entry, MappingNode))
        if len(mappings) != len(entries):
            raise ScaffoldError(f"{RELPATH}: an item of repos is not a mapping; fix it first")
        ours = tuple(entry for entry in mappings if _is_ours(entry, hooks_repo))
        return cls(doc, repos_key, repos, mappings, ours)

    @property
    def own_hooks(self) -> int:
        """How many hooks the configuration runs besides the metstandards ones."""
        return sum(len(_items(get(e, "hooks"))) for e in self.entries if e not in self.ours)

    def styles(self, recipe: _Recipe) -> tuple[SeqStyle, SeqStyle]:
        """The indentation new entries take: the file's own where it shows it, else the
        recipe's, moved to where ``repos:`` starts."""
        ours_repos, ours_hooks = recipe.styles
        repos = self.doc.seq_style(self.repos) if isinstance(self.repos, SequenceNode) else None
        if repos is None:
            shift = self.repos_key.start_mark.column - _key_column(recipe.doc, "repos")
            repos = ours_repos.shifted(shift)
        offset, gap = ours_hooks.dash - ours_repos.key, ours_hooks.key - ours_hooks.dash
        for entry in self.entries:
            hooks = get(entry, "hooks")
            style = self.doc.seq_style(hooks) if isinstance(hooks, SequenceNode) else None
            if style is not None:
                offset, gap = style.dash - entry.start_mark.column, style.key - style.dash
                break
        return repos, SeqStyle(repos.key + offset, repos.key + offset + gap)


def merge(old: str, recipe_text: str, pin: Pin, hooks_repo: str) -> Merged:
    """``old`` with the metstandards entry added or brought up to date; the recipe's other
    hooks only into a configuration without hooks of its own."""
    recipe = _Recipe.parse(recipe_text, hooks_repo)
    config = _Config.parse(old, hooks_repo)
    edits, added, installed = _install_types(config, recipe)
    remarks = []
    new_entries = [] if config.ours else [recipe.ours]
    missing = [entry for entry in recipe.others if not _present(entry, config.entries)]
    if config.own_hooks == 0:
        new_entries += missing
    elif missing:
        remarks.append(_not_added(missing, pin))
    if new_entries:
        edits += _add_entries(config, new_entries, recipe)
        added[:0] = [_hook_names(entry, recipe) for entry in new_entries]

    kept = f"keeps its {config.own_hooks} other hook{'' if config.own_hooks == 1 else 's'}"
    parts = [f"adds {_listed(added)}"] if added else []
    if config.ours:
        conflicts = _differences(config, recipe, hooks_repo)
        if conflicts:
            forced = config.doc.apply([*edits, *_replace(config, recipe)])
            note = f"its metstandards entry differs from the recipe; {kept}"
            return Merged(old, forced, note, tuple(remarks), _conflict(conflicts))
        update = _update(config, recipe, pin)
        if update:
            edits += update
            parts.insert(0, "brings the metstandards hooks up to date")
    note = "; ".join([*parts, kept])
    return Merged(config.doc.apply(edits), None, note, (*installed, *remarks))


def _listed(things: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return " and ".join(filter(None, [", ".join(things[:-1]), things[-1]]))


def _items(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def _hook_id(hook: Node) -> str:
    return scalar(get(hook, "id")) or ""


def _key_column(doc: Document, key: str) -> int:
    return int(next(k for k, _ in doc.root.value if scalar(k) == key).start_mark.column)


def _same_repo(first: str | None, second: str) -> bool:
    def plain(url: str) -> str:
        return url.rstrip("/").removesuffix(".git").rstrip("/")

    return first is not None and plain(first) == plain(second)


def _is_ours(entry: Node, hooks_repo: str) -> bool:
    """The entry of the metstandards hooks: by its URL, or by a hook id of ours."""
    if _same_repo(scalar(get(entry, "repo")), hooks_repo):
        return True
    return any(_hook_id(hook).startswith(HOOK_PREFIX) for hook in _items(get(entry, "hooks")))


def _present(entry: Node, entries: tuple[MappingNode, ...]) -> bool:
    """Whether every hook of the recipe's ``entry`` is configured already, from any repo."""
    ids = {_hook_id(hook) for e in entries for hook in _items(get(e, "hooks"))}
    return all(_hook_id(hook) in ids for hook in _items(get(entry, "hooks")))


def _hook_names(entry: Node, recipe: _Recipe) -> str:
    if entry is recipe.ours:
        return "the metstandards hooks"
    return ", ".join(_hook_id(hook) for hook in _items(get(entry, "hooks")))


def _install_types(config: _Config, recipe: _Recipe) -> tuple[list[Edit], list[str], list[str]]:
    """``default_install_hook_types`` (and ``default_stages``) where the file has none: the
    release-tag hook runs at ``git push``, which ``pre-commit install`` installs only when the
    configuration lists it. Without ``default_stages`` every hook that names no stage would run
    again at push, so the file gets the recipe's ``[pre-commit]`` too."""
    root = config.doc.root
    types = get(root, "default_install_hook_types")
    if types is not None:
        listed = {scalar(item) for item in _items(types)}
        if "pre-push" in listed:
            return [], [], []
        remark = (
            f"{RELPATH}: default_install_hook_types does not list pre-push, so `pre-commit "
            "install` installs no push hook and metstandards-version-tag never runs; add "
            "pre-push to it, or run `pre-commit install --hook-type pre-push`."
        )
        return [], [], [remark]
    lines = [
        "# Added by `metstandards init`: `pre-commit install` installs the push hooks too (a "
        "release\n# tag is checked at push).\n",
        recipe.line_of("default_install_hook_types"),
    ]
    remark = (
        f"{RELPATH}: added default_install_hook_types: [pre-commit, pre-push], so that "
        "`pre-commit install` installs the push hook that checks a release tag"
    )
    if get(root, "default_stages") is None:
        lines += [
            "# Hooks that name no stage run at commit only, not again at push.\n",
            recipe.line_of("default_stages"),
        ]
        remark += (
            ", and default_stages: [pre-commit], so that the hooks that name no stage still run "
            "at commit only"
        )
    pushed = [
        _hook_id(hook)
        for entry in config.entries
        for hook in _items(get(entry, "hooks"))
        if _PUSH_STAGES & {scalar(stage) for stage in _items(get(hook, "stages"))}
    ]
    if pushed:
        remark += f". Hooks that name the push stage now run at push too: {', '.join(pushed)}"
    first_key = root.value[0][0]
    indent = " " * first_key.start_mark.column
    text = "".join(indent + line for chunk in lines for line in chunk.splitlines(keepends=True))
    edit = config.doc.insert_before_line_of(first_key, text)
    return [edit], ["default_install_hook_types"], [remark + "."]


def _add_entries(config: _Config, entries: list[MappingNode], recipe: _Recipe) -> list[Edit]:
    """The recipe's ``entries`` at the end of ``repos:``, indented like the file's."""
    columns = style_columns(recipe.styles, config.styles(recipe))
    block = reindent("".join(recipe.block(entry) for entry in entries), columns)
    return config.doc.append_items(config.repos_key, config.repos, block)


def _differences(config: _Config, recipe: _Recipe, hooks_repo: str) -> list[str]:
    """How init's entry differs from the recipe's, beyond what init keeps current itself."""
    found = []
    if len(config.ours) > 1:
        found.append(f"the metstandards hooks are in {len(config.ours)} entries of repos")
    entry = config.ours[0]
    repo = scalar(get(entry, "repo"))
    if not _same_repo(repo, hooks_repo):
        found.append(f"its repo is {repo!r}, not {hooks_repo!r}")
    extra = [key for key in keys(entry) if key not in _ENTRY_KEYS]
    if extra:
        found.append(f"it sets {', '.join(extra)}")
    if scalar(get(entry, "rev")) is None:
        found.append("it has no rev")
    hooks = get(entry, "hooks")
    if not isinstance(hooks, SequenceNode) or config.doc.seq_style(hooks) is None:
        return [*found, "its hooks are not a block list of hook mappings"]
    known = {_hook_id(hook) for hook in recipe.hooks}
    for hook in _items(hooks):
        hook_id = _hook_id(hook)
        options = [key for key in keys(hook) if key != "id"]
        if hook_id not in known:
            found.append(f"it runs {hook_id or 'a hook without an id'}, which the recipe does not")
        elif options:
            found.append(f"{hook_id} sets {', '.join(options)}")
    return found


def _conflict(differences: list[str]) -> str:
    return (
        f"{RELPATH}: the metstandards entry differs from the recipe: {'; '.join(differences)}. "
        "The file was left as it is; --force writes what the diff shows: that entry replaced by "
        "the recipe's, the other hooks as they are."
    )


def _replace(config: _Config, recipe: _Recipe) -> list[Edit]:
    """``--force``: init's entry becomes the recipe's; a second entry of its hooks goes."""
    columns = style_columns(recipe.styles, config.styles(recipe))
    first, *rest = config.ours
    start, end = config.doc.item_lines(first, with_comments=False)
    edits = [Edit(start, end, reindent(recipe.block(recipe.ours), columns))]
    for entry in rest:
        start, end = config.doc.item_lines(entry, with_comments=False)
        edits.append(Edit(start, end, ""))
    return edits


def _update(config: _Config, recipe: _Recipe, pin: Pin) -> list[Edit]:
    """init's entry brought up to date: the pinned commit, and the recipe's hooks it lacks."""
    entry = config.ours[0]
    edits = []
    rev = get(entry, "rev")
    if rev is not None:  # a missing one is a difference from the recipe
        text = config.doc.text
        start, stop = int(rev.start_mark.index), int(rev.end_mark.index)
        eol = line_end(text, stop)
        eol -= text.endswith("\n", 0, eol)  # before the newline: the comment is replaced, not it
        frozen = _FROZEN.fullmatch(text[stop:eol])
        if scalar(rev) != pin.ref or frozen is None or frozen.group(1) != pin.version:
            quote = text[start] if text[start] in "'\"" else ""
            edits.append(Edit(start, eol, f"{quote}{pin.ref}{quote}  # frozen: {pin.version}"))
    hooks = get(entry, "hooks")
    present = {_hook_id(hook) for hook in _items(hooks)}
    missing = [hook for hook in recipe.hooks if _hook_id(hook) not in present]
    style = config.doc.seq_style(hooks) if isinstance(hooks, SequenceNode) else None
    if missing and style is not None:
        columns = style_columns(recipe.styles[1:], [style])
        block = reindent("".join(recipe.block(hook) for hook in missing), columns)
        edits.append(config.doc.insert_after(_items(hooks)[-1], block))
    return edits


def _not_added(missing: list[MappingNode], pin: Pin) -> str:
    hooks = ", ".join(
        f"{_hook_id(hook)} ({(scalar(get(entry, 'repo')) or '').removeprefix('https://github.com/')})"
        for entry in missing
        for hook in _items(get(entry, "hooks"))
    )
    recipe = f"https://github.com/{pin.repository}/blob/{pin.ref}/hooks/pre-commit-config.yaml"
    return (
        f"{RELPATH}: not added from the recipe: {hooks}. The configuration has hooks of its own: "
        "a formatter could fight one it already runs, and mypy without the project's "
        "dependencies fails commits of code that passed before. Add them deliberately, from "
        f"{recipe}"
    )

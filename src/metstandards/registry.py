"""The one code -> rule registry. Built-in rules and plugins arrive the same way: through the
``metstandards.rules`` entry-point group, so another weather service can ship rules as a package.

Importing a rule runs its module's code, so a plugin's rules are imported only once a project
selects their prefix (``select = ["MS", "DWD"]``): a package that happens to be installed, or a
``*.dist-info`` directory that happens to lie where Python looks, runs nothing. Their codes are
known without importing them (they are the entry points' names), so configuration that names
them is checked all the same. The built-in rules, metstandards' own code, load at once.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from metstandards.rule import Rule

GROUP = "metstandards.rules"
_CODE = re.compile(r"^[A-Z]{1,6}[0-9]{3,4}$")


class RegistryError(Exception):
    """A rule plugin is broken; the message names the entry point and the distribution."""


@dataclass(frozen=True)
class Registry:
    """The loaded rules by code, and where every known rule comes from (``dist==version``),
    loaded or not; plugin rules wait in ``pending`` until a selection names them."""

    rules: dict[str, type[Rule]]
    origins: Mapping[str, str]
    pending: dict[str, EntryPoint] = field(default_factory=dict)

    @property
    def codes(self) -> frozenset[str]:
        """Every known code, loaded or not."""
        return frozenset(self.origins) | frozenset(self.rules)

    def load_selected(self, select: tuple[str, ...]) -> None:
        """Import the pending rules whose code a selected prefix names."""
        for code in [c for c in self.pending if any(c.startswith(p) for p in select)]:
            self.rules[code] = _load(self.pending.pop(code))

    def load_all(self) -> None:
        """Import every pending rule (to list or explain them all)."""
        self.load_selected(("",))

    @property
    def options(self) -> dict[str, tuple[str, ...]]:
        """Every rule option name with its default (rules sharing an option share its default)."""
        found: dict[str, tuple[str, ...]] = {}
        for _, rule in sorted(self.rules.items()):
            for name, default in rule.OPTIONS.items():
                found.setdefault(name, tuple(default))
        return found

    @property
    def prefixes(self) -> frozenset[str]:
        """The alphabetic code prefixes (``MS``...), which ``# noqa`` comments are read for."""
        return frozenset(code.rstrip("0123456789") for code in self.rules)

    def selected(self, select: tuple[str, ...], ignore: tuple[str, ...]) -> list[type[Rule]]:
        """Rules whose code starts with a selected prefix and with no ignored one, by code.

        The longer (more specific) matching prefix wins, as in ruff: ``select=["MS2"]`` with
        ``ignore=["MS"]`` keeps the MS2 rules.
        """
        self.load_selected(select)
        chosen = []
        for code, rule in sorted(self.rules.items()):
            selected = max((len(p) for p in select if code.startswith(p)), default=-1)
            ignored = max((len(p) for p in ignore if code.startswith(p)), default=-1)
            if selected > ignored:
                chosen.append(rule)
        return chosen


class _DeferredModule(types.ModuleType):
    """A module whose code runs when an attribute it does not have yet is first asked for.

    ``importlib.util.LazyLoader`` loads on *any* attribute, and the ``import`` statement itself
    reads ``__spec__``; this one answers the import system's own attributes from the module's
    dictionary and loads on the first other one. ``__path__`` is held back until then, so a
    submodule import also runs the package's ``__init__`` first, as it would without deferral.
    """

    def __getattr__(self, name: str) -> Any:
        spec = self.__spec__
        assert spec is not None
        assert spec.loader is not None
        self.__class__ = types.ModuleType  # type: ignore[assignment]
        if spec.submodule_search_locations is not None:
            self.__path__ = spec.submodule_search_locations
        try:
            spec.loader.exec_module(self)
        except BaseException:
            del sys.modules[spec.name]
            raise
        return getattr(self, name)


def _defer_import(name: str) -> None:
    """Make ``import name`` cheap until the module is used (see ``_DeferredModule``).

    Rules import libcst at module level, which costs as much as the rest of a warm run (every
    file answered from the cache), and nothing uses it there.
    """
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    module.__class__ = _DeferredModule
    if spec.submodule_search_locations is not None:
        del module.__path__
    sys.modules[name] = module


#: The distribution whose rules are metstandards' own: loaded at once.
_OWN = "metstandards"


def load_registry() -> Registry:
    """Every rule registered under the entry-point group: metstandards' own loaded, plugins'
    known by code and loaded when selected (see the module docstring)."""
    _defer_import("libcst")
    rules: dict[str, type[Rule]] = {}
    origins: dict[str, str] = {}
    pending: dict[str, EntryPoint] = {}
    for entry in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        dist = _origin(entry)
        if not _CODE.match(entry.name):
            raise RegistryError(f"{_where(entry)}: the entry-point name must be a rule code")
        if entry.name in origins:
            taken = origins[entry.name]
            raise RegistryError(f"{_where(entry)}: code {entry.name} is already taken by {taken}")
        origins[entry.name] = dist
        if entry.dist is not None and dist.partition("==")[0] == _OWN:
            rules[entry.name] = _load(entry)
        else:
            pending[entry.name] = entry
    return Registry(rules, origins, pending)


#: ``name==version`` of each distribution object seen: ``Distribution.name`` and ``.version``
#: parse its METADATA file anew on every access (about a millisecond each, for every rule).
_ORIGINS: dict[int, tuple[object, str]] = {}


def _origin(entry: EntryPoint) -> str:
    """``name==version`` of the distribution that registers ``entry``, or "unknown"."""
    dist = entry.dist
    if dist is None:
        return "unknown"
    known = _ORIGINS.get(id(dist))
    if known is None or known[0] is not dist:
        metadata = dist.metadata  # read once for both fields
        known = _ORIGINS[id(dist)] = (dist, f"{metadata['Name']}=={metadata['Version']}")
    return known[1]


def _where(entry: EntryPoint) -> str:
    return f"entry point {entry.name} = {entry.value} (from {_origin(entry)})"


def _load(entry: EntryPoint) -> type[Rule]:
    """The rule class an entry point names, checked; RegistryError when it is broken."""
    try:
        rule = entry.load()
    except Exception as error:  # a plugin may fail in any way on import
        raise RegistryError(f"cannot load rule {_where(entry)}: {error}") from None
    if not (isinstance(rule, type) and issubclass(rule, Rule)):
        raise RegistryError(f"{_where(entry)} is not a metstandards Rule subclass")
    if getattr(rule, "code", None) != entry.name:
        raise RegistryError(f"{_where(entry)}: the rule's code must equal the entry-point name")
    return rule

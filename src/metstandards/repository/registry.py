"""The repository checks by code, loaded from the ``metstandards.repository_checks`` entry-point
group: the built-in MS6xx checks and another weather service's plugins arrive the same way."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points

from metstandards.registry import RegistryError
from metstandards.repository.check import RepositoryCheck

__all__ = ["GROUP", "CheckRegistry", "RegistryError", "load_checks"]

GROUP = "metstandards.repository_checks"
_CODE = re.compile(r"^[A-Z]{1,6}[0-9]{3,4}$")


@dataclass(frozen=True)
class CheckRegistry:
    """Every repository check by code, and where each came from (``dist==version``)."""

    checks: Mapping[str, type[RepositoryCheck]]
    origins: Mapping[str, str]


def load_checks() -> CheckRegistry:
    """Load every check registered under the entry-point group; a broken one raises
    :class:`RegistryError` naming the entry point and its distribution."""
    checks: dict[str, type[RepositoryCheck]] = {}
    origins: dict[str, str] = {}
    for entry in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        dist = f"{entry.dist.name}=={entry.dist.version}" if entry.dist else "unknown"
        where = f"entry point {entry.name} = {entry.value} (from {dist})"
        try:
            check = entry.load()
        except Exception as error:  # a plugin may fail in any way on import
            raise RegistryError(f"cannot load repository check {where}: {error}") from None
        if not (isinstance(check, type) and issubclass(check, RepositoryCheck)):
            raise RegistryError(f"{where} is not a metstandards RepositoryCheck subclass")
        if getattr(check, "code", None) != entry.name or not _CODE.match(entry.name):
            raise RegistryError(f"{where}: the check's code must equal the entry-point name")
        for attribute in ("name", "family"):
            if not isinstance(getattr(check, attribute, None), str):
                raise RegistryError(f"{where}: the check has no {attribute}")
        if entry.name in checks:
            taken = origins[entry.name]
            raise RegistryError(f"{where}: code {entry.name} is already taken by {taken}")
        checks[entry.name] = check
        origins[entry.name] = dist
    return CheckRegistry(checks, origins)

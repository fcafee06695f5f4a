"""The version a project declares, found where its build backend would look, without running it.

The places are tried in the order a build honours them: a static ``[project].version`` (PEP 621
forbids a backend to change it), then what ``pyproject.toml`` points to (hatch's ``path``,
setuptools' ``attr``/``file``), then versions derived from the git tag (setuptools-scm,
hatch-vcs, setuptools-git-versioning, versioningit, versioneer, pdm's scm source,
uv-dynamic-versioning, poetry-dynamic-versioning, which replaces the placeholder
``[tool.poetry].version``), ``[tool.poetry].version``, the legacy ``setup.cfg`` and
``setup.py``, and last a literal ``__version__`` in the package itself (what flit reads for a
dynamic version).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from metstandards._toml import parsed, tomllib
from metstandards.config import key_line, table_line
from metstandards.gates.legacy_setup import (
    SETUP_CFG,
    SETUP_PY,
    from_setup_cfg,
    from_setup_py,
    load_setup_cfg,
    setup_cfg_name,
)
from metstandards.gates.python_literals import module_literals, parse
from metstandards.gates.version_files import (
    DeclarationError,
    Declared,
    Derived,
    Pointer,
    attribute,
    literal_in,
    read_text,
    version_file,
)

__all__ = ["DeclarationError", "Declared", "Derived", "read_declared_version"]

PYPROJECT = "pyproject.toml"
_LOOKED = (
    "[project].version, [tool.hatch.version], [tool.setuptools.dynamic].version and "
    "[tool.poetry].version in pyproject.toml, [metadata] version in setup.cfg, "
    "setup(version=...) in setup.py, and a literal __version__ in the package's __init__.py "
    "(src/<package>/ or <package>/)"
)


@dataclass(frozen=True)
class _Toml:
    """``pyproject.toml`` parsed, with its text kept for line numbers."""

    text: str
    data: Mapping[str, Any]

    def table(self, dotted: str) -> Mapping[str, Any]:
        """The table at ``dotted`` (``tool.poetry``), or empty if absent or not a table."""
        current: Any = self.data
        for key in dotted.split("."):
            current = current.get(key) if isinstance(current, Mapping) else None
        return current if isinstance(current, Mapping) else {}

    def line(self, table: str, key: str | None = None) -> int:
        """The line of ``key`` in ``[table]`` (or of a ``[table.key]`` header), else the table's."""
        if key is not None:
            found = key_line(self.text, table, key) or table_line(self.text, f"{table}.{key}")
            if found:
                return found
        return table_line(self.text, table) or 1

    def pointer(self, table: str, key: str) -> Pointer:
        return Pointer(PYPROJECT, self.line(table, key), f"[{table}] {key}")

    def is_dynamic(self) -> bool:
        """Whether ``[project].dynamic`` leaves the version to the build backend."""
        dynamic = self.table("project").get("dynamic")
        return isinstance(dynamic, list) and "version" in dynamic


def read_declared_version(root: Path) -> Declared | Derived:
    """The project's version declaration; raises :class:`DeclarationError` when there is none."""
    pyproject = _load_pyproject(root)
    setup_cfg = load_setup_cfg(root)
    found = (
        _from_pyproject(root, pyproject)
        or from_setup_cfg(root, setup_cfg)
        or from_setup_py(root)
        or _from_package(root, _package_names(pyproject, setup_cfg_name(setup_cfg)))
    )
    if found:
        return found
    where = next((n for n in (PYPROJECT, SETUP_CFG, SETUP_PY) if (root / n).is_file()), PYPROJECT)
    said = ""
    if pyproject and pyproject.is_dynamic():
        said = " ([project].dynamic lists it, but nothing says where it comes from)"
    raise DeclarationError(where, 1, f"no version declared{said}: looked for {_LOOKED}")


def _load_pyproject(root: Path) -> _Toml | None:
    if not (root / PYPROJECT).is_file():
        return None
    text = read_text(root, PYPROJECT)
    try:
        return _Toml(text, parsed(text))
    except tomllib.TOMLDecodeError as error:
        line, message = _toml_position(text, str(error))
        raise DeclarationError(PYPROJECT, line, f"{PYPROJECT}: invalid TOML: {message}") from None


def _toml_position(text: str, message: str) -> tuple[int, str]:
    """The line tomllib names in its message ("(at line 3, column 7)", "(at end of document)"),
    and the message without it."""
    found = re.search(r"\s*\((?:at line (\d+), column \d+|at end of document)\)$", message)
    last_line = max(len(text.splitlines()), 1)
    if found is None:
        return last_line, message
    return int(found.group(1)) if found.group(1) else last_line, message[: found.start()]


def _from_pyproject(root: Path, toml: _Toml | None) -> Declared | Derived | None:
    if toml is None:
        return None
    return (
        _static(toml, "project")
        or _hatch_version(root, toml)
        or _setuptools_dynamic(root, toml)
        or _derived(toml)
        or _static(toml, "tool.poetry")
    )


def _static(toml: _Toml, table: str) -> Declared | None:
    """``version = "..."`` written in ``[table]``."""
    version = toml.table(table).get("version")
    if version is None:
        return None
    line = toml.line(table, "version")
    if not isinstance(version, str):
        message = f"[{table}].version must be a string, got {version!r}"
        raise DeclarationError(PYPROJECT, line, message)
    return Declared(version, PYPROJECT, line, f"{PYPROJECT} [{table}].version")


#: hatch version sources (plugins) that read the git tag.
_HATCH_TAG_SOURCES = {
    "vcs": "hatch-vcs",
    "uv-dynamic-versioning": "uv-dynamic-versioning",
    "versioningit": "versioningit",
}


def _hatch_version(root: Path, toml: _Toml) -> Declared | Derived | None:
    """hatch-vcs (``source = "vcs"``), or hatch's default source reading the file at ``path``."""
    table = "tool.hatch.version"
    hatch = toml.table(table)
    source = hatch.get("source")
    if source in _HATCH_TAG_SOURCES:
        return Derived(_HATCH_TAG_SOURCES[source], PYPROJECT, toml.line(table, "source"))
    path = hatch.get("path")
    if path is None:
        return None
    pointer = toml.pointer(table, "path")
    if not isinstance(path, str):
        raise pointer.error(f"must be a file path, got {path!r}")
    return literal_in(root, path, ("__version__", "VERSION"), pointer)


def _setuptools_dynamic(root: Path, toml: _Toml) -> Declared | None:
    """``[tool.setuptools.dynamic] version = {attr = "..."}`` or ``{file = "..."}``."""
    table = "tool.setuptools.dynamic"
    spec = toml.table(table).get("version")
    if spec is None:
        return None
    pointer = toml.pointer(table, "version")
    if isinstance(spec, Mapping) and isinstance(spec.get("attr"), str):
        return attribute(root, spec["attr"], pointer)
    if isinstance(spec, Mapping) and "file" in spec:
        return version_file(root, spec["file"], pointer)
    raise pointer.error(
        f'must be {{attr = "pkg.__version__"}} or {{file = "VERSION"}}, got {spec!r}'
    )


#: ``[tool.<name>]`` tables whose presence means the build takes the version from the git tag.
_TAG_TOOL_TABLES = {
    "setuptools_scm": "setuptools-scm",
    "setuptools-git-versioning": "setuptools-git-versioning",
    "versioningit": "versioningit",
    "uv-dynamic-versioning": "uv-dynamic-versioning",
    "versioneer": "versioneer",
}
#: Build requirements that do the same when ``[project].dynamic`` lists the version.
_TAG_REQUIRES = (
    "setuptools-scm",
    "setuptools-git-versioning",
    "versioningit",
    "flit-scm",
    "uv-dynamic-versioning",
)


def _derived(toml: _Toml) -> Derived | None:
    """A plugin that makes the version from the git tag; reached only when none is written."""
    requires = _build_requires(toml)
    tools = toml.table("tool")
    for name, mechanism in _TAG_TOOL_TABLES.items():
        # setuptools-git-versioning is configured even when switched off: `enabled = false`.
        if name in tools and toml.table(f"tool.{name}").get("enabled", True) is not False:
            return Derived(mechanism, PYPROJECT, toml.line(f"tool.{name}"))
    if toml.table("tool.pdm.version").get("source") == "scm":
        return Derived("pdm-backend (scm)", PYPROJECT, toml.line("tool.pdm.version", "source"))
    for mechanism in _TAG_REQUIRES:
        if mechanism in requires and toml.is_dynamic():
            return Derived(mechanism, PYPROJECT, toml.line("build-system", "requires"))
    table = "tool.poetry-dynamic-versioning"
    enable = toml.table(table).get("enable")
    if enable is True:
        return Derived("poetry-dynamic-versioning", PYPROJECT, toml.line(table, "enable"))
    if enable is None and "poetry-dynamic-versioning" in requires:
        line = toml.line("build-system", "requires")
        return Derived("poetry-dynamic-versioning", PYPROJECT, line)
    return None


def _build_requires(toml: _Toml) -> frozenset[str]:
    """Canonical names in ``[build-system].requires``; a broken entry is the build's problem."""
    requires = toml.table("build-system").get("requires")
    names = set()
    for item in requires if isinstance(requires, list) else ():
        try:
            names.add(canonicalize_name(Requirement(str(item)).name))
        except InvalidRequirement:
            continue
    return frozenset(names)


def _package_names(toml: _Toml | None, setup_cfg_name: str | None) -> Iterator[str]:
    """Import names the project's metadata suggests, flit's ``[tool.flit.module]`` first."""
    names = [setup_cfg_name]
    if toml is not None:
        tables = ("tool.flit.module", "project", "tool.poetry")
        names = [toml.table(table).get("name") for table in tables] + names
    for name in names:
        if isinstance(name, str) and name.strip():
            yield re.sub(r"[-.]+", "_", name.strip())


def _from_package(root: Path, names: Iterator[str]) -> Declared | None:
    """A literal ``__version__`` in the named package, else in the first package that has one."""
    named = (
        f"{base}{name}{end}"
        for name in names
        for base in ("src/", "")
        for end in ("/__init__.py", ".py")
    )
    found = (
        *named,
        *sorted(p.relative_to(root).as_posix() for p in root.glob("src/*/__init__.py")),
        *sorted(p.relative_to(root).as_posix() for p in root.glob("*/__init__.py")),
    )
    for relpath in dict.fromkeys(found):
        version = _literal_version(root / relpath)
        if version is not None:
            return Declared(version[0], relpath, version[1], f"{relpath} __version__")
    return None


def _literal_version(path: Path) -> tuple[str, int] | None:
    """``__version__`` in ``path`` if it is a readable module assigning a literal to it.

    This is a guess at where the version might be, so an unreadable file is passed over: lint
    reports syntax errors (MS000) where they matter.
    """
    if not path.is_file():
        return None
    try:
        return module_literals(parse(path)).get("__version__")
    except (OSError, SyntaxError, ValueError):
        return None

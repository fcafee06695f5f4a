"""Effective settings: the WG3 profile from ``rules/profiles``, overridden by
``[tool.metstandards]``.

Every user error names the file, the line and the key, and raises :class:`ConfigError`; the CLI
turns it into exit status 2 without a traceback.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metstandards._toml import parsed, tomllib
from metstandards.data import data_dir

if TYPE_CHECKING:
    from metstandards.registry import Registry


SECTION = "tool.metstandards"
_LIST_KEYS = (
    "select",
    "ignore",
    "include",
    "exclude",
    "extend-exclude",
    "test-paths",
    "non-package-paths",
    "notebook-select",
    "notebook-ignore",
)
#: The sections of ``metstandards check`` (profile tables, ``[tool.metstandards.<name>]`` tables).
CHECK_SECTIONS = (
    "check",
    "complexity",
    "version-tag",
    "ruff",
    "mypy",
    "bandit",
    "pip-audit",
    "duplicates",
    "repository",
    "audit",
    "audit-weights",
)
_KEYS = frozenset(
    {
        *_LIST_KEYS,
        *CHECK_SECTIONS,
        "profile",
        "per-file-ignores",
        "max-file-size-kb",
        "cache-dir",
        "options",
    }
)
_EXTEND = "extend-"
_CODE_KEYS = ("select", "ignore", "notebook-select", "notebook-ignore")


class ConfigError(Exception):
    """A configuration problem the user must fix; the message names file, line and key."""


@dataclass(frozen=True)
class Config:
    """The settings one run works with."""

    root: Path
    source: Path | None = None
    profile: str = "wg3"
    select: tuple[str, ...] = ("MS",)
    ignore: tuple[str, ...] = ()
    include: tuple[str, ...] = ("*.py", "*.ipynb")
    exclude: tuple[str, ...] = ()
    test_paths: tuple[str, ...] = ()
    non_package_paths: tuple[str, ...] = ()
    #: Codes or prefixes checked in notebooks, and not checked there, besides each rule's own
    #: ``notebooks`` (``notebook-select``, ``notebook-ignore``).
    notebook_select: tuple[str, ...] = ()
    notebook_ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    max_file_size_kb: int = 2048
    cache_dir: str = ".metstandards_cache"
    #: Rule options changed by ``[tool.metstandards.options]``: name -> effective words.
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()
    origins: Mapping[str, str] = field(default_factory=dict, compare=False)

    def fingerprint(self) -> dict[str, Any]:
        """The settings that change what a file's check produces (part of the cache key)."""
        return {
            "select": self.select,
            "ignore": self.ignore,
            "test_paths": self.test_paths,
            "non_package_paths": self.non_package_paths,
            "notebook_select": self.notebook_select,
            "notebook_ignore": self.notebook_ignore,
            "max_file_size_kb": self.max_file_size_kb,
            "options": self.options,
        }


#: Files that make a directory a Python project's root.
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")


def find_root(start: Path) -> Path:
    """The project ``start`` belongs to: the nearest directory at or above it with a
    ``pyproject.toml``, ``setup.py`` or ``setup.cfg``, else the git work tree it is in.

    Without either there is no project to speak of: adopting the current directory instead once
    made a run from a temporary folder check fifteen thousand unrelated files and leave a cache
    there. That is a ConfigError naming the path.
    """
    start = Path(os.path.abspath(start))
    here = start if start.is_dir() else start.parent
    for candidate in (here, *here.parents):
        if any((candidate / marker).is_file() for marker in PROJECT_MARKERS):
            return candidate
        if (candidate / ".git").exists():
            return candidate
    raise ConfigError(
        f"{start} is in no Python project: no pyproject.toml, setup.py or setup.cfg, and no git "
        "work tree, at or above it; run metstandards inside a project (or add a pyproject.toml)"
    )


def _header(line: str) -> str | None:
    """The dotted name of a ``[table]`` or ``[[array]]`` header line, unquoted, or None."""
    found = re.match(r"^\s*\[+\s*([^\]]+?)\s*\]+", line)
    if found is None:
        return None
    return re.sub(r"\s*\.\s*", ".", found.group(1).replace('"', "").replace("'", ""))


def key_line(text: str, table: str, key: str) -> int | None:
    """The line (1-based) where ``key`` is set inside ``[table]`` ("" = top level), or None."""
    current = ""
    key_pattern = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*[=.]""")
    for number, line in enumerate(text.splitlines(), start=1):
        header = _header(line)
        if header is not None:
            current = header
        elif current == table and key_pattern.match(line):
            return number
    return None


def table_line(text: str, table: str) -> int | None:
    """The line (1-based) of the ``[table]`` header, or None."""
    for number, line in enumerate(text.splitlines(), start=1):
        if _header(line) == table:
            return number
    return None


def _toml_error(path: Path, text: str, error: tomllib.TOMLDecodeError) -> ConfigError:
    """``path:line:column: invalid TOML: ...``; tomllib puts the position in its message."""
    message = str(error)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        line, column = int(found.group(1)), int(found.group(2))
        message = message[: found.start()]
    elif message.endswith("(at end of document)"):
        lines = text.splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
        message = message[: -len("(at end of document)")].rstrip() + " at the end of the file"
    else:  # pragma: no cover - every tomllib error names its position
        line, column = 1, 1
    return ConfigError(f"{path}:{line}:{column}: invalid TOML: {message}")


def dotted(*names: str) -> str:
    """A table's dotted name from its parts; "" (the top level of a file) adds nothing."""
    return ".".join(name for name in names if name)


class Reader:
    """Validates one ``[tool.metstandards]`` table (or the top level of a settings file of
    metstandards' own, ``table=""``), naming file and line in every error."""

    def __init__(self, path: Path, text: str, table: str) -> None:
        self.path = path
        self.text = text
        self.table = table

    def error(self, key: str, message: str, *, within: str | None = None) -> ConfigError:
        """An error about ``key``; ``within`` is a sub-table key (``per-file-ignores``)."""
        if within is None:
            line = key_line(self.text, self.table, key)
            where = f"[{self.table}] {key}" if self.table else key
        else:
            line = key_line(self.text, dotted(self.table, within), key) or key_line(
                self.text, self.table, within
            )
            where = f"[{dotted(self.table, within)}] {key!r}"
        line = line or table_line(self.text, self.table) or 1
        return ConfigError(f"{self.path}:{line}: {where}: {message}")

    def where(self, key: str) -> str:
        """``file:line`` of ``key`` in this table, for showing where a setting came from."""
        line = (
            key_line(self.text, self.table, key)
            or table_line(self.text, dotted(self.table, key))
            or table_line(self.text, self.table)
            or 1
        )
        return f"{self.path.name}:{line}"

    def strings(self, key: str, value: object, *, within: str | None = None) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.error(key, f"must be a list of strings, got {value!r}", within=within)
        return tuple(value)


def _check_codes(
    reader: Reader,
    key: str,
    codes: Iterable[str],
    known: frozenset[str],
    *,
    within: str | None = None,
) -> None:
    for code in codes:
        if not code or not any(known_code.startswith(code) for known_code in known):
            close = difflib.get_close_matches(code.upper(), sorted(known), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise reader.error(key, f"unknown rule code or prefix {code!r}{hint}", within=within)


def _check_notebook_select(reader: Reader, codes: Iterable[str], registry: Registry) -> None:
    """A project rule named in ``notebook-select`` is an error: project rules decide over the
    package and its tests and never run in notebooks (a prefix that covers one is fine)."""
    from metstandards.rule import ProjectRule

    for code in codes:
        rule = registry.rules.get(code)
        if rule is not None and issubclass(rule, ProjectRule):
            raise reader.error(
                "notebook-select",
                f"{code} is a project-level rule: it decides over the package and its tests, "
                "and never runs in notebooks",
            )


def profile_path(name: str) -> Path:
    """The file of a shipped profile; an unknown name is a ConfigError listing the known ones."""
    path = data_dir("rules") / "profiles" / f"{name}.toml"
    if not path.is_file():
        available = sorted(p.stem for p in path.parent.glob("*.toml"))
        raise ConfigError(f"unknown profile {name!r}; available: {', '.join(available)}")
    return path


def load_profile(name: str, table: str = "lint") -> dict[str, Any]:
    """One table (``lint``, ``complexity``, ...) of a shipped profile."""
    with profile_path(name).open("rb") as handle:
        section: dict[str, Any] = tomllib.load(handle).get(table, {})
    return section


def _read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    """The text of the TOML file ``path`` and its tables (ConfigError if broken)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    try:
        return text, parsed(text)
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(path, text, error) from None


def read_pyproject(path: Path) -> tuple[str, dict[str, Any]]:
    """The text of ``path`` and its ``[tool.metstandards]`` table (ConfigError if broken)."""
    text, data = _read_toml(path)
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        line = key_line(text, "", "tool") or 1
        raise ConfigError(f"{path}:{line}: tool: must be a table, got {tool!r}")
    section = tool.get("metstandards", {})
    if not isinstance(section, dict):
        line = key_line(text, "tool", "metstandards") or key_line(text, "", "tool") or 1
        raise ConfigError(f"{path}:{line}: [tool] metstandards: must be a table, got {section!r}")
    return text, section


@dataclass(frozen=True)
class SettingsFile:
    """The file metstandards' own settings come from, and the table in it that holds them."""

    path: Path
    text: str
    #: ``tool.metstandards`` in a ``pyproject.toml``; "" (the top level) in any other file.
    section: str
    values: dict[str, Any]


def read_settings_file(path: Path) -> SettingsFile:
    """The settings file that ``--config`` names. A file named ``pyproject.toml`` holds them in
    ``[tool.metstandards]`` (which it must have: it was named for them); any other TOML file
    (``metstandards.toml``) holds them at its top level, ``[per-file-ignores]``,
    ``[complexity]`` and the other tables included. A ConfigError names what is wrong."""
    if not path.exists():
        raise ConfigError(f"--config {path}: no such file")
    if path.is_dir():
        raise ConfigError(f"--config {path}: is a directory, not a settings file")
    path = Path(os.path.abspath(path))
    if path.name == "pyproject.toml":
        text, section = read_pyproject(path)
        if table_line(text, SECTION) is None and not section:
            raise ConfigError(
                f"--config {path}: has no [{SECTION}] table (a file of metstandards' own "
                "settings, not named pyproject.toml, holds them at its top level)"
            )
        return SettingsFile(path, text, SECTION, section)
    text, data = _read_toml(path)
    return SettingsFile(path, text, "", data)


def project_settings(root: Path, settings_file: Path | None = None) -> SettingsFile | None:
    """Where the settings of the project at ``root`` come from: ``settings_file`` (``--config``)
    when given, which replaces the project's own, else ``[tool.metstandards]`` of
    ``root/pyproject.toml``; None when there is neither file."""
    if settings_file is not None:
        return read_settings_file(settings_file)
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return None
    text, section = read_pyproject(pyproject)
    return SettingsFile(pyproject, text, SECTION, section)


def _per_file_ignores(
    reader: Reader, user: Mapping[str, Any], known_codes: frozenset[str]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = user.get("per-file-ignores", {})
    if not isinstance(raw, dict):
        raise reader.error("per-file-ignores", f"must be a table of glob = [codes], got {raw!r}")
    per_file = []
    for pattern, codes in raw.items():
        parsed = reader.strings(pattern, codes, within="per-file-ignores")
        _check_codes(reader, pattern, parsed, known_codes, within="per-file-ignores")
        per_file.append((pattern, parsed))
    return tuple(per_file)


def _options(
    reader: Reader, user: Mapping[str, Any], known: Mapping[str, tuple[str, ...]]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``name = [...]`` replaces a rule option's default words, ``extend-name = [...]`` adds."""
    raw = user.get("options", {})
    if not isinstance(raw, dict):
        raise reader.error("options", f"must be a table of option = [words], got {raw!r}")
    replaced: dict[str, tuple[str, ...]] = {}
    extended: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        name = key[len(_EXTEND) :] if key.startswith(_EXTEND) else key
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise reader.error(key, f"unknown rule option{hint}", within="options")
        words = reader.strings(key, value, within="options")
        (extended if key.startswith(_EXTEND) else replaced)[name] = words
    return tuple(
        (name, replaced.get(name, known[name]) + extended.get(name, ()))
        for name in sorted({*replaced, *extended})
    )


def _cache_dir(reader: Reader, user: Mapping[str, Any], root: Path) -> str:
    cache_dir = user.get("cache-dir", ".metstandards_cache")
    if not isinstance(cache_dir, str):
        raise reader.error("cache-dir", f"must be a string, got {cache_dir!r}")
    absolute_root = Path(os.path.abspath(root))
    if absolute_root.is_relative_to(os.path.normpath(absolute_root / cache_dir)):
        # The cache directory gets a `.gitignore` of `*`, which would hide the whole project.
        raise reader.error(
            "cache-dir", f"must not be the project root or a directory above it, got {cache_dir!r}"
        )
    return cache_dir


def _check_keys(reader: Reader, user: Mapping[str, Any]) -> None:
    for key in user:
        if key not in _KEYS:
            close = difflib.get_close_matches(key, sorted(_KEYS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            if key == "tool" and not reader.table:
                hint = f" (this file holds the settings at its top level, without [{SECTION}])"
            raise reader.error(key, f"unknown setting{hint}")


def load_config(root: Path, registry: Registry, settings_file: Path | None = None) -> Config:
    """Read ``root/pyproject.toml`` (if any), or ``settings_file`` instead (``--config``), over
    the profile it names (default ``wg3``), checking rule codes and rule options against the
    installed rules in ``registry``."""
    known_codes = registry.codes
    found = project_settings(root, settings_file)
    user: dict[str, Any] = found.values if found is not None else {}
    if found is not None:
        reader = Reader(found.path, found.text, found.section)
    else:
        reader = Reader(root / "pyproject.toml", "", SECTION)
    _check_keys(reader, user)

    profile_name = user.get("profile", "wg3")
    if not isinstance(profile_name, str):
        raise reader.error("profile", f"must be a string, got {profile_name!r}")
    try:
        profile = load_profile(profile_name)
    except ConfigError as error:
        raise reader.error("profile", str(error)) from None

    settings: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for key in _LIST_KEYS:
        if key in user:
            settings[key] = reader.strings(key, user[key])
            origins[key] = reader.where(key)
        else:
            settings[key] = tuple(profile.get(key, ()))
            origins[key] = f"profile {profile_name}"
    for key in _CODE_KEYS:
        _check_codes(reader, key, settings[key], known_codes)
    # Plugin rules are imported once selected; their options are known from then on.
    registry.load_selected(settings["select"])
    _check_notebook_select(reader, settings["notebook-select"], registry)

    max_kb = user.get("max-file-size-kb", profile.get("max-file-size-kb", 2048))
    if not isinstance(max_kb, int) or isinstance(max_kb, bool) or max_kb <= 0:
        raise reader.error("max-file-size-kb", f"must be a positive integer, got {max_kb!r}")

    for key in ("profile", "max-file-size-kb", "cache-dir", "per-file-ignores", "options"):
        default = f"profile {profile_name}" if key == "max-file-size-kb" else "default"
        origins[key] = reader.where(key) if key in user else default
    return Config(
        root=root,
        source=found.path if found is not None else None,
        profile=profile_name,
        select=settings["select"],
        ignore=settings["ignore"],
        include=settings["include"],
        exclude=settings["exclude"] + settings["extend-exclude"],
        test_paths=settings["test-paths"],
        non_package_paths=settings["non-package-paths"],
        notebook_select=settings["notebook-select"],
        notebook_ignore=settings["notebook-ignore"],
        per_file_ignores=_per_file_ignores(reader, user, known_codes),
        max_file_size_kb=max_kb,
        cache_dir=_cache_dir(reader, user, root),
        options=_options(reader, user, registry.options),
        origins=origins,
    )

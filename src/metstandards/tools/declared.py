"""What a project declares it depends on, read from its files without running any of its code.

pip-audit must audit the checked project's dependencies, not the environment metstandards runs
in, so they are read statically: ``[project] dependencies``, every
``[project.optional-dependencies]`` extra and every ``[dependency-groups]`` group of
pyproject.toml (a ``dynamic`` field read from the files setuptools is told to read), setup.cfg's
``install_requires`` and ``extras_require``, and the ``requirements*.txt`` files at the root and
in ``requirements/``, with their ``-r`` includes. setup.py is never run: when it declares
dependencies, that is said, not guessed.

A requirement that names the project itself (``anemoi-datasets[all]`` in anemoi-datasets' own
extras, ``-e .``) is set aside: that version is not on an index, and the dependencies it stands
for are read here anyway. So are requirements that point at a repository, a URL or a local path:
no vulnerability database knows a version for them. Each is kept with the reason, for the note.
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from metstandards._toml import parsed, tomllib
from metstandards.tools.process import NotRun, relative

#: Why a declared or locked package is not audited; the note reads "reason: names".
SELF = "the project itself"
VCS = "from a version control repository"
URL = "from a direct URL"
LOCAL = "from a local path"
#: A lock-file entry without a version an index could have.
NO_VERSION = "without a valid version"
#: ``python>=3.10`` in a requirements file (a conda habit): the interpreter, no index has it.
INTERPRETER = "the Python interpreter, not a package"

#: Requirement-file options that steer pip's resolution; kept for it, with their values.
_RESOLUTION_OPTIONS = ("-i", "--index-url", "--extra-index-url", "--pre")
_INCLUDE = ("-r", "--requirement")
_CONSTRAINT = ("-c", "--constraint")
_EDITABLE = ("-e", "--editable")
#: ``-r file``, ``-rfile``, ``--requirement=file``, ``--pre``.
_OPTION = re.compile(r"(?P<name>--[\w-]+|-\w)\s*=?\s*(?P<value>.*)")
#: Per-requirement options such as ``--hash=sha256:...`` after the requirement itself.
_TRAILING_OPTIONS = re.compile(r"\s+--?\w.*$")
#: pip's comments: ``#`` at the start of a line or after whitespace.
_COMMENT = re.compile(r"(^|\s)#.*$")
_VCS_PREFIX = re.compile(r"^(git|hg|svn|bzr)\+", re.IGNORECASE)
_PATH_LIKE = re.compile(r"[/\\]|^\.|\.(whl|zip|tar\.gz|tgz|tar\.bz2)$", re.IGNORECASE)


class Pin(NamedTuple):
    """A package at one exact version: what ``--no-deps`` audits."""

    name: str
    version: str


@dataclass(frozen=True)
class Declared:
    """The project's declared requirements, as pip-audit can be given them."""

    #: The files that declare something, relative to the root, in the order they were read.
    files: tuple[str, ...]
    requirements: tuple[Requirement, ...]
    #: Index and constraint lines of requirement files, for pip's resolution.
    options: tuple[str, ...]
    #: (package or line, why) for what is not on an index.
    skipped: tuple[tuple[str, str], ...]
    #: Declarations that are not read ("setup.py (code, never run)").
    unread: tuple[str, ...]

    def pins(self) -> list[Pin] | None:
        """Every requirement's exact version, or None when one of them is a range."""
        pins = [Pin(r.name, version) for r in self.requirements if (version := pinned(r))]
        return pins if len(pins) == len(self.requirements) else None


def pinned(requirement: Requirement) -> str | None:
    """The version of an ``==`` requirement without a wildcard; None for anything else."""
    specifiers = list(requirement.specifier)
    if len(specifiers) == 1 and specifiers[0].operator == "==" and "*" not in str(specifiers[0]):
        return specifiers[0].version
    return None


def same_project(name: str, project: str) -> bool:
    """Whether two names are one project, compared as an index compares them (PEP 503)."""
    return bool(project) and canonicalize_name(name) == canonicalize_name(project)


def project_name(root: Path) -> str:
    """The project's own name: pyproject.toml's ``[project]`` or ``[tool.poetry]``, else
    setup.cfg's ``[metadata]``; empty when none is declared."""
    pyproject = read_toml(root, "pyproject.toml")
    for table in (pyproject.get("project"), pyproject.get("tool", {}).get("poetry")):
        if isinstance(table, dict) and isinstance(table.get("name"), str):
            return str(table["name"])
    return _setup_cfg(root).get("metadata", "name", fallback="")


def read_toml(root: Path, name: str) -> dict[str, Any]:
    """A TOML file of the project as a table; empty when it does not exist."""
    try:
        return parsed((root / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise NotRun(f"{name} could not be read for the dependencies: {error}") from None


def declaration_files(root: Path) -> list[str]:
    """The files that may declare dependencies, where they exist: the places a finding about a
    package is anchored at."""
    named = [name for name in ("pyproject.toml", "setup.cfg") if (root / name).is_file()]
    return [*named, *(relative(root, str(path.absolute())) for path in _requirement_files(root))]


def read(root: Path) -> Declared:
    """Everything the project declares (see the module docstring)."""
    reader = _Reader(root, project_name(root))
    reader.pyproject(read_toml(root, "pyproject.toml"))
    reader.setup_cfg(_setup_cfg(root))
    reader.setup_py()
    for path in _requirement_files(root):
        reader.requirement_file(path)
    return reader.declared()


def _requirement_files(root: Path) -> list[Path]:
    top = sorted(root.glob("requirements*.txt"))
    folder = sorted((root / "requirements").glob("*.txt"))
    return [path for path in (*top, *folder) if path.is_file()]


def _setup_cfg(root: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string((root / "setup.cfg").read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError, configparser.Error) as error:
        raise NotRun(f"setup.cfg could not be read for the dependencies: {error}") from None
    return parser


def _strings(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise NotRun(f"{where} is not a list of requirement strings")
    return list(value)


@dataclass
class _Reader:
    """Collects requirements file by file; :meth:`declared` freezes what it found."""

    root: Path
    project: str
    files: list[str] = field(default_factory=list)
    requirements: dict[str, Requirement] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)
    skipped: dict[tuple[str, str], None] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)
    seen: set[Path] = field(default_factory=set)

    def declared(self) -> Declared:
        return Declared(
            tuple(self.files),
            tuple(self.requirements.values()),
            tuple(dict.fromkeys(self.options)),
            tuple(self.skipped),
            tuple(self.unread),
        )

    def pyproject(self, data: dict[str, Any]) -> None:
        project = data.get("project", {})
        lists = [("[project] dependencies", project.get("dependencies", []))]
        for extra, items in project.get("optional-dependencies", {}).items():
            lists.append((f"[project.optional-dependencies] {extra}", items))
        for group, items in data.get("dependency-groups", {}).items():
            # ``{include-group = "..."}`` names a group that is read here anyway.
            lists.append((f"[dependency-groups] {group}", [i for i in items if isinstance(i, str)]))
        for where, items in lists:
            for text in _strings(items, f"pyproject.toml {where}"):
                self.add(text, "pyproject.toml", where)
        self._dynamic_files(project.get("dynamic", []), data.get("tool", {}))
        poetry = data.get("tool", {}).get("poetry", {})
        if set(poetry.get("dependencies", {})) - {"python"} or poetry.get("group"):
            self.unread.append("[tool.poetry] dependencies (Poetry's own format; no poetry.lock)")

    def _dynamic_files(self, dynamic: list[str], tool: dict[str, Any]) -> None:
        """setuptools' ``dynamic = ["dependencies"]`` read from the requirement files it names."""
        setuptools = tool.get("setuptools", {}).get("dynamic", {})
        specs = []
        if "dependencies" in dynamic:
            specs.append(setuptools.get("dependencies", {}))
        if "optional-dependencies" in dynamic:
            specs += setuptools.get("optional-dependencies", {}).values()
        for spec in specs:
            for name in _strings(spec.get("file", []), "[tool.setuptools.dynamic] file"):
                self.requirement_file(self.root / name)

    def setup_cfg(self, parser: configparser.ConfigParser) -> None:
        values = [("install_requires", parser.get("options", "install_requires", fallback=""))]
        if parser.has_section("options.extras_require"):
            values += parser.items("options.extras_require")
        for key, value in values:
            if value.strip().startswith("file:"):
                for name in value.strip()[len("file:") :].split(","):
                    self.requirement_file(self.root / name.strip())
                continue
            for line in value.splitlines():
                if text := _COMMENT.sub("", line).strip():
                    self.add(text, "setup.cfg", key)

    def setup_py(self) -> None:
        """setup.py is code: whether it mentions dependencies is all that is read of it."""
        path = self.root / "setup.py"
        if path.is_file() and re.search(
            r"install_requires|extras_require", path.read_text(encoding="utf-8", errors="replace")
        ):
            self.unread.append("setup.py (code, never run)")

    def requirement_file(self, path: Path) -> None:
        """A requirements file and its ``-r`` includes (each read once)."""
        name = relative(self.root, str(path.absolute()))
        if path.resolve() in self.seen:
            return
        self.seen.add(path.resolve())
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise NotRun(f"{name} could not be read for the dependencies: {error}") from None
        for number, line in _logical_lines(text):
            if match := _OPTION.fullmatch(line):
                self._option(path, name, match["name"], match["value"])
            else:
                self.add(_TRAILING_OPTIONS.sub("", line), name, f"line {number}", path.parent)

    def _option(self, path: Path, name: str, option: str, value: str) -> None:
        value = _TRAILING_OPTIONS.sub("", value)
        if option in _INCLUDE and "://" in value:
            self._skip(value, URL, name)
        elif option in _INCLUDE:
            self.requirement_file(path.parent / value)
        elif option in _CONSTRAINT and (path.parent / value).is_file():
            self.options.append(f"-c {(path.parent / value).resolve()}")
        elif option in _EDITABLE:
            self._reference(value, name, path.parent, editable=True)
        elif option in _RESOLUTION_OPTIONS:
            self.options.append(f"{option} {value}".strip())

    def _reference(self, text: str, file: str, base: Path, *, editable: bool = False) -> bool:
        """A URL, repository or path instead of a name: set aside (True), or not one (False)."""
        if _VCS_PREFIX.match(text) or "://" in text:
            why = _direct(text)
        elif editable or _PATH_LIKE.search(text):
            own = (base / re.sub(r"\[.*\]$", "", text)).resolve() == self.root.resolve()
            text, why = (self.project or text, SELF) if own else (text, LOCAL)
        else:
            return False
        self._skip(text, why, file)
        return True

    def add(self, text: str, file: str, where: str, base: Path | None = None) -> None:
        """One requirement string; a bare URL or path (pip takes those) is set aside."""
        try:
            requirement = Requirement(text)
        except InvalidRequirement as error:
            if self._reference(text, file, base or self.root):
                return
            raise NotRun(f"{file} {where}: {text!r} is not a requirement: {error}") from None
        if same_project(requirement.name, self.project):
            self._skip(self.project, SELF, file)
        elif canonicalize_name(requirement.name) == "python":
            self._skip(text, INTERPRETER, file)
        elif requirement.url:
            self._skip(requirement.name, _direct(requirement.url), file)
        else:
            self.requirements.setdefault(str(requirement), requirement)
            self._declares(file)

    def _skip(self, what: str, why: str, file: str) -> None:
        self.skipped[what, why] = None
        self._declares(file)

    def _declares(self, file: str) -> None:
        if file not in self.files:
            self.files.append(file)


def _direct(url: str) -> str:
    """Why a requirement given as a URL is not audited."""
    if _VCS_PREFIX.match(url):
        return VCS
    return LOCAL if url.startswith("file:") else URL


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, line) with comments removed and ``\\`` continuations joined."""
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _COMMENT.sub("", raw).rstrip()
        start = start or number
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        if joined := (pending + line).strip():
            yield start, joined
        pending, start = "", 0

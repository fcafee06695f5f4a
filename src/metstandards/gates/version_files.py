"""What a version declaration is, and how the files it points to are read.

A declaration often names another file (setuptools' ``attr:`` and ``file:``, hatch's ``path``);
errors there are reported at the pointer when the named file is missing, and at the file when
it exists but holds no readable version, so the user is sent to what must change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from metstandards.gates.python_literals import module_literals, parse


@dataclass(frozen=True)
class Declared:
    """A version the project writes down, and where, so that a finding points at it."""

    version: str
    path: str
    line: int
    #: Where a reader finds it, for messages: "pyproject.toml [project].version".
    source: str


@dataclass(frozen=True)
class Derived:
    """The version is computed from the git tag when the package is built."""

    mechanism: str
    path: str
    line: int


class DeclarationError(Exception):
    """No readable version: broken TOML, a pointer to a missing file, or no declaration at all."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Pointer:
    """A setting that names where the version is: ``pyproject.toml`` line 12, ``[...] attr``."""

    path: str
    line: int
    label: str

    def error(self, message: str) -> DeclarationError:
        return DeclarationError(self.path, self.line, f"{self.path} {self.label}: {message}")


def read_text(root: Path, name: str) -> str:
    """The UTF-8 text of the project file ``name`` (``pyproject.toml``, ``setup.cfg``)."""
    try:
        return (root / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DeclarationError(name, 1, f"{name} cannot be read: {error}") from None


def attribute(root: Path, dotted: str, pointer: Pointer) -> Declared:
    """``attr: pkg.mod.__version__``: the literal assigned in ``pkg/mod.py``, found statically."""
    module, _, name = dotted.strip().rpartition(".")
    if not module or not name:
        raise pointer.error(f"{dotted!r} is not a module.attribute name")
    candidates = _module_files(module)
    for relpath in candidates:
        if (root / relpath).is_file():
            return literal_in(root, relpath, (name,), pointer)
    raise pointer.error(f"names module {module}, but there is no {' or '.join(candidates)}")


def _module_files(module: str) -> tuple[str, ...]:
    """Where setuptools finds a module: at the root or under ``src/``, as a package or a file."""
    path = module.replace(".", "/")
    return tuple(f"{base}{path}{end}" for base in ("", "src/") for end in ("/__init__.py", ".py"))


def literal_in(root: Path, relpath: str, names: tuple[str, ...], pointer: Pointer) -> Declared:
    """The literal string assigned to the first of ``names`` in the Python file ``relpath``."""
    relpath = Path(relpath).as_posix()
    try:
        tree = parse(root / relpath)
    except OSError as error:
        raise pointer.error(
            f"points to {relpath}, which cannot be read ({error.strerror})"
        ) from None
    except SyntaxError as error:
        message = f"{relpath} is not valid Python ({error.msg}), so its version cannot be read"
        raise DeclarationError(relpath, error.lineno or 1, message) from None
    except ValueError as error:
        raise DeclarationError(relpath, 1, f"{relpath} cannot be parsed: {error}") from None
    literals = module_literals(tree)
    for name in names:
        if name in literals:
            version, line = literals[name]
            source = f"{relpath} {name} (via {pointer.path} {pointer.label})"
            return Declared(version, relpath, line, source)
    message = (
        f"{relpath} assigns no literal string to {' or '.join(names)} ({pointer.path} "
        f'{pointer.label} points here): write `{names[0]} = "1.2.3"` so that the version can be '
        "read without running the code"
    )
    raise DeclarationError(relpath, 1, message)


def version_file(root: Path, spec: object, pointer: Pointer) -> Declared:
    """``file: VERSION``: the stripped contents, as setuptools reads them."""
    files = [spec] if isinstance(spec, str) else spec
    if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
        raise pointer.error(f"must name a file or a list of files, got {spec!r}")
    texts = []
    for name in files:
        try:
            texts.append((root / name.strip()).read_text(encoding="utf-8").strip())
        except (OSError, UnicodeDecodeError) as error:
            raise pointer.error(f"points to {name}, which cannot be read ({error})") from None
    first = Path(files[0].strip()).as_posix()
    return Declared("\n".join(texts), first, 1, f"{first} (via {pointer.path} {pointer.label})")

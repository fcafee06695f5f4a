"""The version in a setuptools project's ``setup.cfg`` or ``setup.py``, read statically.

``setup.py`` is parsed with ``ast``, never run: a literal ``setup(version="1.2.3")``, or a
module-level literal it names, is what can be checked; a computed version is not.
"""

from __future__ import annotations

import ast
import configparser
import re
from dataclasses import dataclass
from pathlib import Path

from metstandards.gates.python_literals import literal_value, module_literals, parse, setup_keywords
from metstandards.gates.version_files import (
    DeclarationError,
    Declared,
    Derived,
    Pointer,
    attribute,
    read_text,
    version_file,
)

SETUP_CFG = "setup.cfg"
SETUP_PY = "setup.py"


@dataclass(frozen=True)
class SetupCfg:
    """``setup.cfg`` parsed, with its text kept for line numbers."""

    text: str
    parser: configparser.ConfigParser

    def line(self, section: str, key: str) -> int:
        """The line ``key`` is set on in ``[section]``, else 1."""
        current = ""
        for number, line in enumerate(self.text.splitlines(), start=1):
            header = re.match(r"\s*\[([^\]]+)\]", line)
            if header:
                current = header.group(1).strip()
            elif current == section and re.match(rf"\s*{re.escape(key)}\s*[=:]", line):
                return number
        return 1


def load_setup_cfg(root: Path) -> SetupCfg | None:
    """``root/setup.cfg`` parsed, or None if there is none."""
    if not (root / SETUP_CFG).is_file():
        return None
    text = read_text(root, SETUP_CFG)
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=SETUP_CFG)
    except configparser.Error as error:
        line = _configparser_line(error)
        raise DeclarationError(SETUP_CFG, line, f"{SETUP_CFG} cannot be parsed: {error}") from None
    return SetupCfg(text, parser)


def _configparser_line(error: configparser.Error) -> int:
    lineno = getattr(error, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    if isinstance(error, configparser.ParsingError) and error.errors:
        return int(error.errors[0][0])
    return 1


def from_setup_cfg(root: Path, cfg: SetupCfg | None) -> Declared | None:
    """``[metadata] version`` as a literal, ``attr: pkg.__version__`` or ``file: VERSION``."""
    if cfg is None or not cfg.parser.has_option("metadata", "version"):
        return None
    value = cfg.parser.get("metadata", "version").strip()
    line = cfg.line("metadata", "version")
    kind, _, rest = value.partition(":")
    if kind.strip() == "attr":
        return attribute(root, rest, Pointer(SETUP_CFG, line, "[metadata] version attr:"))
    if kind.strip() == "file":
        files = [name.strip() for name in rest.split(",")]
        return version_file(root, files, Pointer(SETUP_CFG, line, "[metadata] version file:"))
    return Declared(value, SETUP_CFG, line, f"{SETUP_CFG} [metadata] version")


def from_setup_py(root: Path) -> Declared | Derived | None:
    """``setup(version="1.2.3")`` or a module-level literal it names; ``use_scm_version=...``."""
    if not (root / SETUP_PY).is_file():
        return None
    tree = _parse_setup_py(root / SETUP_PY)
    keywords = setup_keywords(tree) or {}
    scm = keywords.get("use_scm_version")
    if scm is not None and not (isinstance(scm, ast.Constant) and not scm.value):
        return Derived("setuptools-scm", SETUP_PY, scm.lineno)
    version = keywords.get("version")
    literal = None if version is None else literal_value(version, module_literals(tree))
    if literal is None:
        return None
    return Declared(literal[0], SETUP_PY, literal[1], f"{SETUP_PY} setup(version=...)")


def _parse_setup_py(path: Path) -> ast.Module:
    try:
        return parse(path)
    except SyntaxError as error:
        message = f"{SETUP_PY} is not valid Python ({error.msg}), so its version cannot be read"
        raise DeclarationError(SETUP_PY, error.lineno or 1, message) from None
    except (OSError, ValueError) as error:
        raise DeclarationError(SETUP_PY, 1, f"{SETUP_PY} cannot be read: {error}") from None


def setup_cfg_name(cfg: SetupCfg | None) -> str | None:
    """``[metadata] name``: where the package directory holding ``__version__`` may be."""
    if cfg is None:
        return None
    return cfg.parser.get("metadata", "name", fallback=None)

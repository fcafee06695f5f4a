"""MS501's measurement: radon's cyclomatic complexity and maintainability index per file.

Every file is decoded as Python decodes it (a PEP 263 coding line, a BOM, else UTF-8) and parsed
with ``ast`` (radon's maintainability index parses and tokenizes it again); nothing is imported or
executed. The blocks are radon's (functions, classes, methods), plus the closures and inner
classes radon measures but xenon leaves out: their complexity is not part of the enclosing
block's, so without them a function could hide any amount of branching in an inner ``def``.
Each file's measurement is kept in the project's cache by the hash of its bytes.

The snapshot (``metstandards baseline``) maps each measured file to the numbers the ratchet
compares, so a legacy repository fails only where it got worse:

- ``"function train"``, ``"method Trainer.fit"``, ``"class Trainer"``,
  ``"function outer.inner"``: a block's complexity, keyed by kind and qualified name so that
  inserting lines above it changes nothing; a second block of the same key (a property's getter
  and setter, a function defined in both branches of an ``if``) is ``"... #2"``, in source order.
- ``"module average"``: the module's average block complexity, rounded up.
- ``"module maintainability"``: its maintainability index, rounded up; absent where radon could
  not compute it (the check's note names those files).
- path ``""``, key ``"average"``: the project's average block complexity, rounded up.

Rounding up never changes a rank (radon's rank boundaries are whole numbers), so a value that is
not worse than its recorded number is not worse in rank either.
"""

from __future__ import annotations

import ast
import contextlib
import io
import math
import re
import tokenize
from collections import Counter
from collections.abc import Iterator
from dataclasses import astuple, dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from radon.metrics import mi_visit  # type: ignore[import-untyped]
from radon.visitors import ComplexityVisitor  # type: ignore[import-untyped]

from metstandards.engine.cache import Cache, cache_key, content_hash
from metstandards.findings import Span
from metstandards.results import CheckContext, Snapshot

MODULE_AVERAGE = "module average"
MODULE_MAINTAINABILITY = "module maintainability"
#: The snapshot's path and key for the project average.
PROJECT = ""
PROJECT_AVERAGE = "average"
#: The line breaks Python counts; ``str.splitlines`` also splits at form feeds and others.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Block:
    """One measured function, method or class."""

    #: ``"method Trainer.fit"``: stable across edits elsewhere in the file.
    key: str
    kind: str
    name: str
    complexity: int
    span: Span


@dataclass(frozen=True)
class Module:
    """One measured file."""

    path: str
    blocks: tuple[Block, ...]
    #: None where radon could not compute it (see ``_maintainability``).
    maintainability: float | None

    @property
    def total(self) -> int:
        return sum(block.complexity for block in self.blocks)

    @property
    def average(self) -> float:
        """xenon's module average: over its blocks, 0 for a module without any."""
        return self.total / len(self.blocks) if self.blocks else 0.0


@dataclass(frozen=True)
class Measurement:
    """Every measured module, and the files that could not be measured with the reason."""

    modules: tuple[Module, ...]
    unmeasured: tuple[tuple[str, str], ...]

    @property
    def blocks(self) -> int:
        return sum(len(module.blocks) for module in self.modules)

    @property
    def average(self) -> float:
        """xenon's project average: over all blocks, not over module averages."""
        blocks = self.blocks
        return sum(module.total for module in self.modules) / blocks if blocks else 0.0

    def snapshot(self) -> Snapshot:
        """The numbers a baseline records (layout in the module docstring)."""
        recorded: Snapshot = {PROJECT: {PROJECT_AVERAGE: math.ceil(self.average)}}
        for module in self.modules:
            recorded[module.path] = {
                **{block.key: block.complexity for block in module.blocks},
                MODULE_AVERAGE: math.ceil(module.average),
            }
            if module.maintainability is not None:
                recorded[module.path][MODULE_MAINTAINABILITY] = math.ceil(module.maintainability)
        return recorded


class _NotMeasured(Exception):
    """A file radon cannot measure; the message is the reason shown in the note."""


def measure(ctx: CheckContext) -> Measurement:
    """Measure the package code (all Python files with ``include-tests``), answering unchanged
    files from the cache in ``ctx.cache_dir`` when there is one."""
    files = ctx.python_files if ctx.settings["include-tests"] else ctx.package_files
    cache = _cache(ctx.cache_dir)
    modules: list[Module] = []
    unmeasured: list[tuple[str, str]] = []
    for path in files:
        measured = _measure_cached(ctx.root, path, cache, ctx.max_file_size_kb)
        if isinstance(measured, str):
            unmeasured.append((path, measured))
        else:
            modules.append(measured)
    if cache is not None:
        if ctx.whole_project:
            cache.retain(set(files))
        cache.store()
    return Measurement(tuple(modules), tuple(unmeasured))


def _cache(directory: Path | None) -> Cache | None:
    if directory is None:
        return None
    from importlib.metadata import version

    key = cache_key({"metstandards": version("metstandards"), "radon": version("radon")})
    return Cache(directory, key, "complexity")


def _measure_cached(root: Path, path: str, cache: Cache | None, limit_kb: int) -> Module | str:
    """The file's module, or why it could not be measured; from the cache when its bytes are
    the ones last measured. A file over ``limit_kb`` (``max-file-size-kb``) is not read, as lint
    does not read it: radon takes minutes on a generated 20 MB module."""
    data = _read(root / path, limit_kb)
    if isinstance(data, str):
        return data
    digest = content_hash(data)
    stored = cache.get(path, digest) if cache is not None else None
    if stored is not None:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            return _from_json(path, stored)
    try:
        measured: Module | str = _measure_file(path, data)
    except _NotMeasured as reason:
        measured = str(reason)
    if cache is not None:
        cache.put(path, digest, _to_json(measured))
    return measured


def _read(file: Path, limit_kb: int) -> bytes | str:
    """The file's bytes, or why they were not read, in the words of lint's MS000. At most one
    byte over the limit is read, should the file grow after its size was taken."""
    limit = limit_kb * 1024
    try:
        size = file.stat().st_size
        if size <= limit:
            with file.open("rb") as handle:
                data = handle.read(limit + 1)
            if len(data) <= limit:
                return data
            size = max(size, len(data))
    except OSError as error:
        return f"unreadable: {error.strerror}"
    return f"file is {size // 1024} KiB, over the max-file-size-kb limit of {limit_kb}"


def _to_json(measured: Module | str) -> dict[str, Any]:
    if isinstance(measured, str):
        return {"unmeasured": measured}
    blocks = [[b.key, b.kind, b.name, b.complexity, *astuple(b.span)] for b in measured.blocks]
    return {"blocks": blocks, "maintainability": measured.maintainability}


def _from_json(path: str, stored: dict[str, Any]) -> Module | str:
    if "unmeasured" in stored:
        return str(stored["unmeasured"])
    blocks = tuple(
        Block(str(key), str(kind), str(name), int(cc), Span(*map(int, span)))
        for key, kind, name, cc, *span in stored["blocks"]
    )
    mi = stored["maintainability"]
    return Module(path, blocks, None if mi is None else float(mi))


def _decode(data: bytes) -> str | None:
    """The text Python reads from these bytes: the encoding of a PEP 263 coding line (or a BOM),
    else UTF-8; None where that does not decode (Python would refuse the file too)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None


def snapshot(ctx: CheckContext) -> Snapshot:
    """Today's complexity of every block, module and the project, for ``metstandards baseline``."""
    return measure(ctx).snapshot()


def _measure_file(path: str, data: bytes) -> Module:
    source = _decode(data)
    if source is None:
        raise _NotMeasured("not in its declared encoding (or UTF-8)")
    try:
        tree = ast.parse(source, filename=path)
        blocks = _blocks(ComplexityVisitor.from_ast(tree), _LINE_BREAK.split(source))
    # Python < 3.12 rejects null bytes with ValueError rather than SyntaxError.
    except (SyntaxError, ValueError):
        raise _NotMeasured("syntax error") from None
    # The parser's answer to very deep nesting; radon's recursive visitors give up sooner.
    except (RecursionError, MemoryError):
        raise _NotMeasured("nested too deeply") from None
    return Module(path, blocks, _maintainability(source, tree))


#: Longest statement, in lines, that radon's maintainability index is computed for.
MAX_STATEMENT_LINES = 200


def _longest_statement(tree: ast.Module) -> int:
    """Lines spanned by the longest simple statement (a big literal table, say)."""
    return max(
        (
            (node.end_lineno or node.lineno) - node.lineno + 1
            for node in ast.walk(tree)
            if isinstance(node, ast.stmt) and not hasattr(node, "body")
        ),
        default=0,
    )


def _maintainability(source: str, tree: ast.Module) -> float | None:
    """radon's index, or None: its raw metrics tokenize line by line and reject valid code
    with a form feed or U+2028 inside a string; the blocks are measured all the same.

    Those raw metrics re-tokenize a growing buffer for each logical line, so their time grows
    with the square of a statement's length: a 2,000-line dict literal (a station table, a
    lookup of GRIB codes) takes most of a minute. Such files get no index rather than a stall.
    """
    if _longest_statement(tree) > MAX_STATEMENT_LINES:
        return None
    try:
        return float(mi_visit(source, True))
    except (SyntaxError, RecursionError):
        return None


def _functions(function: Any, prefix: str) -> Iterator[tuple[str, str, Any]]:
    name = prefix + function.name
    yield ("method" if function.is_method else "function"), name, function
    for closure in function.closures:
        yield from _functions(closure, f"{name}.")


def _classes(cls: Any, prefix: str) -> Iterator[tuple[str, str, Any]]:
    name = prefix + cls.name
    yield "class", name, cls
    for method in cls.methods:
        yield from _functions(method, f"{name}.")
    for inner in cls.inner_classes:
        yield from _classes(inner, f"{name}.")


def _blocks(visitor: Any, lines: list[str]) -> tuple[Block, ...]:
    found = sorted(
        chain(
            chain.from_iterable(_functions(function, "") for function in visitor.functions),
            chain.from_iterable(_classes(cls, "") for cls in visitor.classes),
        ),
        key=lambda item: (item[2].lineno, item[2].col_offset),
    )
    seen: Counter[str] = Counter()
    blocks = []
    for kind, name, node in found:
        key = f"{kind} {name}"
        seen[key] += 1
        if seen[key] > 1:
            key = f"{key} #{seen[key]}"
        # radon's end line is its last visited node's; the span runs to the end of that line.
        end = int(node.endline)
        span = Span(int(node.lineno), int(node.col_offset) + 1, end, len(lines[end - 1]) + 1)
        blocks.append(Block(key, kind, name, int(node.complexity), span))
    return tuple(blocks)



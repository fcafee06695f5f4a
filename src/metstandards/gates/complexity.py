"""MS501: cyclomatic complexity measured by radon and judged the way xenon judges it.

Every file is read as UTF-8 text and parsed with ``ast`` (radon's maintainability index parses
and tokenizes it again); nothing is imported or executed. The blocks are
radon's (functions, classes, methods), plus the closures and inner classes radon measures but
xenon leaves out: their complexity is not part of the enclosing block's, so without them a
function could hide any amount of branching in an inner ``def``.

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
import math
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import astuple, dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from radon.complexity import cc_rank  # type: ignore[import-untyped]
from radon.metrics import mi_rank, mi_visit  # type: ignore[import-untyped]
from radon.visitors import ComplexityVisitor  # type: ignore[import-untyped]

from metstandards.check.baseline import Snapshot
from metstandards.check.outcome import CheckContext, Outcome, Status
from metstandards.engine.cache import Cache, cache_key, content_hash
from metstandards.findings import Finding, Severity, Span

DOC = """Blocks, modules or the whole project more complex than the limits allow.

## What it does
Measures the cyclomatic complexity of every function, method, class, closure and inner class in
the package code with radon, and ranks it A (1-5) to F (41 and more) as `radon cc` and xenon do.
It reports, as errors:

- a block whose rank is worse than `max-absolute`, at the block;
- a module whose average block complexity ranks worse than `max-modules`, at its first line;
- a project whose average block complexity ranks worse than `max-average`, at the first line
  of the module with the largest total complexity (the one that moves the average most).

A module whose maintainability index (radon mi: A above 19, B above 9, C below) ranks worse than
`min-maintainability` is a warning. Files that are not UTF-8 or do not parse are not measured;
the report names them.

With a baseline (`metstandards baseline`, then `check --baseline`), only blocks that are new or
more complex than recorded are reported, and module and project values only when they got worse
than recorded: a legacy repository adopts the gate at once and cannot slide back.

## Why is this bad?
Training and inference code with deeply branching functions is where a configuration path is
never tested: a forgotten `elif` for one model variant silently trains on the wrong grid. Code
that is hard to read is also hard to review when an operational forecast depends on it.

## Example
```python
def to_si(field, variable, units):
    if variable == "t2m":
        if units == "degC":
            return field + 273.15
        if units == "degF":
            return (field - 32) / 1.8 + 273.15
    elif variable == "tp":
        if units == "mm":
            return field / 1000
    ...  # a branch for every other variable and unit
    return field
```

## Use instead
```python
TO_SI = {
    ("t2m", "degC"): lambda x: x + 273.15,
    ("t2m", "degF"): lambda x: (x - 32) / 1.8 + 273.15,
    ("tp", "mm"): lambda x: x / 1000,
}


def to_si(field, variable, units):
    return TO_SI.get((variable, units), lambda x: x)(field)
```

## Options
In `[tool.metstandards.complexity]`:

- `max-absolute` (default `"C"`): the worst rank a block may have.
- `max-modules` (default `"B"`): the worst rank of a module's average.
- `max-average` (default `"A"`): the worst rank of the project's average.
- `min-maintainability` (default `"B"`, one of A, B, C): modules ranking worse get a warning.
- `include-tests` (default `false`): measure test code too.
"""

CODE = "MS501"
NAME = "complexity"
#: The values of the org profile's ``[complexity]`` table, used for keys a caller leaves out.
DEFAULTS: Mapping[str, object] = {
    "max-absolute": "C",
    "max-modules": "B",
    "max-average": "A",
    "min-maintainability": "B",
    "include-tests": False,
}
MODULE_AVERAGE = "module average"
MODULE_MAINTAINABILITY = "module maintainability"
#: The snapshot's path and key for the project average.
PROJECT = ""
PROJECT_AVERAGE = "average"

_CC_RANKS = ("A", "B", "C", "D", "E", "F")
_MI_RANKS = ("A", "B", "C")
_ADVICE = {
    "function": "split it into smaller functions",
    "method": "split it into smaller methods",
    "class": "its methods are complex on average: split them, or the class",
}
#: The line breaks Python counts; ``str.splitlines`` also splits at form feeds and others.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Limits:
    """The ``[complexity]`` settings, validated: rank letters compare as strings (A < F)."""

    absolute: str
    modules: str
    average: str
    maintainability: str
    include_tests: bool

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Limits:
        values = {**DEFAULTS, **settings}
        include_tests = values["include-tests"]
        if not isinstance(include_tests, bool):
            raise ValueError(
                f"[complexity] include-tests must be true or false, not {include_tests!r}"
            )
        return cls(
            _rank(values, "max-absolute", _CC_RANKS),
            _rank(values, "max-modules", _CC_RANKS),
            _rank(values, "max-average", _CC_RANKS),
            _rank(values, "min-maintainability", _MI_RANKS),
            include_tests,
        )


def _rank(values: Mapping[str, object], key: str, allowed: tuple[str, ...]) -> str:
    value = values[key]
    if value not in allowed:
        raise ValueError(
            f"[complexity] {key} must be one of {', '.join(allowed)} (A is best), not {value!r}"
        )
    return str(value)


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
    limits = Limits.from_settings(ctx.settings)
    files = ctx.python_files if limits.include_tests else ctx.package_files
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


def snapshot(ctx: CheckContext) -> Snapshot:
    """Today's complexity of every block, module and the project, for ``metstandards baseline``."""
    return measure(ctx).snapshot()


def _measure_file(path: str, data: bytes) -> Module:
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _NotMeasured("not UTF-8") from None
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


class _Ratchet:
    """Which breaches are reported: all without a baseline, else those new or worse than it."""

    def __init__(self, baseline: Snapshot | None) -> None:
        self._baseline = baseline
        #: Breaches left out because the baseline records them at least as bad.
        self.known = 0

    def recorded(self, path: str, key: str) -> int | None:
        return None if self._baseline is None else self._baseline.get(path, {}).get(key)

    def admits(
        self, path: str, key: str, value: int, worse: Callable[[int, int], bool] = operator.gt
    ) -> bool:
        old = self.recorded(path, key)
        if old is None or worse(value, old):
            return True
        self.known += 1
        return False

    def since(self, path: str, key: str) -> str:
        """For the message: the recorded number a reported breach got worse than."""
        old = self.recorded(path, key)
        return "" if old is None else f"; the baseline recorded {old}"


def _finding(path: str, span: Span, severity: Severity, message: str) -> Finding:
    return Finding.at(path, span, CODE, NAME, severity, message)


def _first_line(path: str, severity: Severity, message: str) -> Finding:
    return _finding(path, Span(1, 1, 1, 1), severity, message)


def _block_findings(module: Module, limits: Limits, ratchet: _Ratchet) -> Iterator[Finding]:
    for block in module.blocks:
        rank = cc_rank(block.complexity)
        if rank > limits.absolute and ratchet.admits(module.path, block.key, block.complexity):
            yield _finding(
                module.path,
                block.span,
                Severity.ERROR,
                f"{block.kind} `{block.name}` has cyclomatic complexity {block.complexity} "
                f"(rank {rank}{ratchet.since(module.path, block.key)}); "
                f"the limit is {limits.absolute}: {_ADVICE[block.kind]}",
            )


def _module_findings(module: Module, limits: Limits, ratchet: _Ratchet) -> Iterator[Finding]:
    average, path = module.average, module.path
    rank = cc_rank(average)
    if rank > limits.modules and ratchet.admits(path, MODULE_AVERAGE, math.ceil(average)):
        yield _first_line(
            path,
            Severity.ERROR,
            f"the module's average cyclomatic complexity is {average:.1f} over "
            f"{_count(len(module.blocks), 'block')} (rank {rank}"
            f"{ratchet.since(path, MODULE_AVERAGE)}); the limit is {limits.modules}: "
            "split its most complex blocks",
        )


def _maintainability_findings(
    module: Module, limits: Limits, ratchet: _Ratchet
) -> Iterator[Finding]:
    mi, path = module.maintainability, module.path
    if mi is None:  # listed in the note instead
        return
    rank = mi_rank(mi)
    # A lower index is worse, so the ratchet admits one that went down.
    if rank > limits.maintainability and ratchet.admits(
        path, MODULE_MAINTAINABILITY, math.ceil(mi), operator.lt
    ):
        yield _first_line(
            path,
            Severity.WARNING,
            f"the module's maintainability index is {mi:.1f} (rank {rank}"
            f"{ratchet.since(path, MODULE_MAINTAINABILITY)}); the minimum is "
            f"{limits.maintainability}: split the module or shorten its largest functions",
        )


def _project_findings(
    measured: Measurement, limits: Limits, ratchet: _Ratchet
) -> Iterator[Finding]:
    average = measured.average
    rank = cc_rank(average)
    if rank > limits.average and ratchet.admits(PROJECT, PROJECT_AVERAGE, math.ceil(average)):
        # A breach needs blocks, so there is a module; the largest total moves the average most.
        anchor = max(measured.modules, key=lambda module: module.total)
        yield _first_line(
            anchor.path,
            Severity.ERROR,
            f"the project's average cyclomatic complexity is {average:.1f} over "
            f"{_count(measured.blocks, 'block')} (rank {rank}"
            f"{ratchet.since(PROJECT, PROJECT_AVERAGE)}); the limit is {limits.average}: "
            f"simplify the most complex blocks, starting in this module (total {anchor.total})",
        )


def check_complexity(ctx: CheckContext, baseline: Snapshot | None = None) -> Outcome:
    """The ``complexity`` check; with ``baseline``, only what is new or worse than recorded."""
    limits = Limits.from_settings(ctx.settings)
    measured = measure(ctx)
    ratchet = _Ratchet(baseline)
    findings = [
        *chain.from_iterable(_block_findings(m, limits, ratchet) for m in measured.modules),
        *chain.from_iterable(_module_findings(m, limits, ratchet) for m in measured.modules),
        *chain.from_iterable(
            _maintainability_findings(m, limits, ratchet) for m in measured.modules
        ),
        *(_project_findings(measured, limits, ratchet) if ctx.whole_project else ()),
    ]
    if not measured.modules and not measured.unmeasured:
        return Outcome.skipped(NAME, "no package files to measure")
    note = _note(measured, ratchet)
    if not ctx.whole_project:
        note += "; the project average is measured by the full check"
    if measured.unmeasured:
        # What radon could not read went unmeasured: the gate is not a pass for those files.
        return Outcome(NAME, Status.NOT_RUN, tuple(sorted(findings)), note)
    return Outcome.ran(NAME, findings, note=note)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _note(measured: Measurement, ratchet: _Ratchet) -> str:
    parts = [f"{_count(measured.blocks, 'block')} in {_count(len(measured.modules), 'file')}"]
    reasons: dict[str, list[str]] = {}
    for path, reason in measured.unmeasured:
        reasons.setdefault(reason, []).append(path)
    parts.extend(
        f"{_count(len(paths), 'file')} not measured ({reason}): {', '.join(paths)}"
        for reason, paths in sorted(reasons.items())
    )
    unindexed = [module.path for module in measured.modules if module.maintainability is None]
    if unindexed:
        parts.append(
            f"{_count(len(unindexed), 'file')} without a maintainability index "
            f"(radon's raw metrics failed, or a statement over {MAX_STATEMENT_LINES} lines): "
            + ", ".join(unindexed)
        )
    if ratchet.known:
        parts.append(f"{_count(ratchet.known, 'finding')} left out as known to the baseline")
    return "; ".join(parts)

"""The property every program must have, generated or kept from an old crash: linted as package
code of a real project, uncached, then cached (a cold run, then a warm one), it raises nothing,
and all three runs report the same findings. A program that libcst parses is also walked and
positioned by the engine's shortcuts exactly as by libcst itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import libcst as cst

from metstandards.config import load_config
from metstandards.engine import position_codegen, runner, walk
from metstandards.engine.runner import LintResult
from metstandards.registry import Registry

PYPROJECT = '[project]\nname = "generated"\n[tool.metstandards]\nselect = ["MS"]\n'
#: Where each program is written: package code, which every rule checks.
PROGRAM = "src/generated/program.py"


def make_project(root: Path) -> Path:
    """``root`` as a project that checks every rule, with the package directory of ``PROGRAM``."""
    (root / PROGRAM).parent.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return root


class FuzzProject:
    """A project on disk whose one file is replaced by each program in turn."""

    def __init__(self, root: Path, registry: Registry) -> None:
        self.root = make_project(root)
        self.registry = registry
        self.config = load_config(root, registry)

    def key(self) -> str:
        """The cache key a run has now: it changes when metstandards' own files change."""
        rules = self.registry.selected(self.config.select, self.config.ignore)
        return runner._cache_key(self.config, self.registry, rules)

    def lint(self, *, use_cache: bool) -> LintResult:
        return runner.run_lint(self.config, self.registry, [], use_cache=use_cache, workers=1)

    def check(self, program: bytes) -> None:
        """Assert the property (module docstring) for ``program``."""
        (self.root / PROGRAM).write_bytes(program)
        shutil.rmtree(self.root / self.config.cache_dir, ignore_errors=True)
        key = self.key()
        uncached = self.lint(use_cache=False)
        cold = self.lint(use_cache=True)
        warm = self.lint(use_cache=True)
        assert cold.files_from_cache == 0
        if self.key() == key:  # else metstandards' own files were edited meanwhile
            assert warm.files_from_cache == 1
        reported = [finding.to_dict() for finding in uncached.findings]
        assert [finding.to_dict() for finding in cold.findings] == reported
        assert [finding.to_dict() for finding in warm.findings] == reported
        check_shortcuts(program)


def check_shortcuts(program: bytes) -> None:
    """The engine's walk and positions give libcst's answers on ``program`` (when it parses)."""
    try:
        module = cst.parse_module(program)
    except (cst.ParserSyntaxError, SyntaxError, UnicodeDecodeError, LookupError, RecursionError):
        return
    try:
        reference = position_codegen.libcst_ranges(module)
        agrees = walk.agrees_with_libcst(module)
    except RecursionError:  # libcst's own visitor recurses: nested too deep to compare with
        return
    assert agrees
    assert position_codegen._fast_ranges(module) == reference


def encoded(program: str) -> bytes:
    """The bytes a generated program is written as; a lone surrogate stays an (undecodable)
    byte sequence, which the linter must report, not crash on."""
    return program.encode("utf-8", "surrogatepass")

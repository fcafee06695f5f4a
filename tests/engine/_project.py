"""A real project on disk, linted by the real engine: write files, configure, run, look."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from metstandards.config import Config, load_config
from metstandards.engine.runner import LintResult, run_lint
from metstandards.registry import Registry

PYPROJECT = '[project]\nname = "demo"\nversion = "0.1.0"\n'


class Project:
    """A project root in a temporary directory."""

    def __init__(self, root: Path, registry: Registry) -> None:
        self.root = root
        self.registry = registry
        root.mkdir(parents=True, exist_ok=True)
        self.configure("")

    def configure(self, toml: str) -> None:
        """Replace ``pyproject.toml``; ``toml`` is appended after a ``[project]`` table."""
        (self.root / "pyproject.toml").write_text(PYPROJECT + toml, encoding="utf-8")

    def write(self, files: Mapping[str, str | bytes]) -> None:
        for relpath, content in files.items():
            path = self.root / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")

    def config(self, **overrides: object) -> Config:
        return replace(load_config(self.root, self.registry), **overrides)

    def lint(
        self,
        *targets: str,
        use_cache: bool = False,
        registry: Registry | None = None,
        **overrides: object,
    ) -> LintResult:
        registry = registry or self.registry
        config = replace(load_config(self.root, registry), **overrides)
        paths = [self.root / target for target in targets]
        return run_lint(config, registry, paths, use_cache=use_cache, workers=1)


def found(result: LintResult, code: str | None = None) -> list[tuple[str, int, str]]:
    """(path, line, code) of every finding, or of those of one code."""
    return [(f.path, f.line, f.code) for f in result.findings if code in (None, f.code)]

"""Shared test helpers: write a small project to a temporary directory and lint it for real."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from metstandards.config import load_config
from metstandards.engine.runner import LintResult, run_lint
from metstandards.registry import Registry, load_registry

LintProject = Callable[..., LintResult]


@pytest.fixture(autouse=True)
def _in_a_scratch_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test from its own temporary directory, where its projects are written: the
    commands print paths relative to the current directory, as users see them, and nothing a
    test runs can write into the checkout."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def _processes_only_in_slow_tests(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test that starts another program is marked ``slow``, so that ``-m "not slow"`` is the
    fast loop: here, such a test that is not marked fails at the start of the program, naming it.
    (Lint's forked workers are not programs started; they do not count.)"""
    if request.node.get_closest_marker("slow") is not None:
        return
    start = subprocess.Popen.__init__

    def refuse(self: subprocess.Popen[Any], args: Any, *rest: Any, **options: Any) -> None:
        if multiprocessing.parent_process() is not None:  # inside a worker of the test's own
            start(self, args, *rest, **options)
            return
        raise AssertionError(
            f"{request.node.nodeid} starts a program ({args!r}): mark it @pytest.mark.slow"
        )

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry()


def write_project(root: Path, files: Mapping[str, str | bytes], pyproject: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1.0"\n' + pyproject
    )
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def notebook(*cells: str, language: str = "python") -> str:
    """A notebook as Jupyter writes it (format 4.5, each cell's source a list of lines, one
    JSON line each) of ``cells``: code cells, except those starting ``"md:"`` (markdown)."""
    written = []
    for number, cell in enumerate(cells, start=1):
        markdown = cell.startswith("md:")
        source = cell.removeprefix("md:").splitlines(keepends=True)
        entry: dict[str, object] = {
            "cell_type": "markdown" if markdown else "code",
            "id": f"cell-{number}",
            "metadata": {},
            "source": source,
        }
        if not markdown:
            entry.update(execution_count=None, outputs=[])
        written.append(entry)
    document = {
        "cells": written,
        "metadata": {
            "kernelspec": {"display_name": language, "language": language, "name": language},
            "language_info": {"name": language},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1) + "\n"


@pytest.fixture
def lint_project(tmp_path: Path, registry: Registry) -> LintProject:
    """``lint_project({"pkg/a.py": "..."}, select=("MS202",))`` -> the LintResult."""

    def run(
        files: Mapping[str, str | bytes],
        *,
        pyproject: str = "",
        select: tuple[str, ...] | None = None,
        targets: tuple[str, ...] = (),
    ) -> LintResult:
        root = write_project(tmp_path / "project", files, pyproject)
        config = load_config(root, registry)
        if select is not None:
            from dataclasses import replace

            config = replace(config, select=select)
        return run_lint(config, registry, [root / t for t in targets], use_cache=False, workers=1)

    return run

"""Run ``metstandards init`` on a scratch project as a user does, and read what it wrote."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from metstandards.cli import main

SHA = "0123456789abcdef0123456789abcdef01234567"
VERSION = "v1.2.3"
HOOKS_REPO = "https://github.com/metstandards/metstandards"


def init(root: Path, *args: str) -> Result:
    """``metstandards init`` pinned to :data:`SHA`; never a traceback."""
    arguments = ["init", str(root), "--ref", SHA, "--version", VERSION, *args]
    result = CliRunner().invoke(main, arguments)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def project(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """A scratch project at ``root`` holding ``files`` (relative path to content)."""
    root.mkdir(parents=True, exist_ok=True)
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def in_order(lines: list[str], within: list[str]) -> bool:
    """Whether every one of ``lines`` is in ``within``, in the same order (others between)."""
    rest = iter(within)
    return all(any(line == other for other in rest) for line in lines)


def tool(name: str, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A command installed next to this Python (the test extra), with the network out of reach:
    these checks must pass offline. pre-commit keeps its store in ``cwd/.pre-commit-home``."""
    executable = Path(sys.executable).parent / name
    env = {
        **os.environ,
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "",
        "ZIZMOR_OFFLINE": "true",
        "PRE_COMMIT_HOME": str(cwd / ".pre-commit-home"),
    }
    return subprocess.run(
        [str(executable), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )

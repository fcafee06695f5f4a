"""Real git repositories for the repository checks' tests, with more commits and tags where a
test needs them than one example gives."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from metstandards.repository.git import run_git

IDENTITY = ("-c", "user.name=test", "-c", "user.email=test@example.invalid")

#: ``make_repo({"path": "text", "@tags": "v1.0.0"})`` -> the root of a committed repository.
MakeRepo = Callable[..., Path]


def git(root: Path, *args: str) -> str:
    return run_git(root, *IDENTITY, *args).decode()


def commit(root: Path, files: Mapping[str, str | bytes], message: str = "change") -> str:
    """Write ``files`` into the work tree of ``root``, commit them, and return the commit."""
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", message)
    return git(root, "rev-parse", "HEAD").strip()

"""Results by content hash: an unchanged repository re-checks without parsing anything.

One JSON file per project root and purpose (``lint.json``, ``complexity.json``) holds, for each
relative path, the hash of the bytes last checked and what that check produced. The whole file
is discarded when anything that changes results changes: the metstandards version, the rule set
and plugin versions, or the settings.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

FORMAT = 1


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def cache_key(parts: Any) -> str:
    encoded = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.blake2b(encoded, digest_size=16).hexdigest()


class Cache:
    """Load once at the start of a run, store once at the end."""

    def __init__(self, directory: Path, key: str, name: str = "lint") -> None:
        self.file = directory / f"{name}.json"
        self.name = name
        self.directory = directory
        self.key = key
        self.entries: dict[str, dict[str, Any]] = {}
        self.dirty = False
        try:
            stored = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not (isinstance(stored, dict) and stored.get("format") == FORMAT):
            return
        files = stored.get("files")
        if stored.get("key") == key and isinstance(files, dict):
            self.entries = files

    def get(self, relpath: str, digest: str) -> dict[str, Any] | None:
        """The stored result for ``relpath`` if it was made from bytes with this digest."""
        entry = self.entries.get(relpath)
        if not isinstance(entry, dict) or entry.get("hash") != digest:
            return None
        result = entry.get("result")
        return result if isinstance(result, dict) else None

    def put(self, relpath: str, digest: str, result: dict[str, Any]) -> None:
        self.entries[relpath] = {"hash": digest, "result": result}
        self.dirty = True

    def store(self) -> None:
        """Write atomically; a cache that cannot be written is not an error, only slower."""
        if not self.dirty:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by metstandards\n*\n", encoding="utf-8")
            payload = {"format": FORMAT, "key": self.key, "files": self.entries}
            import tempfile  # only a run that checked something writes; a warm run does not

            handle, tmp = tempfile.mkstemp(
                dir=self.directory, prefix=f".{self.name}-", suffix=".tmp"
            )
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(payload, out, separators=(",", ":"))
            os.replace(tmp, self.file)
        except OSError:
            pass

    def retain(self, relpaths: set[str]) -> None:
        """Forget files that no longer exist in the project."""
        stale = set(self.entries) - relpaths
        for relpath in stale:
            del self.entries[relpath]
        self.dirty = self.dirty or bool(stale)

"""Results by content hash: an unchanged repository re-checks without parsing anything.

One JSON file per project root and purpose (``lint.json``, ``complexity.json``) holds, for each
relative path, the hash of the bytes last checked and what that check produced. An entry is used
only for the same bytes, and the whole file is discarded when its key changes. The lint key
(``runner._cache_key``) covers exactly:

- the installed code of metstandards (all of it: the engine runs for every rule) and of every
  distribution whose selected rules run (``code_stamp``): the path, inode, ``mtime_ns`` and size
  of each of its files. For a regular install those are the files its ``RECORD`` lists (with
  ``RECORD``'s own bytes, so its hashes too); for an editable install, a checkout on
  ``PYTHONPATH`` or any code that no ``RECORD`` lists, every file under the top-level packages
  (or single modules) its rules come from. ``__pycache__`` is left out. Code that cannot be
  located on disk (a rule defined in ``__main__``) gives a key of its own in every run, so
  nothing is answered from the cache for it;
- the metstandards version, each selected rule's code and distribution (``name==version``), and
  the code prefixes of the installed rules (suppression comments are read for them);
- the libcst version and the Python version (``sys.version``: version, build and compiler);
- the settings that shape a file's result (``Config.fingerprint``).

Not covered: other packages a plugin's rules import (metstandards' own rules import only the
standard library, libcst and metstandards), and an edit that keeps a file's inode, size and
modification time (file systems stamp times a few milliseconds coarse).

**Files answered by their stamp.** An entry also keeps the stamp of the file it was made from
(``stamp``: device, inode, size, and modification and status-change times in nanoseconds), and a
file whose stamp is unchanged is answered without reading it. Every write to a file moves its
status-change time (``ctime``) to the present, and no program can set it back (``touch -d`` and
``git checkout`` can set the modification time, not this one), so equal stamps mean the same
bytes, with the one exception git knows as "racy": a change within the file system's time
granularity of the stamp taken. As git does, a stamp is therefore only recorded for a file whose
times lie at least ``RACY_SECONDS`` before the run began; a file changed more recently is read
and hashed again next time (and stamped then). Where a stamp does not match, the bytes are read
and the content hash decides, as before.

The cache file also keeps the verdicts of the libcst fences (``fences``), which depend only on
what the key covers.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
from collections.abc import Iterable
from importlib.machinery import ModuleSpec
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

FORMAT = 1
#: A file changed less than this long before a run began gets no stamp (see the docstring): more
#: than the coarsest time granularity of common file systems (FAT's 2 s).
RACY_SECONDS = 3
#: (device, inode, size, mtime_ns, ctime_ns) of a file, as ``stamp`` gives it.
Stamp = tuple[int, int, int, int, int]


def stamp(info: os.stat_result) -> Stamp:
    """A file's identity and times, to tell whether it changed since its entry was made."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def settled(file_stamp: Stamp, started_ns: int) -> bool:
    """Whether a file with this stamp was last changed safely before ``started_ns``, the moment
    (``time.time_ns()``) before it was read: only then may its stamp stand for its bytes."""
    return max(file_stamp[3], file_stamp[4]) < started_ns - RACY_SECONDS * 1_000_000_000


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def cache_key(parts: Any) -> str:
    encoded = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.blake2b(encoded, digest_size=16).hexdigest()


def code_stamp(distribution_name: str, modules: Iterable[str]) -> str:
    """A digest of the installed code of ``distribution_name``, whose ``modules`` (imported, by
    dotted name) are running: the identity of every file of it (see the module docstring).

    Stat results, not contents: a warm run pays about a millisecond for metstandards' ~150 files
    instead of reading them all. A running module that its ``RECORD`` does not list (an editable
    install, a checkout on ``PYTHONPATH`` in front of an installed copy) means the installed
    files are not the code that runs: then the modules' top-level packages are walked instead.
    """
    names = sorted(set(modules))
    running = _origins(names)
    if running is None:
        return "unlocated:" + os.urandom(16).hex()
    record = _record_files(distribution_name)
    if record is not None and running <= set(record[1]):
        return "record:" + _stat_digest(record[0], record[1])
    tops = sorted({name.partition(".")[0] for name in names})
    return "files:" + _stat_digest(b"", _walk([root for top in tops for root in _roots(top)]))


def _spec(name: str) -> ModuleSpec | None:
    """The import spec of an imported module, read from its dictionary: an attribute lookup
    could load a module that the registry deferred (libcst)."""
    module = sys.modules.get(name)
    spec = vars(module).get("__spec__") if module is not None else None
    return spec if isinstance(spec, ModuleSpec) else None


def _origins(names: Iterable[str]) -> set[str] | None:
    """The files the modules were loaded from, or None when one has none (``__main__``)."""
    origins = set()
    for name in names:
        spec = _spec(name)
        if spec is None or not spec.has_location or spec.origin is None:
            return None
        origins.add(os.path.normpath(spec.origin))
    return origins


def _roots(top: str) -> list[str]:
    """Where a top-level package (its directories) or single module (its file) lies."""
    spec = _spec(top)
    if spec is None:
        return []
    if spec.submodule_search_locations is not None:
        return list(spec.submodule_search_locations)
    return [spec.origin] if spec.origin else []


def _record_files(name: str) -> tuple[bytes, list[str]] | None:
    """An installed distribution's ``RECORD`` and the files it lists (absolute, normalised,
    without ``__pycache__``, which Python rewrites), or None without one."""
    try:
        found = distribution(name)
        record = found.read_text("RECORD")
        base = str(found.locate_file(""))
        rows = list(csv.reader((record or "").splitlines()))
    except (PackageNotFoundError, OSError, ValueError, NotImplementedError, csv.Error):
        return None  # not installed, or by a finder that does not say where its files are
    if record is None:
        return None
    files = [os.path.normpath(os.path.join(base, row[0])) for row in rows if row]
    return record.encode(), [path for path in files if "__pycache__" not in path]


def _walk(roots: list[str]) -> list[str]:
    """Every file under ``roots`` (a root may be a file itself), ``__pycache__`` left out,
    sorted; a root that cannot be listed stands for itself (and is stamped as missing)."""
    found: list[str] = []
    pending = list(roots)
    while pending:
        path = pending.pop()
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    if not entry.is_dir(follow_symlinks=False):
                        found.append(entry.path)
                    elif entry.name != "__pycache__":
                        pending.append(entry.path)
        except OSError:
            found.append(path)
    return sorted(found)


def _stat_digest(prefix: bytes, paths: Iterable[str]) -> str:
    """A digest of ``prefix`` and each file's path, inode, modification time and size."""
    digest = hashlib.blake2b(prefix, digest_size=16)
    for path in paths:
        try:
            info = os.stat(path)
            stamp = f"{path}\0{info.st_ino}\0{info.st_mtime_ns}\0{info.st_size}\n"
        except OSError:
            stamp = f"{path}\0missing\n"
        digest.update(stamp.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


class Cache:
    """Load once at the start of a run, store once at the end."""

    def __init__(self, directory: Path, key: str, name: str = "lint") -> None:
        self.file = directory / f"{name}.json"
        self.name = name
        self.directory = directory
        self.key = key
        self.entries: dict[str, dict[str, Any]] = {}
        #: The libcst fences' verdicts stored with these entries (``fences``).
        self.verdicts: dict[str, Any] = {}
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
            verdicts = stored.get("verdicts")
            self.verdicts = verdicts if isinstance(verdicts, dict) else {}

    def get(self, relpath: str, digest: str) -> dict[str, Any] | None:
        """The stored result for ``relpath`` if it was made from bytes with this digest."""
        entry = self.entries.get(relpath)
        if not isinstance(entry, dict) or entry.get("hash") != digest:
            return None
        result = entry.get("result")
        return result if isinstance(result, dict) else None

    def get_stamped(self, relpath: str, file_stamp: Stamp) -> dict[str, Any] | None:
        """The stored result for ``relpath`` if it was made from the file with this stamp."""
        entry = self.entries.get(relpath)
        if not isinstance(entry, dict) or entry.get("stamp") != list(file_stamp):
            return None
        result = entry.get("result")
        return result if isinstance(result, dict) else None

    def put(
        self, relpath: str, digest: str, result: dict[str, Any], file_stamp: Stamp | None = None
    ) -> None:
        """Store ``result`` for bytes with ``digest``, and for the file with ``file_stamp``
        (only a settled one: see the module docstring)."""
        entry: dict[str, Any] = {"hash": digest, "result": result}
        if file_stamp is not None:
            entry["stamp"] = list(file_stamp)
        self.entries[relpath] = entry
        self.dirty = True

    def restamp(self, relpath: str, file_stamp: Stamp | None) -> None:
        """Record the stamp of the file an entry, found by its hash, was made from (or drop the
        old stamp when the file is not settled)."""
        entry = self.entries.get(relpath)
        if not isinstance(entry, dict):
            return
        wanted = list(file_stamp) if file_stamp is not None else None
        if entry.get("stamp") != wanted:
            if wanted is None:
                entry.pop("stamp", None)
            else:
                entry["stamp"] = wanted
            self.dirty = True

    def keep_verdicts(self, verdicts: dict[str, bool]) -> None:
        """Store the libcst fences' verdicts of this run with the entries."""
        if verdicts and verdicts != self.verdicts:
            self.verdicts = dict(verdicts)
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
            if self.verdicts:
                payload["verdicts"] = self.verdicts
            # dumps, not dump: only the one-shot encoder is the C one (5x faster on a big cache).
            text = json.dumps(payload, separators=(",", ":"))
            import tempfile  # only a run that checked something writes; a warm run does not

            handle, tmp = tempfile.mkstemp(
                dir=self.directory, prefix=f".{self.name}-", suffix=".tmp"
            )
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, self.file)
        except OSError:
            pass

    def retain(self, relpaths: set[str]) -> None:
        """Forget files that no longer exist in the project."""
        stale = set(self.entries) - relpaths
        for relpath in stale:
            del self.entries[relpath]
        self.dirty = self.dirty or bool(stale)

"""A repository as the MS6xx checks see it: its tracked files, their git objects, its tags.

One :class:`Repository` serves all checks of one repository, and every answer is computed
once, on first use (an audit runs 13 checks over hundreds of repositories, and git
subprocesses are the cost). What is tracked comes from git's index (``git ls-files``), never
from the work tree's untracked files; sizes, release tags and the files at a tag's commit come
from git objects. The text of a tracked file is read from the work tree, so that ``metstandards
check`` sees a configuration being edited, as its other parts do; a symlink leading outside
the repository is never followed, and reads are size-capped.

A directory that is not the top of a git work tree (no repository, or a folder inside one) has
no tracked files and no tags to judge: every access raises :class:`NotAGitWorkTree`, which the
runner turns into an ``error`` verdict for each check, with the reason.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.version import InvalidVersion, Version

from metstandards._toml import tomllib
from metstandards.repository.git import GitError, run_git
from metstandards.repository.yamldoc import YamlError, load_yaml

if TYPE_CHECKING:
    from metstandards.repository.ci import CI
    from metstandards.repository.precommit import PreCommitConfig

__all__ = [
    "AttributeLine",
    "NotAGitWorkTree",
    "Repository",
    "RepositoryError",
    "Tag",
    "TrackedFile",
    "UnreadableFile",
]

#: Bytes of a tracked file ``Repository.text`` reads at most by default.
TEXT_LIMIT = 1 << 20
_UNREADABLE = (
    "it is missing from the work tree, not a regular file, larger than 1 MB, or a link "
    "leading out of the repository"
)
_SYMLINK = "120000"
_SUBMODULE = "160000"


class RepositoryError(Exception):
    """The repository cannot be read as the checks need it; the message says why."""


class NotAGitWorkTree(RepositoryError):
    """The directory is not the top of a git work tree."""


class UnreadableFile(RepositoryError):
    """A configuration file is tracked but cannot be parsed (invalid TOML or YAML)."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(f"{path} cannot be read: {why}")
        self.path = path
        self.why = why


@dataclass(frozen=True)
class TrackedFile:
    """One entry of git's index (or of a commit's tree): path, file mode and blob id."""

    path: str
    mode: str
    oid: str

    @property
    def is_symlink(self) -> bool:
        return self.mode == _SYMLINK

    @property
    def is_submodule(self) -> bool:
        return self.mode == _SUBMODULE


@dataclass(frozen=True)
class Tag:
    """A tag and the commit it points to (an annotated tag is peeled to its commit)."""

    name: str
    commit: str

    @property
    def version(self) -> Version | None:
        """The PEP 440 version the tag names (``v1.2.3`` names 1.2.3), else None."""
        try:
            return Version(self.name)
        except InvalidVersion:
            return None


class Repository:
    """The repository at ``root``, read through git; see the module's docs."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # -- git -----------------------------------------------------------------------------------

    @cached_property
    def _real_root(self) -> str:
        return os.path.realpath(self.root)

    @cached_property
    def git_problem(self) -> str | None:
        """Why ``root`` is not the top of a git work tree, or None when it is."""
        if not os.path.isdir(self.root):
            return f"{self.root} is not a directory"
        try:
            top = run_git(self.root, "rev-parse", "--show-toplevel").decode("utf-8", "replace")
        except GitError as error:
            return f"{self.root} is not a git work tree ({error})"
        if os.path.realpath(top.strip()) != self._real_root:
            return f"{self.root} is a folder inside the git work tree {top.strip()}, not its top"
        return None

    def _git(self, *args: str, stdin: bytes | None = None) -> bytes:
        if self.git_problem is not None:
            raise NotAGitWorkTree(
                f"{self.git_problem}: the repository checks read tracked files and git metadata"
            )
        try:
            return run_git(self.root, *args, stdin=stdin)
        except GitError as error:
            raise RepositoryError(str(error)) from None

    # -- tracked files -------------------------------------------------------------------------

    @cached_property
    def files(self) -> Mapping[str, TrackedFile]:
        """Every tracked path (POSIX, relative to the root) in git's index, sorted."""
        found: dict[str, TrackedFile] = {}
        for record in self._git("ls-files", "--stage", "-z").split(b"\0"):
            if not record:
                continue
            head, _, raw_path = record.partition(b"\t")
            mode, oid, _stage = head.decode("ascii").split(" ")
            path = raw_path.decode("utf-8", "surrogateescape")
            # An unmerged path has up to three stages; the first one stands for it.
            found.setdefault(path, TrackedFile(path, mode, oid))
        return dict(sorted(found.items()))

    def has(self, path: str) -> bool:
        return path in self.files

    def under(self, directory: str) -> list[str]:
        """The tracked paths below ``directory`` (``".github/workflows"``)."""
        prefix = directory.rstrip("/") + "/"
        return [path for path in self.files if path.startswith(prefix)]

    @cached_property
    def sizes(self) -> Mapping[str, int]:
        """The size in bytes of each tracked file's git object (a submodule has none).

        For a file under Git LFS this is the size of its pointer, which is what git stores.
        """
        entries = [entry for entry in self.files.values() if not entry.is_submodule]
        oids = sorted({entry.oid for entry in entries})
        found = self._git("cat-file", "--batch-check", stdin="\n".join(oids).encode() + b"\n")
        by_oid: dict[str, int] = {}
        for line in found.decode("ascii", "replace").splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[2].isdigit():
                by_oid[parts[0]] = int(parts[2])
        return {entry.path: by_oid[entry.oid] for entry in entries if entry.oid in by_oid}

    def text(self, path: str, limit: int = TEXT_LIMIT) -> str | None:
        """The text of the tracked file ``path`` as the work tree holds it, or None.

        None for a path that is not tracked, is a submodule, is missing from the work tree, is
        not a regular file, is larger than ``limit`` bytes, or is a symlink (or lies below one)
        leading outside the repository, which is never followed. Bytes that are not UTF-8 are
        replaced, so that a stray Latin-1 comment does not hide the rest of the file.
        """
        entry = self.files.get(path)
        if entry is None or entry.is_submodule:
            return None
        real = os.path.realpath(os.path.join(self.root, path))
        if os.path.commonpath([real, self._real_root]) != self._real_root:
            return None
        try:
            if not stat.S_ISREG(os.stat(real).st_mode):
                return None
            with open(real, "rb") as handle:
                data = handle.read(limit + 1)
        except OSError:
            return None
        if len(data) > limit:
            return None
        return data.decode("utf-8", "replace").removeprefix("\ufeff")

    def yaml(self, path: str) -> Any:
        """The YAML document in the tracked file ``path``, None if it is not tracked. Raises
        :class:`UnreadableFile` when it cannot be read (see :meth:`text`) or is not YAML."""
        if not self.has(path):
            return None
        text = self.text(path)
        if text is None:
            raise UnreadableFile(path, _UNREADABLE)
        try:
            return load_yaml(text)
        except YamlError as error:
            raise UnreadableFile(path, f"invalid YAML, {error}") from None

    # -- tags and the files at a commit --------------------------------------------------------

    @cached_property
    def tags(self) -> tuple[Tag, ...]:
        """Every tag that points to a commit (lightweight or annotated), by name."""
        listed = self._git(
            "for-each-ref",
            "--format=%(refname:strip=2)%00%(objecttype)%00%(objectname)"
            "%00%(*objecttype)%00%(*objectname)",
            "refs/tags",
        )
        tags = []
        for line in listed.decode("utf-8", "replace").splitlines():
            name, kind, oid, peeled_kind, peeled = line.split("\0")
            if kind == "commit":
                tags.append(Tag(name, oid))
            elif kind == "tag" and peeled_kind == "commit":
                tags.append(Tag(name, peeled))
        return tuple(sorted(tags, key=lambda tag: tag.name))

    @cached_property
    def release_tags(self) -> tuple[Tag, ...]:
        """The tags that name a PEP 440 version, lowest version first (a version tagged twice,
        ``1.2`` and ``v1.2.0``, keeps both)."""
        released = [tag for tag in self.tags if tag.version is not None]
        return tuple(sorted(released, key=lambda tag: (tag.version, tag.name)))

    def tree(self, commit: str) -> Mapping[str, tuple[TrackedFile, int]]:
        """Every file of ``commit``'s tree with the size of its object (-1 for a submodule)."""
        found: dict[str, tuple[TrackedFile, int]] = {}
        for record in self._git("ls-tree", "-r", "-l", "-z", commit).split(b"\0"):
            if not record:
                continue
            head, _, raw_path = record.partition(b"\t")
            mode, _kind, oid, size = head.decode("ascii").split()
            path = raw_path.decode("utf-8", "surrogateescape")
            found[path] = (TrackedFile(path, mode, oid), int(size) if size.isdigit() else -1)
        return found

    def blobs(self, oids: Iterable[str]) -> dict[str, bytes]:
        """The contents of the git objects ``oids``, read in one ``git cat-file`` process."""
        wanted = sorted(set(oids))
        if not wanted:
            return {}
        out = self._git("cat-file", "--batch", stdin="\n".join(wanted).encode() + b"\n")
        found: dict[str, bytes] = {}
        position = 0
        while position < len(out):
            end = out.index(b"\n", position)
            header = out[position:end].decode("ascii", "replace").split()
            position = end + 1
            if len(header) != 3:  # "<oid> missing"
                continue
            size = int(header[2])
            found[header[0]] = out[position : position + size]
            position += size + 1
        return found

    # -- configuration files -------------------------------------------------------------------

    @cached_property
    def pyproject(self) -> Mapping[str, Any]:
        """``pyproject.toml`` parsed; empty without one. Raises :class:`UnreadableFile` when it
        is not TOML."""
        text = self.text("pyproject.toml")
        if text is None:
            return {}
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise UnreadableFile("pyproject.toml", f"invalid TOML, {error}") from None

    @cached_property
    def pre_commit(self) -> PreCommitConfig | None:
        """``.pre-commit-config.yaml``, or None without one; raises :class:`UnreadableFile`."""
        from metstandards.repository.precommit import read_pre_commit

        return read_pre_commit(self)

    @cached_property
    def gitattributes(self) -> tuple[AttributeLine, ...]:
        """The pattern lines of every tracked ``.gitattributes``, the root's first, so that a
        deeper file's line comes later and wins, as in git."""
        names = [p for p in self.files if p.rpartition("/")[2] == ".gitattributes"]
        lines = []
        for path in sorted(names, key=lambda p: (p.count("/"), p)):
            base = path.rpartition("/")[0]
            for number, line in enumerate((self.text(path) or "").splitlines(), start=1):
                words = line.split()
                if words and not words[0].startswith(("#", "[attr]")):
                    lines.append(AttributeLine(path, number, base, words[0], tuple(words[1:])))
        return tuple(lines)

    @cached_property
    def ci(self) -> CI:
        """The repository's CI: GitHub Actions workflows and GitLab CI, as far as they are
        its own files."""
        from metstandards.repository.ci import read_ci

        return read_ci(self)


@dataclass(frozen=True)
class AttributeLine:
    """One line of a ``.gitattributes`` file: ``*.nc filter=lfs diff=lfs merge=lfs -text``."""

    path: str
    line: int
    #: The directory of the ``.gitattributes`` file ("" at the root); patterns are relative to it.
    base: str
    pattern: str
    attributes: tuple[str, ...]

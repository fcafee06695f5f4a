"""The files of a git work tree, as git itself lists them.

In a git work tree the files to check are those git tracks (``git ls-files``), whatever any
``.gitignore`` says (a file added with ``git add -f`` is tracked, and so checked), plus the
untracked files that no ignore rule matches (``--others --exclude-standard``), which a commit
would pick up. One ``git ls-files -z --cached --others --exclude-standard`` answers both,
exactly: git's own ignore rules, its ``info/exclude`` and its global excludes file included.

Not listed, and so not checked: the contents of submodules and of nested repositories (git lists
a submodule as one entry, a directory, and an untracked repository as ``name/``: check them on
their own), and what is not a regular file or a symlink (a FIFO). Names are read with ``-z``, as
bytes, and decoded as the file system's names are (undecodable bytes kept as surrogates).

git runs hardened (``repository.git``): a repository's configuration cannot make it start a
program (``core.fsmonitor``). Where there is no git work tree, git is missing, or git refuses
(a repository owned by another user, a damaged index), the answer is None and discovery walks
the directories with its own ``.gitignore`` matcher instead.
"""

from __future__ import annotations

import os
from pathlib import Path


def in_work_tree(root: Path) -> bool:
    """Whether ``root`` lies in a git work tree, decided without running git: the nearest
    ``.git`` at or above it is a repository (a directory with a ``HEAD``) or a pointer to one
    (a file, as in a linked work tree or a submodule)."""
    for directory in (root, *root.parents):
        marker = directory / ".git"
        if marker.is_file():
            return True
        if marker.is_dir():
            return (marker / "HEAD").is_file()
    return False


def listed_files(root: Path) -> frozenset[str] | None:
    """The paths, relative to ``root`` (POSIX), that git lists below ``root``: tracked, and
    untracked but not ignored. None when git cannot say (see the module docstring)."""
    if not in_work_tree(root):
        return None
    # Here, not at the top: a run outside a work tree never needs subprocess (its start-up).
    from metstandards.repository.git import GitError, run_git

    try:
        listing = run_git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    except GitError:
        return None
    return frozenset(
        os.fsdecode(name) for name in listing.split(b"\0") if name and not name.endswith(b"/")
    )

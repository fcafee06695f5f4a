"""Example repositories made real: what a check's ``PASSING``, ``FAILING`` and
``NOT_APPLICABLE`` examples become before the check runs on them.

An example is ``{relative path: content}``, committed in one commit of a new git repository.
Its one key that is not a file is :data:`TAGS`: the tags to put on that commit, one per line
(``{"pyproject.toml": ..., TAGS: "v1.2.0"}``). One generic test builds every registered check's
examples with :func:`build_example`, so a plugin's checks are tested the same way.
"""

from __future__ import annotations

from pathlib import Path

from metstandards.repository.check import Example
from metstandards.repository.git import run_git

#: The example key naming the tags of its commit, one per line.
TAGS = "@tags"
_IDENTITY = (
    "-c",
    "user.name=metstandards example",
    "-c",
    "user.email=example@metstandards.invalid",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "tag.gpgsign=false",
)


def build_example(root: Path, example: Example) -> Path:
    """Write ``example`` into the new directory ``root``, commit it and tag the commit."""
    root.mkdir(parents=True)
    for relpath, content in example.items():
        if relpath == TAGS:
            continue
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    run_git(root, "-c", "init.defaultBranch=main", "init", "--quiet")
    run_git(root, "add", "--all")
    run_git(root, *_IDENTITY, "commit", "--quiet", "--allow-empty", "--message", "example")
    for tag in example.get(TAGS, "").split():
        run_git(root, *_IDENTITY, "tag", tag)
    return root

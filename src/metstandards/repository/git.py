"""Running git on a repository that may have been written by anyone, without running its code.

A repository's own configuration can name programs for git to start: ``core.fsmonitor`` on
every index read, hooks, a pager, clean/smudge filters on checkout. The audit only ever asks
git for plumbing answers (``ls-files``, ``ls-tree``, ``cat-file``, ``for-each-ref``), which run
no filter, and switches the rest off on the command line, where it overrides the repository.
The environment is cleaned of inherited ``GIT_*`` variables, so that an audit started from a
git hook (which sets ``GIT_DIR`` and ``GIT_INDEX_FILE``) still reads the repository it was
given, and git never prompts, pages or fetches missing objects of a partial clone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

_HARDENING = (
    "--no-pager",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "core.untrackedCache=false",
)
_ENVIRONMENT = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    # A partial clone would otherwise fetch a missing blob over the network (git >= 2.45).
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_OPTIONAL_LOCKS": "0",
    "LC_ALL": "C",
}
#: A full commit id (SHA-1, or SHA-256 in a repository of that object format): the one kind of
#: reference that cannot be moved to other code.
FULL_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
#: Seconds one git command may take; a repository that needs more is reported, not waited on.
TIMEOUT_S = 60


class GitError(Exception):
    """git is missing, failed or took too long; the message says which, in git's words."""


def _environment() -> dict[str, str]:
    kept = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    return {**kept, **_ENVIRONMENT}


def run_git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """The standard output of ``git -C root args`` (hardened); raises :class:`GitError`."""
    git = shutil.which("git")
    if git is None:
        raise GitError("git is not installed, and the repository checks read git metadata")
    command = [git, *_HARDENING, "-C", str(root), *args]
    try:
        done = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            env=_environment(),
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took more than {TIMEOUT_S} s") from None
    except OSError as error:
        raise GitError(f"git cannot be started: {error.strerror}") from None
    if done.returncode != 0:
        words = done.stderr.decode("utf-8", "replace").strip().splitlines()
        said = words[-1].removeprefix("fatal: ") if words else f"exit status {done.returncode}"
        raise GitError(f"git {args[0]} failed: {said}")
    return done.stdout

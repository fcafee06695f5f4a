"""Have each target's files on disk: a remote repository cloned (or updated) into the cache, a
local one used where it is; and the commit audited.

Repositories of a whole organisation are not all trusted, so git runs here as if on hostile
input:

- **nothing of theirs runs**: no hook (``core.hooksPath=/dev/null``; templates not copied), no
  LFS filter (``GIT_LFS_SKIP_SMUDGE=1`` and the lfs filter emptied), no submodule, no
  fsmonitor, no credential helper, no transport helper: only the https, http, ssh, git and file
  protocols (``GIT_ALLOW_PROTOCOL``; ``ext::`` refused);
- **nothing outside the clone is read through it**: ``core.symlinks=false`` checks a symbolic
  link out as a small file holding its target's path, so a link to ``/etc/passwd`` reads as
  that text, never as the file (the choice keeps every reader of the work tree safe without
  each having to refuse links); a repository's name becomes one sanitised directory of the
  cache, whatever ``../`` or ``/`` it holds;
- **nobody else's configuration applies and nothing prompts**: no system or global git config,
  no inherited ``GIT_*`` variable, ``GIT_TERMINAL_PROMPT=0`` and SSH in batch mode;
- **the token is never stored**: it goes to git as an ``http.extraHeader`` in the environment
  of the one command that fetches (``GIT_CONFIG_COUNT``; not the command line, which other
  users can list), only for a target that was listed from its hosting service or lives on a
  token host (:attr:`~metstandards.audit.sources.Target.token_env`). It is in no URL, no
  ``.git/config`` and no message.

Clones are shallow (``--depth 1``) plus every tag with its commit at depth 1, so the release
checks can read the highest release tag's commit and files from git objects. The next run
fetches and resets to the remote's default branch instead of cloning again.

Needs git 2.32 or later (``GIT_CONFIG_GLOBAL``, ``GIT_CONFIG_COUNT``).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess  # nosec B404
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from metstandards.audit.sources import GITLAB_TOKEN_ENV, Target
from metstandards.tools.process import kill_group

__all__ = ["DEFAULT_TIMEOUT", "Checkout", "CloneError", "checkout_dir", "materialize", "origin_url"]

#: Seconds a repository may take to be fetched, in all.
DEFAULT_TIMEOUT = 600.0
#: Given to every git command: what keeps a hostile repository from running or reading
#: anything (see the module's docstring).
_SAFE_CONFIG = (
    "core.hooksPath=/dev/null",
    "core.symlinks=false",
    "core.fsmonitor=false",
    "credential.helper=",
    "protocol.ext.allow=never",
    "filter.lfs.smudge=",
    "filter.lfs.process=",
    "filter.lfs.required=false",
    "submodule.recurse=false",
    "fetch.recurseSubmodules=false",
    "gc.autoDetach=false",
)
#: The ``GIT_*`` variables kept: how the user reaches SSH servers. Any other (``GIT_DIR``,
#: ``GIT_CONFIG_PARAMETERS``, ``GIT_TRACE_CURL``) could redirect git or print the token.
_KEPT_GIT_VARIABLES = ("GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSH_VARIANT")
_MAX_REASON = 300
_PREFIX = re.compile(r"^(fatal|error):\s*")
#: What git adds to every failed fetch, whatever the cause.
_GENERIC = (
    "Could not read from remote repository.",
    "Please make sure you have the correct access rights",
    "and the repository exists.",
)
#: A shallow fetch of named refs only; tags come by their own refspec, each at depth 1.
_FETCH = ("fetch", "--quiet", "--depth", "1", "--no-tags", "--prune", "--no-recurse-submodules")


class CloneError(Exception):
    """A target's files cannot be had; the message names the repository and the reason."""


@dataclass(frozen=True)
class Checkout:
    """Where a target's files are, and the commit they are."""

    root: Path
    #: The full SHA of HEAD.
    commit: str


class _GitFailed(Exception):
    """A git command failed; the message is git's reason, in its own words."""


def materialize(
    target: Target, cache_dir: Path, *, token: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Checkout:
    """The target's files and commit: a remote target cloned into (or updated in)
    :func:`checkout_dir`, a local one in place.

    ``token`` is sent only for a target with a ``token_env`` (see
    :func:`~metstandards.audit.sources.token_for`, which finds the right one); for any other it
    is ignored, so that one token given for a whole run never reaches a host it was not meant
    for. Raises :class:`CloneError`.
    """
    if not target.remote:
        return _local(target, timeout)
    header = _auth_header(target, token)
    secrets = [token, header, header.split()[-1]] if token and header else []
    root = checkout_dir(cache_dir, target)
    deadline = _in(timeout)
    try:
        _prepare(root, target.location, deadline)
        branch = target.default_branch
        tip = f"refs/remotes/origin/{branch or 'HEAD'}"
        fetch = f"+refs/heads/{branch}:{tip}" if branch else f"+HEAD:{tip}"
        _run(
            [*_FETCH, "origin", fetch, "+refs/tags/*:refs/tags/*"],
            root=root,
            deadline=deadline,
            header=header,
        )
        _run(["reset", "--hard", "--quiet", tip], root=root, deadline=deadline)
        _run(["clean", "-ffdxq"], root=root, deadline=deadline)
        commit = _run(["rev-parse", "--verify", "HEAD"], root=root, deadline=deadline)
    except _GitFailed as failure:
        reason = _scrub(str(failure), secrets)
        if "couldn't find remote ref" in reason:
            reason += " (the repository is empty, or its default branch is gone)"
        raise CloneError(f"cannot fetch {target.name} from {target.location}: {reason}") from None
    except OSError as error:  # the cache cannot be written
        raise CloneError(f"cannot fetch {target.name} into {root}: {error}") from None
    return Checkout(root, commit)


def checkout_dir(cache_dir: Path, target: Target) -> Path:
    """The cache directory of a remote target: one directory right under ``cache_dir``, named
    after the target (only letters, digits, ``-`` and ``_``: no ``..``, no ``/``) and a hash of
    its location, so that two repositories never share one."""
    slug = re.sub(r"[^A-Za-z0-9_]+", "-", target.name).strip("-")[:60] or "repository"
    digest = hashlib.sha256(target.location.encode()).hexdigest()[:10]
    return cache_dir.absolute() / f"{slug}-{digest}"


def origin_url(directory: Path) -> str | None:
    """The URL of the ``origin`` remote of the repository at ``directory``, as configured; None
    when there is none (or no repository)."""
    try:
        url = _run(["config", "--get", "remote.origin.url"], cwd=directory, deadline=_in(10))
    except _GitFailed:
        return None
    return url or None


def _local(target: Target, timeout: float) -> Checkout:
    """A local target, in place: the top of a git work tree, and its HEAD commit."""
    root = Path(target.location)
    deadline = _in(timeout)
    try:
        top = Path(_run(["rev-parse", "--show-toplevel"], cwd=root, deadline=deadline))
    except _GitFailed as failure:
        raise CloneError(
            f"cannot audit {target.location}: not a git work tree ({failure})"
        ) from None
    if top.resolve() != root.resolve():
        raise CloneError(
            f"cannot audit {target.location}: it is a directory inside the git work tree {top}; "
            "audit the work tree's top instead"
        )
    try:
        commit = _run(["rev-parse", "--verify", "--quiet", "HEAD"], cwd=root, deadline=deadline)
    except _GitFailed:
        raise CloneError(f"cannot audit {target.location}: the repository has no commit") from None
    return Checkout(root, commit)


def _prepare(root: Path, location: str, deadline: float) -> None:
    """Make ``root`` an empty repository whose ``origin`` is ``location``, unless it is one
    already (the last run's clone, to be updated). A directory left half-made is replaced.
    One audit at a time may use a cache directory."""
    if (root / ".git").is_dir():
        try:
            url = _run(["config", "--get", "remote.origin.url"], root=root, deadline=deadline)
        except _GitFailed:
            url = ""
        if url == location:
            # A git stopped at the time limit leaves its locks; one audit writes a cache at a
            # time, so any lock found is stale and would fail every later run.
            for lock in (root / ".git").rglob("*.lock"):
                lock.unlink()
            return
    if root.is_symlink() or root.is_file():
        root.unlink()
    elif root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    # No template: no sample hooks, nothing copied from the user's template directory.
    _run(["init", "--quiet", "--template=", "--", str(root)], deadline=deadline)
    # Kept, so that git run later in the clone sees the work tree as it was checked out.
    _run(["config", "core.symlinks", "false"], root=root, deadline=deadline)
    _run(["remote", "add", "origin", "--", location], root=root, deadline=deadline)


def _auth_header(target: Target, token: str | None) -> str | None:
    """The ``http.extraHeader`` that carries the token: HTTP Basic with the user name each
    service expects (GitLab ``oauth2``; GitHub ``x-access-token``, which all its tokens take)."""
    if not token or not target.token_env:
        return None
    user = "oauth2" if target.token_env == GITLAB_TOKEN_ENV else "x-access-token"
    credential = base64.b64encode(f"{user}:{token}".encode()).decode("ascii")
    return f"Authorization: Basic {credential}"


def _run(
    args: Sequence[str],
    *,
    deadline: float,
    root: Path | None = None,
    cwd: Path | None = None,
    header: str | None = None,
) -> str:
    """``git args`` with the safe configuration; its stdout, stripped. ``root`` names the
    clone explicitly (``--git-dir``/``--work-tree``), so that git never goes looking in a
    directory above it: a cache inside a project must not reset the project."""
    command = ["git"]
    for setting in _SAFE_CONFIG:
        command += ["-c", setting]
    if root is not None:
        command += [f"--git-dir={root / '.git'}", f"--work-tree={root}"]
    seconds = max(deadline - time.monotonic(), 0.1)
    try:
        # An argument list, never a shell; git from PATH like the user's own.
        process = subprocess.Popen(  # nosec B603
            [*command, *args],
            cwd=cwd,
            env=_environment(header),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            errors="replace",
            # Its own session: no terminal to prompt on, and a timeout stops its children too.
            start_new_session=True,
        )
    except OSError as error:  # no git on PATH, a directory gone
        raise _GitFailed(f"git could not be started: {error}") from None
    with process:
        try:
            stdout, stderr = process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            kill_group(process)
            raise _GitFailed(
                f"git {args[0]} did not finish in time (it had {seconds:.0f} s left of the limit)"
            ) from None
        except BaseException:  # Ctrl-C must not leave a clone running
            kill_group(process)
            raise
    if process.returncode != 0:
        raise _GitFailed(_reason(stderr) or f"git {args[0]} exited with {process.returncode}")
    return stdout.strip()


def _environment(header: str | None) -> Mapping[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("GIT_") or name in _KEPT_GIT_VARIABLES
    }
    env.pop("SSH_ASKPASS", None)  # git would ask it for a password
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0",
        GIT_LFS_SKIP_SMUDGE="1",
        GIT_ALLOW_PROTOCOL="https:http:ssh:git:file",
        LC_ALL="C",  # git's reasons in English, as the report's other words are
    )
    if "GIT_SSH" not in env and "GIT_SSH_COMMAND" not in env:
        env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
    if header:
        env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="http.extraHeader")
        env["GIT_CONFIG_VALUE_0"] = header
    return env


def _reason(stderr: str) -> str:
    """What git said went wrong, in one line: its messages without the ``fatal:`` prefixes,
    hints and the generic "check your access rights" paragraph (when it said more)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    said = [_PREFIX.sub("", line) for line in lines if not line.startswith(("hint:", "warning:"))]
    said = [line for line in said if line not in _GENERIC] or said
    reason = ""
    for line in dict.fromkeys(said):  # once each, in order
        separator = "" if not reason else " " if reason.endswith(":") else "; "
        reason += separator + line
    return reason if len(reason) <= _MAX_REASON else reason[: _MAX_REASON - 3] + "..."


def _scrub(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def _in(seconds: float) -> float:
    return time.monotonic() + seconds

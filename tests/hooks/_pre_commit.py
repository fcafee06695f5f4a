"""Run the real pre-commit against a snapshot of this checkout.

pre-commit installs hooks from a commit of their repository, and the working tree under test is
not committed. ``try-repo`` would commit it into a shadow repository, but only the files git
already tracks; so the tests copy the working tree (tracked and untracked files that are not
ignored) into a fresh repository and commit it there, untouched by the developer's own git.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "metstandards tests",
    "GIT_AUTHOR_EMAIL": "tests@metstandards.invalid",
    "GIT_COMMITTER_NAME": "metstandards tests",
    "GIT_COMMITTER_EMAIL": "tests@metstandards.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}
#: Building the hook environments installs packages from the index; never wait forever.
TIMEOUT_S = 900


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        env={**os.environ, **_GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def new_repository(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git("init", "-q", cwd=path)
    return path


def commit_all(path: Path) -> str:
    """Commit everything under ``path``; the new commit's SHA."""
    git("add", "-A", cwd=path)
    git("commit", "-q", "--no-verify", "-m", "snapshot", cwd=path)
    return git("rev-parse", "HEAD", cwd=path).strip()


def snapshot_checkout(dest: Path) -> str:
    """This checkout's working tree as one commit of a new repository at ``dest``; its SHA."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=CHECKOUT)
    for relpath in filter(None, listed.split("\0")):
        source = CHECKOUT / relpath
        if source.is_dir() or not os.path.lexists(source):  # a nested repository, or deleted
            continue
        (dest / relpath).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest / relpath, follow_symlinks=False)
    new_repository(dest)
    return commit_all(dest)


def run(*command: str | Path, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """``command`` where pre-commit, also when git starts it as a hook, keeps its store (the
    hook environments) in ``home``; output is stdout and stderr together, as a user sees it."""
    env = {**os.environ, **_GIT_ENV, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        list(map(str, command)),
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def pre_commit(*args: str | Path, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """The real ``pre-commit`` of this environment."""
    return run(sys.executable, "-m", "pre_commit", *args, cwd=cwd, home=home)

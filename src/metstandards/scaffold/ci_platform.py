"""Which CI ``init`` writes for, GitHub Actions or GitLab CI, when ``--ci`` does not say.

The repository says it, most plainly by the CI it already has: ``.gitlab-ci.yml`` or workflows
in ``.github/workflows/``. A repository with both, or neither, is judged by where its ``origin``
remote lives: a host with ``gitlab`` or ``github`` in its name. Anything else gets GitHub, the
default before GitLab was offered, and the summary says how to choose GitLab. The choice and its
reason are shown, so that a wrong guess is seen before anything is committed.

Also where the GitLab components come from: each service mirrors metstandards into its own
GitLab (components can only be included from the GitLab instance the pipeline runs on), so the
project path is an option, with the profile's ``[gitlab] component-project`` as its default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from metstandards._toml import tomllib
from metstandards.scaffold import ScaffoldError

GITHUB = "github"
GITLAB = "gitlab"
PLATFORMS = (GITHUB, GITLAB)
#: Where the components are when neither the option nor the profile says: the project
#: ``metstandards/metstandards`` of the GitLab the pipeline runs on.
DEFAULT_COMPONENT_PROJECT = "$CI_SERVER_FQDN/metstandards/metstandards"
_COMPONENT_PROJECT = re.compile(
    r"(?:\$CI_SERVER_FQDN|\$\{CI_SERVER_FQDN\}|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d+)?)"
    r"(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*){2,}"
)
#: ``git@host:group/project.git``: scp-like syntax, which urlsplit does not read.
_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?!//)")
#: A section of a git configuration file: ``[remote "origin"]`` (any other section ends one).
_SECTION = re.compile(r'^\s*\[\s*(?:remote\s+"(?P<remote>[^"]*)"|[^\]]*)\s*\]')
_URL = re.compile(r"^\s*url\s*=\s*(?P<url>.*?)\s*(?:[#;].*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Choice:
    """The CI to write for, and why (empty when the user chose it)."""

    platform: str
    reason: str = ""


def choose(root: Path, asked: str | None) -> Choice:
    """``asked`` when given, else what the repository shows (see the module's docs)."""
    if asked is not None:
        if asked not in PLATFORMS:
            raise ScaffoldError(f"--ci must be one of {', '.join(PLATFORMS)}, got {asked!r}")
        return Choice(asked)
    has_gitlab = (root / ".gitlab-ci.yml").is_file()
    workflows = root / ".github" / "workflows"
    has_github = workflows.is_dir() and any(
        path.suffix in (".yml", ".yaml") for path in workflows.iterdir()
    )
    if has_gitlab and not has_github:
        return Choice(GITLAB, "the repository has a .gitlab-ci.yml")
    if has_github and not has_gitlab:
        return Choice(GITHUB, "the repository has workflows in .github/workflows/")
    found = remote_host(root)
    for platform in (GITLAB, GITHUB):
        if found is not None and platform in found[1].lower():
            return Choice(platform, f"the git remote {found[0]} is on {found[1]}")
    return Choice(GITHUB, "")


def remote_host(root: Path) -> tuple[str, str] | None:
    """The ``origin`` remote (else the first one) and its host; None without one.

    Read from the repository's git configuration file, without running git: ``init`` starts no
    program to plan its changes. ``url.<base>.insteadOf`` rewrites and included files are not
    followed."""
    config = _git_dir(root)
    try:
        text = (config / "config").read_text(encoding="utf-8") if config else ""
    except (OSError, UnicodeDecodeError):
        return None
    urls: dict[str, str] = {}
    remote = None
    for line in text.splitlines():
        section = _SECTION.match(line)
        if section is not None:
            remote = section.group("remote")
            continue
        value = _URL.match(line)
        if remote is not None and value is not None:
            urls.setdefault(remote, value.group("url").strip().strip('"'))
    name = "origin" if "origin" in urls else next(iter(urls), None)
    url = urls.get(name, "") if name is not None else ""
    scp = _SCP_LIKE.match(url)
    host = scp.group("host") if scp is not None and "://" not in url else urlsplit(url).hostname
    return (name, host) if name is not None and host else None


def _git_dir(root: Path) -> Path | None:
    """The git directory whose ``config`` holds the remotes: ``.git``, or where a ``.git`` file
    points (a worktree's or submodule's, and from a worktree its common directory)."""
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git
    try:
        pointer = dot_git.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not pointer.startswith("gitdir:"):
        return None
    git_dir = (root / pointer.removeprefix("gitdir:").strip()).resolve()
    common = git_dir / "commondir"
    if common.is_file():
        return (git_dir / common.read_text(encoding="utf-8").strip()).resolve()
    return git_dir


def component_project(root: Path, asked: str | None) -> str:
    """``--component-project``, else the profile's ``[gitlab] component-project``, else
    :data:`DEFAULT_COMPONENT_PROJECT`; checked to be ``<host>/<group>/<project>``."""
    value = asked if asked is not None else _from_profile(root)
    source = "--component-project" if asked is not None else "the profile's component-project"
    value = value.strip().rstrip("/")
    if _COMPONENT_PROJECT.fullmatch(value) is None:
        raise ScaffoldError(
            f"{source} must be the GitLab host (or $CI_SERVER_FQDN) and the path of the "
            f"metstandards project there, such as $CI_SERVER_FQDN/mlops/metstandards, got "
            f"{value!r}"
        )
    return value


def _from_profile(root: Path) -> str:
    """``[gitlab] component-project`` of the profile the project names (``wg3`` by default)."""
    from metstandards.config import ConfigError, load_profile

    name = "wg3"
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
        named = data.get("tool", {}).get("metstandards", {}).get("profile")
        name = named if isinstance(named, str) else name
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        pass  # no readable pyproject.toml: init reports a broken one itself
    try:
        value = load_profile(name, "gitlab").get("component-project", DEFAULT_COMPONENT_PROJECT)
    except ConfigError:
        value = load_profile("wg3", "gitlab").get("component-project", DEFAULT_COMPONENT_PROJECT)
    if not isinstance(value, str):
        raise ScaffoldError(
            f"the profile's [gitlab] component-project must be a string, got {value!r}"
        )
    return value

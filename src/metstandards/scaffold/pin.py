"""The metstandards commit a repository is pinned to: ``reusable-workflows/pin.toml`` by default.

A pin is a full commit SHA, never a tag or a short SHA: a tag can later be moved to other code,
and a short SHA can become ambiguous, so only a full SHA keeps a repository on the code it
adopted. The version is that commit's release: written next to the SHA for people to read, and
installed by the caller workflows from the package index (``metstandards==VERSION``), so that the
workflows and the rules they run come from the same release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from metstandards._toml import tomllib
from metstandards.scaffold import ScaffoldError

_SHA = re.compile(r"[0-9a-f]{40}")
_REPOSITORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Pin:
    """A metstandards commit: its GitHub ``owner/name``, full SHA and release name."""

    repository: str
    ref: str
    version: str

    @property
    def hooks_repo(self) -> str:
        """Where pre-commit fetches the hooks from by default."""
        return f"https://github.com/{self.repository}"


def check_ref(ref: str, source: str) -> str:
    """``ref`` in lower case when it is a full 40-hex commit SHA; else a ScaffoldError."""
    if _SHA.fullmatch(ref.lower()) is None:
        raise ScaffoldError(
            f"{source} must be a full commit SHA (40 hex digits), got {ref!r}: a tag can be moved "
            "and a short SHA can become ambiguous"
        )
    return ref.lower()


def check_version(version: str, source: str) -> str:
    """``version`` when it is a PEP 440 version (``v1.2.3`` too): pip installs it."""
    try:
        Version(version)
    except InvalidVersion:
        raise ScaffoldError(
            f"{source} must be a release version such as v1.2.3, got {version!r}"
        ) from None
    return version


def load_pin(path: Path) -> Pin:
    """The default pin from ``pin.toml``; a broken file is a ScaffoldError naming the key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ScaffoldError(f"{path}: cannot read the default pin: {error}") from None
    values = {}
    for key in ("repository", "ref", "version"):
        value = data.get(key)
        if not isinstance(value, str):
            raise ScaffoldError(f"{path}: {key} must be a string, got {value!r}")
        values[key] = value
    if _REPOSITORY.fullmatch(values["repository"]) is None:
        raise ScaffoldError(f"{path}: repository must be owner/name, got {values['repository']!r}")
    return Pin(
        values["repository"],
        check_ref(values["ref"], f"{path}: ref"),
        check_version(values["version"], f"{path}: version"),
    )


def choose_pin(default: Pin, ref: str | None, version: str | None) -> Pin:
    """``--ref`` and ``--version`` over the default pin.

    Another commit than the default's needs its version given: the default's would install
    another release than the pinned commit in the workflows.
    """
    chosen = default.ref if ref is None else check_ref(ref, "--ref")
    if version is not None:
        return Pin(default.repository, chosen, check_version(version, "--version"))
    if chosen != default.ref:
        raise ScaffoldError(
            "--ref needs --version: the release of that commit, which the workflows install "
            "from the package index (metstandards==VERSION)"
        )
    return default

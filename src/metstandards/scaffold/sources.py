"""The shipped templates ``init`` writes from, and the placeholders it fills in them.

Templates are whole files with ``{{name}}`` placeholders, filled as text so that comments and
layout reach the repository as written. GitHub's own ``${{ expression }}`` syntax is left alone.
A placeholder without a value for the project (an extra it does not declare) takes its line
with it: the reusable workflow's default then applies.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from metstandards.data import data_dir
from metstandards.scaffold import ScaffoldError
from metstandards.scaffold.pin import Pin

_PLACEHOLDER = re.compile(r"(?<!\$)\{\{\s*([A-Za-z][\w-]*)\s*\}\}")
#: Characters that cannot go into the double-quoted YAML string the hooks repository is written in.
_UNQUOTABLE = re.compile(r'["\\\x00-\x1f\x7f]')


@dataclass(frozen=True)
class Sources:
    """Where the templates are: the shipped data folders, or a test's own."""

    hooks_config: Path
    callers: Path
    pin: Path
    dependabot: Path
    #: The GitLab caller: ``gitlab-ci.yml`` (a new file's head) and ``includes/<name>.yml``.
    gitlab: Path

    @classmethod
    def shipped(cls) -> Sources:
        """The templates of this install (the checkout's folders, or the wheel's copies)."""
        workflows = data_dir("reusable-workflows")
        hooks_config = data_dir("hooks") / "pre-commit-config.yaml"
        return cls(
            hooks_config,
            workflows / "callers",
            workflows / "pin.toml",
            workflows / "dependabot.yml",
            workflows / "gitlab",
        )

    def workflows(self) -> dict[str, Path]:
        """The caller workflows on offer, by name (the file name without ``.yml``)."""
        return {path.stem: path for path in sorted(self.callers.glob("*.yml"))}

    def components(self) -> dict[str, Path]:
        """The GitLab components on offer, by name: the include entry of each."""
        return {path.stem: path for path in sorted((self.gitlab / "includes").glob("*.yml"))}

    @property
    def gitlab_head(self) -> Path:
        """The start of a new .gitlab-ci.yml, up to its ``include:`` key."""
        return self.gitlab / "gitlab-ci.yml"


def hooks_repo_value(repo: str) -> str:
    """``--hooks-repo`` as pre-commit should see it: an existing directory made absolute, since
    pre-commit clones from its own cache folder; a URL as given."""
    if not repo or _UNQUOTABLE.search(repo):
        raise ScaffoldError(
            f"--hooks-repo must be a URL or a path without quotes, backslashes or control "
            f"characters, got {repo!r}"
        )
    return os.path.abspath(repo) if os.path.isdir(repo) else repo


def placeholders(pin: Pin, hooks_repo: str) -> dict[str, str]:
    """The value of every placeholder a template may use (the GitLab ones add
    ``{{component-project}}``)."""
    return {"ref": pin.ref, "version": pin.version, "hooks-repo": hooks_repo}


def fill(template: Path, values: Mapping[str, str | None]) -> str:
    """The text of ``template`` with its placeholders filled, and without the lines of those
    whose value is None; an unknown placeholder is an error, so that a template and this code
    cannot drift apart unnoticed."""
    try:
        text = template.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScaffoldError(f"cannot read the template {template}: {error}") from None

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            known = ", ".join(f"{{{{{key}}}}}" for key in values)
            raise ScaffoldError(
                f"{template}: unknown placeholder {match.group(0)} (known: {known})"
            )
        return values[name] or ""

    lines = text.splitlines(keepends=True)
    return "".join(
        _PLACEHOLDER.sub(value, line)
        for line in lines
        if all(values.get(name, "") is not None for name in _PLACEHOLDER.findall(line))
    )

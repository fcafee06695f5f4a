"""MS502 version-tag-mismatch: on a release tag, the tag must name the version being released.

``find_tag`` reads the tag from ``--tag`` or the CI environment, ``current_tag`` asks git as a
fallback, and ``check_version_tag`` compares it with the declared version (read statically by
:mod:`metstandards.gates.declared_version`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePath
from typing import TypeGuard

from packaging.version import InvalidVersion, Version

from metstandards.findings import Finding, Severity
from metstandards.gates.declared_version import (
    DeclarationError,
    Declared,
    Derived,
    read_declared_version,
)
from metstandards.results import CheckContext, Outcome

CHECK = "version-tag"
CODE = "MS502"
NAME = "version-tag-mismatch"
DEFAULT_CHANGELOG_FILES = (
    "CHANGELOG.md",
    "CHANGELOG.rst",
    "CHANGELOG",
    "CHANGES.md",
    "HISTORY.md",
    "NEWS.md",
)
_TAG_REF = "refs/tags/"
_FORMS = "release versions are written 1.2.3, 1.2.3rc1 or 1.2.3.post1 (PEP 440)"

DOC = """\
A release tag that does not name the version the project declares.

## What it does
On a tagged commit (`--tag`, `GITHUB_REF=refs/tags/...` in GitHub Actions, `CI_COMMIT_TAG` in
GitLab CI, else the tag git finds on `HEAD`), compares the tag, without one leading `v`, with
the version the project declares: `[project].version` or `[tool.poetry].version` in
`pyproject.toml`, the file or `attr` that `[tool.setuptools.dynamic]` or
`[tool.hatch.version] path` points to, `setup.cfg`, a literal `setup(version=...)` in
`setup.py`, or a literal `__version__` in the package. Nothing is imported or run: the files are
read as TOML, INI and Python syntax trees. Where the build derives the version from the tag
(setuptools-scm, hatch-vcs, setuptools-git-versioning, versioningit, versioneer, pdm's `scm`
source, uv-dynamic-versioning, poetry-dynamic-versioning), the tag must itself be a PEP 440
version. A changelog without an entry for the version is a warning.

Versions compare as PEP 440 compares them, like pip and PyPI: `v1.2.3-rc.1` tags `1.2.3rc1`,
and `v1.2` tags `1.2.0`, which PyPI treats as the same release. A local version
(`1.2.3+cluster`) is a different version, and PyPI refuses to publish one.

## Why is this bad?
Forecast provenance records the tag, while the operational suite pins the package version. When
the two disagree, nobody can say which code produced a forecast, and a model card points at the
wrong release. The mistake surfaces late: PyPI refuses to upload 1.2.0 a second time after the
tag `v1.3.0` is already public.

## Example
```toml
# pyproject.toml, on the tag v1.3.0
[project]
version = "1.2.0"
```

## Use instead
```toml
[project]
version = "1.3.0"
```
with a `## 1.3.0` section in `CHANGELOG.md`; or let the build take the version from the tag:
```toml
[project]
dynamic = ["version"]

[tool.setuptools_scm]
```

## Options
`changelog-files` in `[tool.metstandards.version-tag]`: the changelog files looked for, in
order; the first one found must mention the version. Default: CHANGELOG.md, CHANGELOG.rst,
CHANGELOG, CHANGES.md, HISTORY.md, NEWS.md. Without any of them there is no warning.
"""


def find_tag(explicit: str | None, environ: Mapping[str, str]) -> str | None:
    """The tag being released: ``--tag``, else GitHub's ``GITHUB_REF``, else GitLab's tag.

    ``GITHUB_REF`` names a tag only as ``refs/tags/<tag>``; on a branch it is ``refs/heads/...``.
    """
    if explicit:
        return explicit
    ref = environ.get("GITHUB_REF", "")
    if ref.startswith(_TAG_REF) and ref != _TAG_REF:
        return ref[len(_TAG_REF) :]
    return environ.get("CI_COMMIT_TAG") or None


def current_tag(root: Path) -> str | None:
    """The tag on ``HEAD`` of the git repository at ``root``, for runs outside CI; else None.

    With several tags on ``HEAD`` git picks one (``git describe --tags --exact-match``); pass
    ``--tag`` to choose. No git, no repository or no tag all mean "not on a tag".
    """
    from metstandards.repository.git import GitError, run_git

    try:
        tag = run_git(root, "describe", "--tags", "--exact-match", "HEAD")
    except GitError:
        return None
    return tag.decode("utf-8", "replace").strip() or None


def check_version_tag(ctx: CheckContext, tag: str | None) -> Outcome:
    """MS502 for ``tag``; skipped when there is no tag (an ordinary commit is not a release)."""
    if not tag:
        return Outcome.skipped(CHECK, "not on a tag (no --tag, GITHUB_REF or CI_COMMIT_TAG)")
    changelog_files = ctx.settings.get("changelog-files", DEFAULT_CHANGELOG_FILES)
    if not _is_names(changelog_files):
        reason = f"[version-tag] changelog-files must be a list of file names: {changelog_files!r}"
        return Outcome.not_run(CHECK, reason)
    try:
        declared = read_declared_version(ctx.root)
    except DeclarationError as error:
        finding = _finding(error.path, error.line, Severity.ERROR, error.message)
        return Outcome.ran(CHECK, [finding], note=f"tag {tag}: no readable version")
    tagged = _version(tag)
    findings = _compare(tag, tagged, declared)
    if tagged is None:
        return Outcome.ran(CHECK, findings, note=f"tag {tag} is not a PEP 440 version")
    spellings = {tag, str(tagged)}
    if isinstance(declared, Declared) and _version(declared.version) is not None:
        spellings.add(declared.version)
    warnings, no_changelog = _changelog(ctx.root, changelog_files, str(tagged), spellings)
    relation = "vs" if findings else "="
    shown, source = _described(declared, tagged)
    note = f"tag {tag} {relation} version {shown} ({source})"
    return Outcome.ran(CHECK, [*findings, *warnings], note=note + no_changelog)


def _is_names(value: object) -> TypeGuard[Sequence[str]]:
    return isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value)


def _version(text: str) -> Version | None:
    """``text`` as a PEP 440 version; normalisation accepts one leading ``v``, as in ``v1.2.3``."""
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _described(declared: Declared | Derived, tagged: Version) -> tuple[str, str]:
    """The version and where it comes from, for the outcome's note."""
    if isinstance(declared, Derived):
        return str(tagged), f"derived from the tag by {declared.mechanism}, {declared.path}"
    return declared.version, declared.source


def _compare(tag: str, tagged: Version | None, declared: Declared | Derived) -> list[Finding]:
    """Errors: an invalid tag or declared version, or a tag naming another version."""
    if isinstance(declared, Derived):
        if tagged is not None:
            return []
        message = (
            f"tag {tag} is not a PEP 440 version, but {declared.mechanism} derives the package "
            f"version from it, so the build fails or makes up a version: {_FORMS}"
        )
        return [_finding(declared.path, declared.line, Severity.ERROR, message)]
    written = _version(declared.version)
    messages = []
    if written is None:
        messages.append(
            f"{declared.source} is {declared.version!r}, which is not a PEP 440 version, and pip "
            f"and PyPI refuse it: {_FORMS}"
        )
    if tagged is None:
        suggestion = f"tag the release v{written}" if written is not None else _FORMS
        messages.append(f"tag {tag} is not a PEP 440 version, so it names no release: {suggestion}")
    elif written is not None and tagged != written:
        messages.append(_mismatch(tag, tagged, declared, written))
    return [_finding(declared.path, declared.line, Severity.ERROR, m) for m in messages]


def _mismatch(tag: str, tagged: Version, declared: Declared, written: Version) -> str:
    message = (
        f"tag {tag} is version {tagged}, but {declared.source} is {written}: bump the version "
        "before tagging, or move the tag"
    )
    if tagged.local is not None:
        message += (
            f"; the tag's local part (+{tagged.local}) makes it another version, and PyPI "
            "refuses to publish local versions"
        )
    return message


def _changelog(
    root: Path, names: Sequence[str], version: str, spellings: Iterable[str]
) -> tuple[list[Finding], str]:
    """A warning when the first changelog found never mentions the version; the note's suffix."""
    name = next((name for name in names if (root / name).is_file()), None)
    if name is None:
        return [], "; no changelog file"
    relpath = PurePath(name).as_posix()
    try:
        text = (root / name).read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        return [], f"; {relpath} cannot be read ({error.strerror})"
    if any(_mentions(text, spelling) for spelling in spellings):
        return [], ""
    message = (
        f"{relpath} has no entry for {version}: describe what changed in this release before "
        "tagging it, so that users of the model can see what they are getting"
    )
    return [_finding(relpath, 1, Severity.WARNING, message)], ""


def _mentions(text: str, version: str) -> bool:
    """Whether ``version`` appears as a whole version: ``1.2.3`` is not in ``1.2.30`` or
    ``1.2.3rc1``, but is in ``## [1.2.3] - 2024-05-01`` and ``v1.2.3``."""
    pattern = rf"(?<![\w.])[vV]?{re.escape(version)}(?!\w|[.+-]\w)"
    return re.search(pattern, text) is not None


def _finding(path: str, line: int, severity: Severity, message: str) -> Finding:
    return Finding(path, line, 1, line, 1, CODE, NAME, severity, message)

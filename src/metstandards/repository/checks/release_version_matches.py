from __future__ import annotations

import tempfile
from pathlib import Path, PurePosixPath

from metstandards._toml import tomllib
from metstandards.findings import Severity
from metstandards.gates.version_tag import check_version_tag
from metstandards.repository.check import Evidence, RepositoryCheck, Result
from metstandards.repository.checks._layout import declared_package
from metstandards.repository.examples import TAGS
from metstandards.repository.view import Repository, Tag
from metstandards.results import CheckContext

#: Files of the tagged commit larger than this are never a version declaration.
_LIMIT = 1 << 20
_NO_CHANGELOG = "; no changelog file"


def _project(version: str) -> dict[str, str]:
    return {"pyproject.toml": f'[project]\nname = "forecast"\nversion = "{version}"\n'}


class ReleaseVersionMatches(RepositoryCheck):
    """The highest release tag names the version the project declares at that tag's commit.

    ## What it does
    Takes the tags that are PEP 440 versions (`v1.2.3`, `1.2.3`, `1.3.0rc1`; other tags such
    as `nightly` or `model-2024` are not releases), picks the highest, and applies the release
    check MS502 to the commit it points to: the version declared there (`[project].version`,
    the file `[tool.setuptools.dynamic]` or `[tool.hatch.version]` point to, `setup.cfg`,
    `setup.py`, a literal `__version__`) must be the tag's, or the build must derive the
    version from the tag (setuptools-scm, hatch-vcs...). The files are read from git's objects
    at that commit, whatever the work tree holds now; nothing is checked out, built or run.

    A repository without release tags has not released anything yet, and one whose tagged
    commit declares no Python package (no `[project]`, `[tool.poetry]` or `[build-system]` in
    `pyproject.toml`, no `setup.py`, no `setup.cfg` naming one) has no version to compare: not
    applicable. A declared version that cannot be read without running code fails, as a
    release from it cannot be checked either.

    ## Why is this bad?
    The operational suite pins `forecast==1.3.0`, while the provenance of each forecast
    records the tag. When the tag `v1.3.0` holds code that calls itself 1.2.0, nobody can tell
    which model produced last winter's forecasts, and PyPI refuses to upload the release.

    ## Example
    ```toml
    # pyproject.toml at the commit tagged v1.3.0
    [project]
    version = "1.2.0"
    ```

    ## Use instead
    ```toml
    [project]
    version = "1.3.0"
    ```
    or `dynamic = ["version"]` with `[tool.setuptools_scm]`, so that the tag is the version.

    ## Options
    None. The changelog entry MS502 warns about is not part of this check.
    """

    code = "MS606"
    name = "release-version-matches"
    family = "release"

    PASSING = (
        {**_project("1.2.0"), TAGS: "v1.1.0 v1.2.0"},
        {
            "pyproject.toml": '[project]\nname = "forecast"\ndynamic = ["version"]\n\n'
            "[tool.setuptools_scm]\n",
            TAGS: "v0.3.0",
        },
        {
            "setup.cfg": "[metadata]\nname = forecast\nversion = attr: forecast.__version__\n",
            "forecast/__init__.py": '__version__ = "2.0.0"\n',
            TAGS: "2.0.0 nightly",
        },
    )
    FAILING = (
        {**_project("1.2.0"), TAGS: "v1.3.0"},
        {**_project("1.2.0"), TAGS: "v1.1.0 v1.2.0 v1.2.1"},
        {"pyproject.toml": '[project]\nname = "forecast"\ndynamic = ["version"]\n', TAGS: "v1.0"},
    )
    NOT_APPLICABLE = (
        _project("0.1.0"),
        {**_project("0.1.0"), TAGS: "nightly"},
        {"README.md": "# station lists\n", "ruff.toml": "line-length = 100\n", TAGS: "v2024.1"},
    )

    def check(self, repo: Repository) -> Result:
        if not repo.release_tags:
            others = f" (its tags: {', '.join(t.name for t in repo.tags[:5])})" if repo.tags else ""
            return self.not_applicable(
                f"no release tag: no tag names a PEP 440 version{others}, so nothing was released"
            )
        tag = repo.release_tags[-1]
        at = f"at {tag.name} (commit {tag.commit[:12]})"
        with tempfile.TemporaryDirectory(prefix="metstandards-release-") as folder:
            root = Path(folder)
            _materialise(repo, tag, root)
            if not _declares_package(root):
                return self.not_applicable(f"{at} the repository declares no Python package")
            context = CheckContext(root, (), (), settings={"changelog-files": ()})
            outcome = check_version_tag(context, tag.name)
        errors = [f for f in outcome.findings if f.severity is Severity.ERROR]
        if errors:
            return self.failed(
                f"{at}: {errors[0].message}",
                *(Evidence(f.path, f.line, f.message) for f in errors),
                hint=f"release {tag.version} again with the version and the tag agreeing (bump "
                "the declared version, tag the new commit), or let the build take the version "
                "from the tag (setuptools-scm, hatch-vcs)",
            )
        return self.passed(
            f"{at}: {outcome.reason.removesuffix(_NO_CHANGELOG)}",
            Evidence("", None, f"tag {tag.name} -> commit {tag.commit}"),
        )


def _declares_package(root: Path) -> bool:
    """Whether the files written at ``root`` declare a package (broken TOML is left to MS502
    to report)."""
    pyproject = root / "pyproject.toml"
    try:
        data = tomllib.loads(pyproject.read_text("utf-8")) if pyproject.is_file() else {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return True
    setup_cfg = root / "setup.cfg"
    text = setup_cfg.read_text("utf-8", "replace") if setup_cfg.is_file() else None
    return declared_package(data, text, has_setup_py=(root / "setup.py").is_file()) is not None


def _materialise(repo: Repository, tag: Tag, root: Path) -> None:
    """Write the files of ``tag``'s commit a version declaration can be in: those at the top,
    every Python file, and any file named for a version (``VERSION``, ``_version.txt``)."""
    wanted: dict[str, list[PurePosixPath]] = {}
    for path, (entry, size) in repo.tree(tag.commit).items():
        relative = PurePosixPath(path)
        if (
            entry.is_symlink
            or entry.is_submodule
            or not 0 <= size <= _LIMIT
            or any(part in ("", ".", "..", ".git") for part in relative.parts)
        ):
            continue
        if len(relative.parts) == 1 or path.endswith(".py") or "version" in relative.name.lower():
            wanted.setdefault(entry.oid, []).append(relative)
    for oid, content in repo.blobs(wanted).items():
        for relative in wanted[oid]:
            target = root.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)

"""MS502 on real git repositories: each test commits a small project, tags it, and checks the
tag that ``find_tag`` or git itself reports against the version the project declares."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from metstandards.findings import Finding, Severity
from metstandards.gates.version_tag import DOC, check_version_tag, current_tag, find_tag
from metstandards.results import CheckContext, Outcome, Status
from metstandards.rule import DOC_SECTIONS

Release = Callable[..., Path]


def _project(version: str) -> str:
    return f'[project]\nname = "demo"\nversion = "{version}"\n'


def _git(root: Path, *args: str) -> None:
    identity = ("-c", "user.name=MS502 Test", "-c", "user.email=ms502@example.invalid")
    signing = ("-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false")
    subprocess.run(["git", *identity, *signing, *args], cwd=root, check=True, capture_output=True)


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """No system or user git configuration, and no CI variables from the machine running this."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GITHUB_REF", "CI_COMMIT_TAG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def release(tmp_path: Path) -> Release:
    """``release({"pyproject.toml": ...}, tag="v1.2.3")``: a committed, tagged repository, new
    on each call."""
    made: list[Path] = []

    def make(files: Mapping[str, str], tag: str | None = "v1.2.3") -> Path:
        root = tmp_path / f"project{len(made)}"
        made.append(root)
        for relpath, content in files.items():
            path = root / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        _git(root, "init", "-q")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "release")
        if tag is not None:
            _git(root, "tag", "-a", "-m", f"release {tag}", tag)
        return root

    return make


def check(
    root: Path,
    *,
    explicit: str | None = None,
    environ: Mapping[str, str] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Outcome:
    """What ``metstandards check`` does: the CI's tag if any, else git's, then MS502."""
    tag = find_tag(explicit, environ or {}) or current_tag(root)
    context = CheckContext(root, (), (), settings or {})
    return check_version_tag(context, tag)


def only(outcome: Outcome) -> Finding:
    assert len(outcome.findings) == 1, outcome
    finding = outcome.findings[0]
    assert (finding.code, finding.name) == ("MS502", "version-tag-mismatch")
    return finding


# --- the comparison -----------------------------------------------------------------------------


@pytest.mark.slow
def test_v_prefixed_tag_matches_the_project_version(release: Release) -> None:
    outcome = check(release({"pyproject.toml": _project("1.2.3")}, tag="v1.2.3"))
    assert outcome.status is Status.PASSED
    assert outcome.reason == (
        "tag v1.2.3 = version 1.2.3 (pyproject.toml [project].version); no changelog file"
    )


@pytest.mark.slow
def test_tag_for_another_version_is_an_error_at_the_version_key(release: Release) -> None:
    outcome = check(release({"pyproject.toml": _project("1.2.0")}, tag="v1.3.0"))
    finding = only(outcome)
    assert outcome.status is Status.FINDINGS
    assert (finding.path, finding.line, finding.column) == ("pyproject.toml", 3, 1)
    assert finding.severity is Severity.ERROR
    assert finding.message == (
        "tag v1.3.0 is version 1.3.0, but pyproject.toml [project].version is 1.2.0: "
        "bump the version before tagging, or move the tag"
    )
    assert outcome.reason.startswith("tag v1.3.0 vs version 1.2.0 ")


@pytest.mark.slow
def test_pre_release_spellings_normalise_to_the_same_version(release: Release) -> None:
    outcome = check(release({"pyproject.toml": _project("1.2.3rc1")}, tag="1.2.3-rc.1"))
    assert outcome.status is Status.PASSED, outcome


@pytest.mark.slow
def test_trailing_zero_is_the_same_version_as_pip_and_pypi_see_it(release: Release) -> None:
    """Decision: ``v1.2`` tags ``1.2.0``. PEP 440 compares them equal and PyPI refuses to upload
    the one when the other exists, so calling them a mismatch would flag a release that is fine."""
    outcome = check(release({"pyproject.toml": _project("1.2.0")}, tag="v1.2"))
    assert outcome.status is Status.PASSED, outcome
    assert outcome.reason.startswith("tag v1.2 = version 1.2.0 ")


@pytest.mark.slow
def test_local_version_tag_is_another_version_and_pypi_refuses_it(release: Release) -> None:
    outcome = check(release({"pyproject.toml": _project("1.2.3")}, tag="v1.2.3+cluster"))
    message = only(outcome).message
    assert message.startswith("tag v1.2.3+cluster is version 1.2.3+cluster, but ")
    assert "local part (+cluster)" in message
    assert "PyPI refuses to publish local versions" in message


@pytest.mark.slow
def test_tag_that_is_not_a_pep440_version_is_explained(release: Release) -> None:
    outcome = check(release({"pyproject.toml": _project("1.2.3")}, tag="release-june"))
    finding = only(outcome)
    assert finding.message == (
        "tag release-june is not a PEP 440 version, so it names no release: tag the release v1.2.3"
    )
    assert outcome.reason == "tag release-june is not a PEP 440 version"


@pytest.mark.slow
def test_declared_version_that_is_not_pep440_names_the_file(release: Release) -> None:
    outcome = check(release({"pyproject.toml": _project("1.2.x")}, tag="v1.2.0"))
    finding = only(outcome)
    assert (finding.path, finding.line) == ("pyproject.toml", 3)
    assert finding.message.startswith(
        "pyproject.toml [project].version is '1.2.x', which is not a PEP 440 version"
    )


# --- where the version is declared ---------------------------------------------------------------


@pytest.mark.slow
def test_poetry_version(release: Release) -> None:
    pyproject = '[tool.poetry]\nname = "demo"\nversion = "2.0.0"\n'
    assert check(release({"pyproject.toml": pyproject}, tag="v2.0.0")).status is Status.PASSED
    mismatch = check(release({"pyproject.toml": pyproject}, tag="v2.0.1"))
    finding = only(mismatch)
    assert (finding.path, finding.line) == ("pyproject.toml", 3)
    assert "pyproject.toml [tool.poetry].version is 2.0.0" in finding.message


SETUPTOOLS_ATTR = """\
[project]
name = "weather"
dynamic = ["version"]

[tool.setuptools.dynamic]
version = {attr = "weather.about.__version__"}
"""


@pytest.mark.slow
def test_setuptools_attr_is_read_from_the_module_without_importing_it(release: Release) -> None:
    about = '"""About."""\nimport numpy_that_is_not_installed\n\n__version__ = "0.4.0"\n'
    files = {"pyproject.toml": SETUPTOOLS_ATTR, "src/weather/about.py": about}
    assert check(release(files, tag="v0.4.0")).status is Status.PASSED
    finding = only(check(release(files, tag="v0.5.0")))
    assert (finding.path, finding.line) == ("src/weather/about.py", 4)
    assert "src/weather/about.py __version__ (via pyproject.toml" in finding.message


@pytest.mark.slow
def test_setuptools_attr_naming_a_missing_module_points_at_the_setting(release: Release) -> None:
    finding = only(check(release({"pyproject.toml": SETUPTOOLS_ATTR}, tag="v0.4.0")))
    assert (finding.path, finding.line) == ("pyproject.toml", 6)
    assert "names module weather.about, but there is no weather/about/__init__.py" in (
        finding.message
    )


@pytest.mark.slow
def test_setuptools_attr_with_a_computed_version_asks_for_a_literal(release: Release) -> None:
    about = "from importlib.metadata import version\n__version__ = version('weather')\n"
    files = {"pyproject.toml": SETUPTOOLS_ATTR, "weather/about.py": about}
    finding = only(check(release(files, tag="v0.4.0")))
    assert (finding.path, finding.line) == ("weather/about.py", 1)
    assert "assigns no literal string to __version__" in finding.message


@pytest.mark.slow
def test_setuptools_file(release: Release) -> None:
    pyproject = (
        '[project]\nname = "demo"\ndynamic = ["version"]\n\n'
        '[tool.setuptools.dynamic]\nversion = {file = "VERSION"}\n'
    )
    files = {"pyproject.toml": pyproject, "VERSION": "3.1.4\n"}
    assert check(release(files, tag="v3.1.4")).status is Status.PASSED
    finding = only(check(release(files, tag="v3.2.0")))
    assert (finding.path, finding.line) == ("VERSION", 1)
    assert "but VERSION (via pyproject.toml [tool.setuptools.dynamic] version) is 3.1.4" in (
        finding.message
    )


@pytest.mark.slow
def test_hatch_version_path(release: Release) -> None:
    pyproject = (
        '[project]\nname = "demo"\ndynamic = ["version"]\n\n'
        '[tool.hatch.version]\npath = "src/demo/__about__.py"\n'
    )
    about = '# SPDX-License-Identifier: Apache-2.0\n__version__ = "0.7.1"\n'
    files = {"pyproject.toml": pyproject, "src/demo/__about__.py": about}
    assert check(release(files, tag="v0.7.1")).status is Status.PASSED
    finding = only(check(release(files, tag="v0.7.2")))
    assert (finding.path, finding.line) == ("src/demo/__about__.py", 2)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("metadata", "extra"),
    [
        ("version = 1.0.0", {}),
        ("version = attr: demo.__version__", {"demo/__init__.py": '__version__ = "1.0.0"\n'}),
        ("version = file: VERSION.txt", {"VERSION.txt": "1.0.0\n"}),
    ],
    ids=["literal", "attr", "file"],
)
def test_setup_cfg(release: Release, metadata: str, extra: dict[str, str]) -> None:
    files = {"setup.cfg": f"[metadata]\nname = demo\n{metadata}\n", **extra}
    assert check(release(files, tag="v1.0.0")).status is Status.PASSED
    finding = only(check(release(files, tag="v1.0.1")))
    assert "is 1.0.0: bump the version" in finding.message


@pytest.mark.slow
def test_setup_py_is_read_statically_and_never_run(
    release: Release, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "setup-py-was-run"
    setup_py = (
        "import pathlib\n"
        "from setuptools import setup\n"
        f"pathlib.Path({str(marker)!r}).write_text('ran')\n"
        "print('setup.py executed')\n"
        "raise SystemExit('setup.py must not be run by a linter')\n"
        "VERSION = '0.9.0'\n"
        "setup(name='demo', version=VERSION)\n"
    )
    root = release({"setup.py": setup_py}, tag="v0.9.1")
    finding = only(check(root))
    assert (finding.path, finding.line) == ("setup.py", 6)
    assert "but setup.py setup(version=...) is 0.9.0" in finding.message
    assert not marker.exists()
    assert "executed" not in capsys.readouterr().out


@pytest.mark.slow
def test_setup_py_literal_keyword(release: Release) -> None:
    setup_py = "import setuptools\n\nsetuptools.setup(\n    name='demo',\n    version='0.9.0',\n)\n"
    assert check(release({"setup.py": setup_py}, tag="v0.9.0")).status is Status.PASSED
    assert only(check(release({"setup.py": setup_py}, tag="v1.0.0"))).line == 5


@pytest.mark.slow
def test_literal_dunder_version_in_the_package(release: Release) -> None:
    """flit's dynamic version: ``__version__`` in the module named like the project."""
    pyproject = (
        '[build-system]\nrequires = ["flit_core>=3.9"]\nbuild-backend = "flit_core.buildapi"\n\n'
        '[project]\nname = "met-demo"\ndynamic = ["version", "description"]\n'
    )
    init = '"""Demo."""\n\n__version__ = "5.0.0"\n'
    files = {"pyproject.toml": pyproject, "src/met_demo/__init__.py": init}
    outcome = check(release(files, tag="v5.0.0"))
    assert outcome.reason.startswith(
        "tag v5.0.0 = version 5.0.0 (src/met_demo/__init__.py __version__)"
    )
    finding = only(check(release(files, tag="v5.0.1")))
    assert (finding.path, finding.line) == ("src/met_demo/__init__.py", 3)


@pytest.mark.slow
def test_literal_dunder_version_without_any_metadata(release: Release) -> None:
    files = {"tests/__init__.py": "", "forecast/__init__.py": "__version__ = '2.1'\n"}
    assert check(release(files, tag="v2.1.0")).status is Status.PASSED


# --- versions derived from the tag -------------------------------------------------------------

DERIVED = {
    "setuptools-scm": (
        '[build-system]\nrequires = ["setuptools>=64", "setuptools-scm>=8"]\n\n'
        '[project]\nname = "demo"\ndynamic = ["version"]\n\n[tool.setuptools_scm]\n',
        8,
    ),
    "setuptools-scm in build requires": (
        '[build-system]\nrequires = ["setuptools>=64", "setuptools_scm[toml]>=8"]\n\n'
        '[project]\nname = "demo"\ndynamic = ["version"]\n',
        2,
    ),
    "hatch-vcs": (
        '[project]\nname = "demo"\ndynamic = ["version"]\n\n[tool.hatch.version]\nsource = "vcs"\n',
        6,
    ),
    "poetry-dynamic-versioning": (
        '[tool.poetry]\nname = "demo"\nversion = "0.0.0"\n\n'
        "[tool.poetry-dynamic-versioning]\nenable = true\n",
        6,
    ),
    # Met-service projects use these too (mfai, from Météo-France: setuptools-git-versioning).
    "setuptools-git-versioning": (
        '[project]\nname = "demo"\ndynamic = ["version"]\n\n'
        "[tool.setuptools-git-versioning]\nenabled = true\n",
        5,
    ),
    "versioningit": (
        '[project]\nname = "demo"\ndynamic = ["version"]\n\n[tool.versioningit]\n',
        5,
    ),
    "pdm-backend (scm)": (
        '[project]\nname = "demo"\ndynamic = ["version"]\n\n[tool.pdm.version]\nsource = "scm"\n',
        6,
    ),
    "uv-dynamic-versioning": (
        '[project]\nname = "demo"\ndynamic = ["version"]\n\n'
        '[tool.hatch.version]\nsource = "uv-dynamic-versioning"\n',
        6,
    ),
}


@pytest.mark.slow
def test_switched_off_setuptools_git_versioning_is_not_a_derived_version(
    release: Release,
) -> None:
    pyproject = (
        '[project]\nname = "demo"\ndynamic = ["version"]\n\n'
        "[tool.setuptools-git-versioning]\nenabled = false\n"
    )
    finding = only(check(release({"pyproject.toml": pyproject}, tag="v1.0.0")))
    assert finding.message.startswith("no version declared")


@pytest.mark.slow
@pytest.mark.parametrize("case", DERIVED, ids=list(DERIVED))
def test_derived_version_passes_on_a_pep440_tag(release: Release, case: str) -> None:
    pyproject, _ = DERIVED[case]
    outcome = check(release({"pyproject.toml": pyproject}, tag="v2.3.0rc2"))
    assert outcome.status is Status.PASSED, outcome
    mechanism = case.removesuffix(" in build requires")
    assert f"version 2.3.0rc2 (derived from the tag by {mechanism}, pyproject.toml)" in (
        outcome.reason
    )


@pytest.mark.slow
@pytest.mark.parametrize("case", DERIVED, ids=list(DERIVED))
def test_derived_version_needs_a_pep440_tag(release: Release, case: str) -> None:
    pyproject, line = DERIVED[case]
    finding = only(check(release({"pyproject.toml": pyproject}, tag="v2.3-final-final")))
    assert (finding.path, finding.line) == ("pyproject.toml", line)
    mechanism = case.removesuffix(" in build requires")
    assert finding.message.startswith(
        f"tag v2.3-final-final is not a PEP 440 version, but {mechanism} derives the package "
        "version from it"
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "pyproject",
    [
        '[project]\nname = "demo"\nversion = "1.0.0"\n\n[tool.setuptools_scm]\n',
        '[build-system]\nrequires = ["poetry-core", "poetry-dynamic-versioning"]\n\n'
        '[tool.poetry]\nname = "demo"\nversion = "1.0.0"\n\n'
        "[tool.poetry-dynamic-versioning]\nenable = false\n",
    ],
    ids=["static project version", "plugin switched off"],
)
def test_written_version_wins_where_no_plugin_may_change_it(
    release: Release, pyproject: str
) -> None:
    """PEP 621 forbids a backend to change a static ``[project].version``, and
    poetry-dynamic-versioning does nothing with ``enable = false``."""
    finding = only(check(release({"pyproject.toml": pyproject}, tag="v2.0.0")))
    assert "is 1.0.0: bump the version before tagging" in finding.message


@pytest.mark.slow
def test_setup_py_use_scm_version_is_derived(release: Release) -> None:
    setup_py = "from setuptools import setup\nsetup(name='demo', use_scm_version=True)\n"
    finding = only(check(release({"setup.py": setup_py}, tag="nightly")))
    assert (finding.path, finding.line) == ("setup.py", 2)
    assert "setuptools-scm derives the package version" in finding.message


# --- where the tag comes from --------------------------------------------------------------------


@pytest.mark.slow
def test_github_tag_ref_wins_over_the_tag_git_reports(release: Release) -> None:
    root = release({"pyproject.toml": _project("1.2.3")}, tag="v1.2.3")
    outcome = check(root, environ={"GITHUB_REF": "refs/tags/v2.0.0", "GITHUB_REF_TYPE": "tag"})
    assert only(outcome).message.startswith("tag v2.0.0 is version 2.0.0")


@pytest.mark.slow
def test_github_branch_ref_is_no_tag(release: Release) -> None:
    root = release({"pyproject.toml": _project("1.2.3")}, tag=None)
    environ = {"GITHUB_REF": "refs/heads/v2.0.0", "GITHUB_REF_TYPE": "branch"}
    assert find_tag(None, environ) is None
    outcome = check(root, environ=environ)
    assert outcome.status is Status.SKIPPED
    assert outcome.reason == "not on a tag (no --tag, GITHUB_REF or CI_COMMIT_TAG)"


@pytest.mark.slow
def test_gitlab_commit_tag(release: Release) -> None:
    root = release({"pyproject.toml": _project("1.2.3")}, tag=None)
    assert check(root, environ={"CI_COMMIT_TAG": "v1.2.3"}).status is Status.PASSED
    assert only(check(root, environ={"CI_COMMIT_TAG": "v1.2.4"})).line == 3


@pytest.mark.slow
def test_explicit_tag_wins_over_the_environment(release: Release) -> None:
    root = release({"pyproject.toml": _project("1.2.3")}, tag=None)
    environ = {"GITHUB_REF": "refs/tags/v9.9.9", "CI_COMMIT_TAG": "v8.8.8"}
    assert find_tag("v1.2.3", environ) == "v1.2.3"
    assert check(root, explicit="v1.2.3", environ=environ).status is Status.PASSED
    assert find_tag("", {"GITHUB_REF": "refs/tags/", "CI_COMMIT_TAG": ""}) is None


@pytest.mark.slow
def test_untagged_commit_is_skipped(release: Release) -> None:
    root = release({"pyproject.toml": _project("1.2.3")}, tag=None)
    assert current_tag(root) is None
    assert check(root).status is Status.SKIPPED


@pytest.mark.slow
def test_no_git_repository_is_no_tag(tmp_path: Path) -> None:
    assert current_tag(tmp_path) is None


# --- the changelog -----------------------------------------------------------------------------


@pytest.mark.slow
def test_changelog_without_an_entry_is_a_warning(release: Release) -> None:
    changelog = (
        "# Changelog\n\n## [1.2.30] - 2024-04-01\n\n## 1.2.3rc1\n\n"
        "## 1.2.3-rc.2\n\n1.2.3.1 and 1.2.3+cluster were never released; 11.2.3 is far off\n"
    )
    files = {"pyproject.toml": _project("1.2.3"), "CHANGELOG.md": changelog}
    finding = only(check(release(files, tag="v1.2.3")))
    assert (finding.path, finding.line, finding.severity) == ("CHANGELOG.md", 1, Severity.WARNING)
    assert finding.message.startswith("CHANGELOG.md has no entry for 1.2.3: ")


@pytest.mark.slow
@pytest.mark.parametrize(
    "entry", ["## [1.2.3] - 2024-05-01", "Version v1.2.3 (May 2024)", "1.2.3.0\n-------"]
)
def test_changelog_entry_in_any_spelling(release: Release, entry: str) -> None:
    files = {"pyproject.toml": _project("1.2.3"), "CHANGES.md": f"# Changes\n\n{entry}\n"}
    outcome = check(release(files, tag="v1.2.3.0"))
    assert outcome.status is Status.PASSED, outcome
    assert not outcome.reason.endswith("no changelog file")


@pytest.mark.slow
def test_changelog_files_setting_chooses_the_file(release: Release) -> None:
    files = {"pyproject.toml": _project("1.2.3"), "docs/release-notes.md": "# Notes\n"}
    settings = {"changelog-files": ["docs/release-notes.md"]}
    finding = only(check(release(files, tag="v1.2.3"), settings=settings))
    assert finding.path == "docs/release-notes.md"


@pytest.mark.slow
def test_changelog_files_setting_of_the_wrong_type_is_not_run(release: Release) -> None:
    root = release({"pyproject.toml": _project("1.2.3")})
    outcome = check(root, settings={"changelog-files": "CHANGELOG.md"})
    assert outcome.status is Status.NOT_RUN
    assert "changelog-files must be a list of file names" in outcome.reason


# --- nothing to compare with -------------------------------------------------------------------


@pytest.mark.slow
def test_no_version_anywhere_says_where_it_looked(release: Release) -> None:
    pyproject = '[project]\nname = "demo"\ndynamic = ["version"]\n'
    outcome = check(release({"pyproject.toml": pyproject, "demo/__init__.py": ""}))
    finding = only(outcome)
    assert (finding.path, finding.severity) == ("pyproject.toml", Severity.ERROR)
    assert finding.message.startswith("no version declared ([project].dynamic lists it")
    assert "[tool.poetry].version in pyproject.toml" in finding.message
    assert "setup(version=...) in setup.py" in finding.message


@pytest.mark.slow
@pytest.mark.parametrize(
    ("pyproject", "line"),
    [
        ('[project]\nname = "demo"\nversion = "1.2.3\n', 3),
        ('[project]\nname = "demo"\nversion =', 3),
    ],
    ids=["unterminated string", "end of document"],
)
def test_broken_pyproject_is_reported_at_its_line(
    release: Release, pyproject: str, line: int
) -> None:
    finding = only(check(release({"pyproject.toml": pyproject})))
    assert (finding.path, finding.line) == ("pyproject.toml", line)
    assert finding.message.startswith("pyproject.toml: invalid TOML: ")
    assert "(at " not in finding.message


@pytest.mark.slow
def test_non_string_version_is_reported_at_its_line(release: Release) -> None:
    pyproject = '[project]\nname = "demo"\n\nversion = 1.2\n'
    finding = only(check(release({"pyproject.toml": pyproject})))
    assert (finding.path, finding.line) == ("pyproject.toml", 4)
    assert finding.message == "[project].version must be a string, got 1.2"


@pytest.mark.slow
def test_broken_setup_cfg_is_reported_at_its_line(release: Release) -> None:
    setup_cfg = "[metadata]\nname = demo\nversion = 1.0\nversion = 1.1\n"
    finding = only(check(release({"setup.cfg": setup_cfg})))
    assert (finding.path, finding.line) == ("setup.cfg", 4)
    assert finding.message.startswith("setup.cfg cannot be parsed: ")


def test_doc_has_the_rule_doc_sections() -> None:
    """``metstandards explain MS502`` prints DOC, in the same layout as every lint rule's doc."""
    headings = [line[3:].strip() for line in DOC.splitlines() if line.startswith("## ")]
    assert headings == list(DOC_SECTIONS)
    assert DOC.splitlines()[0].startswith("A release tag that does not name the version")

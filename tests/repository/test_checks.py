"""The tricky parts of single checks, on real git repositories: sizes from git objects, LFS and
DVC, secrets never shown, the version at the tag's commit, and pinning named by line."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from metstandards.repository.check import Example, Result, Verdict
from metstandards.repository.checks.ci_runs_standard import CiRunsStandard
from metstandards.repository.checks.data_not_in_git import DataNotInGit
from metstandards.repository.checks.no_committed_credentials import NoCommittedCredentials
from metstandards.repository.checks.release_version_matches import ReleaseVersionMatches
from metstandards.repository.examples import TAGS
from metstandards.repository.runner import run_check
from metstandards.repository.view import Repository

from ._git import MakeRepo, commit, git

MB = 1024 * 1024


def _pyproject(version: str) -> str:
    return f'[project]\nname = "forecast"\nversion = "{version}"\n'


# -- MS609 ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_sizes_are_those_of_git_objects(make_repo: MakeRepo) -> None:
    root = make_repo({"docs/map.png": "x" * (6 * MB), "small.txt": "a"})
    (root / "docs/map.png").write_text("")  # the work tree no longer holds it: git still does
    (root / "small.txt").write_text("y" * (7 * MB))  # a large edit not yet committed
    result = run_check(DataNotInGit(), Repository(root))
    assert result.verdict is Verdict.FAIL
    assert [(e.path, e.detail) for e in result.evidence] == [
        ("docs/map.png", "6.0 MB, over the limit of 5 MB")
    ]
    assert result.message.startswith("1 data or large file(s) are committed, first docs/map.png")


@pytest.mark.slow
def test_max_file_mb_is_a_setting(make_repo: MakeRepo) -> None:
    repo = Repository(make_repo({"docs/map.png": "x" * (2 * MB)}))
    assert run_check(DataNotInGit(), repo).verdict is Verdict.PASS
    assert run_check(DataNotInGit({"max-file-mb": 1.5}), repo).verdict is Verdict.FAIL
    broken = run_check(DataNotInGit({"max-file-mb": "big"}), repo)
    assert broken.verdict is Verdict.ERROR
    assert "[repository] max-file-mb must be a positive number, got 'big'" in broken.message


@pytest.mark.slow
def test_small_arrays_are_test_data_large_ones_are_data(make_repo: MakeRepo) -> None:
    repo = Repository(make_repo({"tests/expected.npy": "x" * 1000, "data/big.npz": "x" * 2 * MB}))
    result = run_check(DataNotInGit(), repo)
    assert [(e.path, e.detail) for e in result.evidence] == [
        ("data/big.npz", "a NumPy array of 2.0 MB")
    ]


@pytest.mark.slow
def test_lfs_patterns_of_every_gitattributes_file(make_repo: MakeRepo) -> None:
    repo = Repository(
        make_repo(
            {
                ".gitattributes": "*.nc filter=lfs diff=lfs merge=lfs -text\n",
                "models/.gitattributes": "*.ckpt filter=lfs\nold/*.ckpt -filter\n",
                "data/t2m.nc": "pointer",
                "data/sub/q.nc": "pointer",
                "models/unet.ckpt": "pointer",
                "models/old/unet.ckpt": "weights",
                "unet.ckpt": "weights",
            }
        )
    )
    result = run_check(DataNotInGit(), repo)
    assert [e.path for e in result.evidence] == ["models/old/unet.ckpt", "unet.ckpt"]


@pytest.mark.slow
def test_dvc_outputs_are_exempt(make_repo: MakeRepo) -> None:
    repo = Repository(
        make_repo(
            {
                "data/era5.dvc": "outs:\n- md5: abc.dir\n  path: era5\n",
                "data/era5/t2m.nc": "CDF",
                "pipeline/dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n    outs:\n"
                "      - ../models/unet.ckpt:\n          cache: true\n",
                "models/unet.ckpt": "weights",
                "models/other.ckpt": "weights",
            }
        )
    )
    result = run_check(DataNotInGit(), repo)
    assert [e.path for e in result.evidence] == ["models/other.ckpt"]


@pytest.mark.slow
def test_a_tracked_symlink_is_not_data(make_repo: MakeRepo, tmp_path: Path) -> None:
    root = make_repo({"README.md": ""})
    os.symlink(tmp_path / "elsewhere.nc", root / "t2m.nc")
    git(root, "add", "t2m.nc")
    assert run_check(DataNotInGit(), Repository(root)).verdict is Verdict.PASS


# -- MS611 ----------------------------------------------------------------------------------------


def _fields(result: Result) -> str:
    return json.dumps(result.to_json())


@pytest.mark.slow
@pytest.mark.parametrize(
    "example", NoCommittedCredentials.FAILING, ids=lambda example: next(iter(example))
)
def test_credentials_are_named_never_shown(make_repo: MakeRepo, example: Example) -> None:
    ((path, content),) = example.items()
    result = run_check(NoCommittedCredentials(), Repository(make_repo(example)))
    assert result.verdict is Verdict.FAIL
    assert [e.path for e in result.evidence] == [path]
    shown = _fields(result)
    for line in filter(None, map(str.strip, content.splitlines())):
        value = re.split(r"[=:]", line, maxsplit=1)[-1].strip()
        for part in {line, value}:
            assert len(part) <= 4 or part not in shown, f"{part!r} appears in the result"


@pytest.mark.slow
def test_a_real_looking_secret_never_appears(make_repo: MakeRepo) -> None:
    secret = "12345:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    example = {
        ".cdsapirc": f"url: https://cds.climate.copernicus.eu/api\nkey: {secret}\n",
        "deploy/.env.production": f"CDSAPI_KEY={secret}\n",
        "keys/server.pem": f"-----BEGIN PRIVATE KEY-----\n{secret}\n-----END PRIVATE KEY-----\n",
    }
    result = run_check(NoCommittedCredentials(), Repository(make_repo(example)))
    assert result.verdict is Verdict.FAIL
    assert {e.path for e in result.evidence} == set(example)
    assert secret not in _fields(result)
    assert "12345" not in _fields(result)


@pytest.mark.slow
def test_a_credentials_link_out_of_the_repository_is_not_followed(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / ".env").write_text("TOKEN=secret-value\n")
    (tmp_path / "home" / ".cdsapirc").write_text("key: secret-value\n")
    root = make_repo({"README.md": ""})
    os.symlink(tmp_path / "home" / ".env", root / ".env")
    os.symlink(tmp_path / "home" / ".cdsapirc", root / ".cdsapirc")
    git(root, "add", ".env", ".cdsapirc")
    result = run_check(NoCommittedCredentials(), Repository(root))
    assert result.verdict is Verdict.PASS
    assert "secret-value" not in _fields(result)


# -- MS606 ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_version_is_read_at_the_tags_commit_not_the_work_tree(make_repo: MakeRepo) -> None:
    root = make_repo({**{"pyproject.toml": _pyproject("1.0.0")}, TAGS: "v1.0.0"})
    commit(root, {"pyproject.toml": _pyproject("1.1.0.dev0")})
    (root / "pyproject.toml").write_text(_pyproject("9.9.9"))
    result = run_check(ReleaseVersionMatches(), Repository(root))
    assert result.verdict is Verdict.PASS, result.message
    assert "tag v1.0.0 = version 1.0.0" in result.message


@pytest.mark.slow
def test_a_wrong_tag_stays_wrong_after_the_work_tree_is_fixed(make_repo: MakeRepo) -> None:
    root = make_repo({"pyproject.toml": _pyproject("1.0.0")})
    git(root, "tag", "-a", "v1.1.0", "-m", "release")
    commit(root, {"pyproject.toml": _pyproject("1.1.0")})
    result = run_check(ReleaseVersionMatches(), Repository(root))
    assert result.verdict is Verdict.FAIL
    assert result.message.startswith("at v1.1.0 (commit ")
    assert "pyproject.toml [project].version is 1.0.0" in result.message
    assert [(e.path, e.line) for e in result.evidence] == [("pyproject.toml", 3)]


@pytest.mark.slow
def test_the_highest_release_by_pep440_is_checked(make_repo: MakeRepo) -> None:
    root = make_repo({"pyproject.toml": _pyproject("1.10.0"), TAGS: "v1.10.0"})
    first = git(root, "rev-parse", "HEAD").strip()
    commit(root, {"pyproject.toml": _pyproject("1.9.1")})
    git(root, "tag", "v1.9.1")
    git(root, "tag", "latest")
    result = run_check(ReleaseVersionMatches(), Repository(root))
    assert result.verdict is Verdict.PASS
    assert result.message.startswith(f"at v1.10.0 (commit {first[:12]})")


@pytest.mark.slow
def test_a_version_file_the_declaration_points_to_is_read_at_the_tag(make_repo: MakeRepo) -> None:
    pyproject = (
        '[project]\nname = "forecast"\ndynamic = ["version"]\n\n'
        '[tool.setuptools.dynamic]\nversion = {file = "src/forecast/VERSION"}\n'
    )
    root = make_repo({"pyproject.toml": pyproject, "src/forecast/VERSION": "2.1.0\n"})
    git(root, "tag", "2.1.0")
    commit(root, {"src/forecast/VERSION": "2.2.0.dev0\n"})
    assert run_check(ReleaseVersionMatches(), Repository(root)).verdict is Verdict.PASS


# -- MS602 ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_ci_failure_names_each_unpinned_line(make_repo: MakeRepo) -> None:
    sha = "3e5f5c2f6139ef87f1ed62c720f7d1f46448a68f"
    workflow = (
        "on: [push, pull_request]\n"
        "jobs:\n"
        "  metstandards:\n"
        f"    uses: metstandards/metstandards/.github/workflows/metstandards.yml@{sha}\n"
        "  other:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
    )
    result = run_check(
        CiRunsStandard(), Repository(make_repo({".github/workflows/ci.yml": workflow}))
    )
    assert result.verdict is Verdict.FAIL
    assert [(e.path, e.line) for e in result.evidence] == [(".github/workflows/ci.yml", 8)]
    assert "actions/checkout@v4 at .github/workflows/ci.yml:8" in result.message
    assert "40-hex-sha" in result.hint


@pytest.mark.slow
def test_unreadable_ci_is_an_error_not_a_pass(make_repo: MakeRepo) -> None:
    sha = "3e5f5c2f6139ef87f1ed62c720f7d1f46448a68f"
    good = (
        "on: push\njobs:\n  m:\n"
        f"    uses: metstandards/metstandards/.github/workflows/metstandards.yml@{sha}\n"
    )
    repo = Repository(
        make_repo({".github/workflows/ok.yml": good, ".github/workflows/broken.yml": "on: [\n"})
    )
    result = run_check(CiRunsStandard(), repo)
    assert result.verdict is Verdict.ERROR
    assert ".github/workflows/broken.yml (invalid YAML, line 2" in result.message

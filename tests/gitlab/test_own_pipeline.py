"""This project's own .gitlab-ci.yml: valid for GitLab, running the components it ships on merge
requests, and on a v1.2.3 tag releasing the package and publishing the components to the CI/CD
Catalog as 1.2.3 (the catalog takes semantic versions without the "v")."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hooks._pre_commit import git, snapshot_checkout

from ._components import ROOT
from ._pipeline import Pipeline, gitlab_ci_local

OWN = ROOT / ".gitlab-ci.yml"


@pytest.mark.slow
def test_the_own_pipeline_validates_against_gitlab_ci_schema() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "check-jsonschema"), "--builtin-schema",
         "vendor.gitlab-ci", str(OWN)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_only_v_tags_start_a_tag_pipeline() -> None:
    """The 1.2.3 tag the catalog release creates must not release again (GitLab's regular
    expressions are RE2; this one means the same in Python's)."""
    rules = yaml.safe_load(OWN.read_text(encoding="utf-8"))["workflow"]["rules"]
    (tag_rule,) = [rule["if"] for rule in rules if "CI_COMMIT_TAG" in rule["if"]]
    pattern = re.fullmatch(r"\$CI_COMMIT_TAG =~ /(.+)/", tag_rule)
    assert pattern is not None
    assert re.search(pattern.group(1), "v1.2.3")
    assert not re.search(pattern.group(1), "1.2.3")
    assert not re.search(pattern.group(1), "v1.2.3rc1")


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """This checkout as a commit of a repository on a GitLab (a remote never contacted)."""
    gitlab_ci_local()
    root = tmp_path_factory.mktemp("own") / "metstandards"
    snapshot_checkout(root)
    git(
        "remote",
        "add",
        "origin",
        "https://gitlab.example.org/metstandards/metstandards.git",
        cwd=root,
    )
    home = root.parent / "home"
    home.mkdir()
    return Pipeline(root, home)


@pytest.mark.slow
def test_merge_requests_run_the_shipped_components(own: Pipeline) -> None:
    jobs = own.jobs({"CI_PIPELINE_SOURCE": "merge_request_event"})
    versions = ("3.10", "3.11", "3.12", "3.13")
    assert set(jobs) == {
        "metstandards",
        "python-ci:ruff",
        "python-ci:mypy",
        *(f"python-ci:pytest: [{version}]" for version in versions),
    }


@pytest.mark.slow
def test_a_version_tag_releases_the_package_and_the_components(own: Pipeline) -> None:
    tag = {"CI_COMMIT_TAG": "v9.8.7"}
    jobs = own.jobs(tag)
    releasing = {"release:version-tag", "release:build", "release:gitlab-registry"}
    assert releasing | {"catalog-version", "catalog"} <= set(jobs)
    assert "release:pypi" not in jobs  # PyPI is released from GitHub
    assert [need["job"] for need in jobs["catalog"]["needs"]] == [
        "catalog-version",
        "release:build",
    ]
    run = own.run("catalog-version", variables=tag, unset=["CI_COMMIT_BRANCH"])
    assert "CATALOG_VERSION=9.8.7" in run.stdout, run.stdout
    dotenv = own.artifacts("catalog-version") / ".gitlab-ci-reports/dotenv/catalog.env"
    assert dotenv.read_text(encoding="utf-8") == "CATALOG_VERSION=9.8.7\n"
    preview = own.run("--preview", variables=tag).stdout
    assert "tag_name: $CATALOG_VERSION" in preview
    assert "ref: $CI_COMMIT_SHA" in preview

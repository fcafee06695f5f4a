"""Run GitLab pipelines for real on this machine with gitlab-ci-local and its shell executor.

A scratch git repository is made from ``examples/nowcast-unet`` (its GPU tests need torch, so a
small test of its configuration module stands in for them), with this checkout's components
copied to ``templates/`` and included as ``local:`` files with ``inputs:``, as a project of the
service would include them from its GitLab as ``component:``.

The shell executor runs each job in the repository itself, with the tools of this environment:
``python`` and ``metstandards`` are this virtual environment's (the components are included with
``install-requirement: ""``, which installs nothing). The network is out of reach (a proxy that
refuses every connection), so a job that tried to install something would fail.

gitlab-ci-local quirks worked around here, each with its reason:

- ``--force-shell-executor``: the components name an image; without Docker the jobs must run in
  the shell. gitlab-ci-local then still sets CI_PROJECT_DIR to the container's path
  (``/builds/<group>/<project>``), so it is passed as the repository's own path.
- ``--ignore-schema-paths #/definitions/tags/minItems``: gitlab-ci-local 4.60 validates against
  an older copy of GitLab's schema that refuses ``tags: []``; GitLab accepts it, and so does its
  current schema (check-jsonschema's vendored copy, which tests/gitlab/test_components.py uses).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from hooks._pre_commit import commit_all, git, new_repository

from ._components import ROOT, TEMPLATES

EXAMPLE = ROOT / "examples" / "nowcast-unet"
#: Where the scratch repository says it lives: gitlab-ci-local derives CI_SERVER_FQDN and
#: CI_PROJECT_PATH from the remote, and never contacts it.
REMOTE = "https://gitlab.example.org/weather/nowcast-unet.git"
#: The example declares 0.3.0.
VERSION = "0.3.0"
#: Stands in for the example's torch tests: something pytest can run here.
CONFIG_TEST = """\
from nowcast.config import DataConfig, lead_minutes


def test_lead_minutes_step_by_five() -> None:
    assert list(lead_minutes(DataConfig(lead_steps=3))) == [5, 10, 15]
"""
_OFFLINE = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "PIP_NO_INPUT": "1",
}


def gitlab_ci_local() -> str:
    """The gitlab-ci-local command; the tests need it, and rsync, which it copies files with
    (.ci/run installs both)."""
    found = shutil.which("gitlab-ci-local")
    if found is None or shutil.which("rsync") is None:
        pytest.skip(
            "gitlab-ci-local (npm install -g gitlab-ci-local@4.60) or rsync is not installed; "
            ".ci/run installs both"
        )
    return found


class Pipeline:
    """A scratch repository and the gitlab-ci-local runs in it."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.home = home
        #: Directories put before this environment's on the jobs' PATH (stand-in tools).
        self.path: list[Path] = []

    def write_ci(self, config: Mapping[str, Any] | str, *, commit: bool = True) -> None:
        """``.gitlab-ci.yml`` (a mapping is written as YAML), committed: gitlab-ci-local reads
        the commit's SHA and the branch from git."""
        text = config if isinstance(config, str) else yaml.safe_dump(dict(config), sort_keys=False)
        (self.root / ".gitlab-ci.yml").write_text(text, encoding="utf-8")
        if commit:
            commit_all(self.root)

    def include(self, component: str, inputs: Mapping[str, Any], *more: dict[str, Any]) -> None:
        """A ``.gitlab-ci.yml`` that includes the local copy of ``component`` with ``inputs``."""
        entry = {"local": f"templates/{component}.yml", "inputs": dict(inputs)}
        self.write_ci({"include": [entry, *more]})

    def head(self) -> str:
        """The SHA of the commit the pipelines run for."""
        return git("rev-parse", "HEAD", cwd=self.root).strip()

    def jobs(self, variables: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
        """The jobs a pipeline with ``variables`` would run, by name (``--list-json``, without
        those whose rules say never)."""
        listed = self.run("--list-json", variables=variables, stderr=subprocess.DEVNULL)
        assert listed.returncode == 0, listed.stdout
        # gitlab-ci-local may say other things before the JSON, which starts on a line of its own.
        lines = listed.stdout.splitlines()
        listing = json.loads("\n".join(lines[lines.index("[") :]))
        return {job["name"]: job for job in listing if job["when"] != "never"}

    def run(
        self,
        *args: str,
        variables: Mapping[str, str] | None = None,
        unset: Sequence[str] = (),
        stderr: int = subprocess.STDOUT,
    ) -> subprocess.CompletedProcess[str]:
        """``gitlab-ci-local ARGS`` in the repository; stdout and stderr together."""
        command = [
            gitlab_ci_local(),
            *("--force-shell-executor", "--no-color", "--max-job-name-padding", "0"),
            *("--ignore-schema-paths", "#/definitions/tags/minItems"),
            *("--home", str(self.home)),
            *("--variable", f"CI_PROJECT_DIR={self.root}"),
        ]
        for key, value in (variables or {}).items():
            command += ["--variable", f"{key}={value}"]
        for key in unset:
            command += ["--unset-variable", key]
        path = os.pathsep.join(
            [*map(str, self.path), str(Path(sys.executable).parent), os.environ.get("PATH", "")]
        )
        env = {**os.environ, **_OFFLINE, "PATH": path, "HOME": str(self.home)}
        env.pop("VIRTUAL_ENV", None)
        return subprocess.run(
            [*command, *args],
            cwd=self.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            timeout=300,
            check=False,
        )

    def tool(self, name: str, script: str) -> Path:
        """A stand-in for the program ``name`` on the jobs' PATH: a Python ``script`` (it gets
        ``import json, os, sys`` and ``ARGS``, the arguments it was called with), which also logs
        each call, one JSON list of arguments a line, to ``<name>.calls``."""
        directory = self.home / "bin"
        directory.mkdir(exist_ok=True)
        if directory not in self.path:
            self.path.insert(0, directory)
        log = self.home / f"{name}.calls"
        program = directory / name
        program.write_text(
            f"#!{sys.executable}\n"
            "import json, os, sys\n"
            "ARGS = sys.argv[1:]\n"
            f"with open({str(log)!r}, 'a', encoding='utf-8') as calls:\n"
            "    calls.write(json.dumps(ARGS) + '\\n')\n"
            f"{script}\n",
            encoding="utf-8",
        )
        program.chmod(0o755)
        return log

    def artifacts(self, job: str) -> Path:
        """Where gitlab-ci-local keeps the artifacts of ``job`` (its name made safe for a file
        system as gitlab-ci-local makes it: each run of other characters base64url-encoded)."""

        def encoded(match: re.Match[str]) -> str:
            return base64.urlsafe_b64encode(match.group().encode()).decode().rstrip("=")

        safe = re.sub(r"[^A-Za-z0-9_-]+", encoded, job)
        return self.root / ".gitlab-ci-local" / "artifacts" / safe

    def calls(self, name: str) -> list[list[str]]:
        """The arguments of each call of the stand-in ``name``."""
        log = self.home / f"{name}.calls"
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def scratch_repository(root: Path) -> Path:
    """The example project as a git repository of its own, with the components in templates/."""
    shutil.copytree(
        EXAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", ".*_cache", "test_model.py")
    )
    (root / "tests" / "test_config.py").write_text(CONFIG_TEST, encoding="utf-8")
    shutil.copytree(TEMPLATES, root / "templates")
    (root / ".gitignore").write_text(".gitlab-ci-local/\n.cache/\n", encoding="utf-8")
    new_repository(root)
    git("remote", "add", "origin", REMOTE, cwd=root)
    commit_all(root)
    return root


@pytest.fixture
def pipeline(tmp_path: Path) -> Pipeline:
    gitlab_ci_local()
    home = tmp_path / "home"
    home.mkdir()
    return Pipeline(scratch_repository(tmp_path / "nowcast-unet"), home)


def job_lines(output: str, job: str) -> list[str]:
    """What the job printed (its script's output), without gitlab-ci-local's prefix."""
    prefix = f"{job} > "
    return [line[len(prefix) :] for line in output.splitlines() if line.startswith(prefix)]

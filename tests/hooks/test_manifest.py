"""The hook manifest and the recommended config stay valid for the real pre-commit, and agree
with each other and with the commands they call."""

from __future__ import annotations

import shlex
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml

from metstandards.cli import main
from metstandards.scaffold.pin import Pin
from metstandards.scaffold.sources import Sources, fill, placeholders

from ._pre_commit import CHECKOUT, pre_commit

PIN = Pin("metstandards/metstandards", "0123456789abcdef0123456789abcdef01234567", "v0.1.0")


def manifest() -> dict[str, dict[str, Any]]:
    hooks = yaml.safe_load((CHECKOUT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in hooks}


def filled_config(tmp_path: Path) -> Path:
    path = tmp_path / ".pre-commit-config.yaml"
    values = placeholders(PIN, PIN.hooks_repo)
    path.write_text(fill(Sources.shipped().hooks_config, values), encoding="utf-8")
    return path


@pytest.mark.slow
def test_pre_commit_accepts_the_manifest_and_the_filled_config(tmp_path: Path) -> None:
    home = tmp_path / "home"
    checked = pre_commit("validate-manifest", ".pre-commit-hooks.yaml", cwd=CHECKOUT, home=home)
    assert checked.returncode == 0, checked.stdout
    config = filled_config(tmp_path)
    checked = pre_commit("validate-config", config, cwd=tmp_path, home=home)
    assert checked.returncode == 0, checked.stdout


def test_the_config_uses_every_metstandards_hook(tmp_path: Path) -> None:
    config = yaml.safe_load(filled_config(tmp_path).read_text(encoding="utf-8"))
    ours = next(repo for repo in config["repos"] if repo["repo"] == PIN.hooks_repo)
    assert ours["rev"] == PIN.ref
    assert [hook["id"] for hook in ours["hooks"]] == list(manifest())


def test_every_hook_calls_an_existing_command() -> None:
    for hook in manifest().values():
        program, command, *_ = shlex.split(hook["entry"])
        assert program == "metstandards"
        assert command in main.commands, hook["id"]


@pytest.mark.parametrize("hook_id", ["metstandards-ruff", "metstandards-complexity"])
def test_the_per_file_hooks_run_one_part_of_check_on_the_staged_files(hook_id: str) -> None:
    hook = manifest()[hook_id]
    words = shlex.split(hook["entry"])
    assert words[:2] == ["metstandards", "check"]
    assert [value for option, value in pairwise(words) if option == "--only"] == [
        hook_id.removeprefix("metstandards-")
    ]
    assert set(words[2::2]) == {"--only"}
    assert hook["pass_filenames"] is True


def test_only_the_push_and_manual_hooks_leave_the_commit_stage() -> None:
    stages = {hook_id: hook.get("stages") for hook_id, hook in manifest().items()}
    assert stages == {
        "metstandards-lint": None,
        "metstandards-ruff": None,
        "metstandards-complexity": None,
        "metstandards-version-tag": ["pre-push"],
        "metstandards-check": ["manual"],
    }


@pytest.mark.slow
def test_the_projects_own_hooks_run_the_manifests_commands(tmp_path: Path) -> None:
    """This repository eats its own cooking: its .pre-commit-config.yaml runs each shipped hook
    with the same entry and file selection, from the installed checkout."""
    shipped = manifest()
    config = yaml.safe_load((CHECKOUT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    local = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    for hook_id in set(shipped) - {"metstandards-check"}:
        keys = ("entry", "types", "types_or", "files", "pass_filenames", "always_run", "stages")
        for key in keys:
            assert local[hook_id].get(key) == shipped[hook_id].get(key), (hook_id, key)
    done = pre_commit(
        "validate-config", ".pre-commit-config.yaml", cwd=CHECKOUT, home=tmp_path / "home"
    )
    assert done.returncode == 0, done.stdout

"""The files under test: the reusable workflows and this project's CI in `.github/workflows/`, the
caller templates as `metstandards init` writes them, and the composite actions."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS_DIR = ROOT / ".github" / "workflows"
CALLERS_DIR = ROOT / "reusable-workflows" / "callers"
ACTIONS_DIR = ROOT / "reusable-workflows" / "actions"
CATALOGUE = ROOT / "reusable-workflows" / "README.md"

#: What `metstandards init` puts in place of the placeholders: a commit SHA and its release tag.
REF = "5f3c1e2d9b8a7f6e5d4c3b2a1908f7e6d5c4b3a2"
VERSION = "v0.1.0"
PLACEHOLDERS = {
    "{{ref}}": REF,
    "{{version}}": VERSION,
    # What init fills in from the project: its Python versions and its test extra.
    "{{python-versions}}": '["3.10", "3.11", "3.12", "3.13", "3.14"]',
    "{{python-version}}": "3.10",
    "{{extras}}": "test",
}

#: Makes any attempt to reach the network fail at once: these tests must pass offline.
OFFLINE_ENV = {
    **os.environ,
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "ZIZMOR_OFFLINE": "true",
}


def _yaml_files(directory: Path, pattern: str = "*") -> list[Path]:
    return sorted(p for ext in ("yml", "yaml") for p in directory.glob(f"{pattern}.{ext}"))


def workflow_files() -> list[Path]:
    return _yaml_files(WORKFLOWS_DIR)


def caller_templates() -> list[Path]:
    return _yaml_files(CALLERS_DIR)


def action_files() -> list[Path]:
    return _yaml_files(ACTIONS_DIR, "*/action")


def load(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict), f"{path}: not a YAML mapping"
    return document


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """`on:` of a workflow; YAML 1.1 (PyYAML) reads the bare key `on` as True."""
    on = workflow.get("on", workflow.get(True))
    return on if isinstance(on, dict) else {name: None for name in ([on] if on else [])}


def reusable_workflows() -> dict[str, dict[str, Any]]:
    """`name.yml` -> its `on.workflow_call` mapping, for the reusable workflows."""
    found = {}
    for path in workflow_files():
        on = triggers(load(path))
        if "workflow_call" in on:
            found[path.name] = on["workflow_call"] or {}
    return found


def render(template: str) -> str:
    for placeholder, value in PLACEHOLDERS.items():
        template = template.replace(placeholder, value)
    return template


def write_rendered_callers(root: Path) -> list[Path]:
    """The caller templates, rendered, in `root/.github/workflows/` where GitHub reads them."""
    directory = root / ".github" / "workflows"
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for template in caller_templates():
        target = directory / template.name
        target.write_text(render(template.read_text(encoding="utf-8")), encoding="utf-8")
        written.append(target)
    return written


def executable(name: str) -> str | None:
    """`name` installed next to this Python (the test extra), else on PATH."""
    here = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return shutil.which(name, path=here)

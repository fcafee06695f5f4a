"""Every input and secret a reusable workflow declares is used, every one it uses is declared, and
every caller template passes only inputs and secrets that the workflow it calls declares: a
renamed input cannot leave a dead declaration, an expression that reads nothing, or a caller
that GitHub refuses to start ("Invalid input")."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ._files import CALLERS_DIR, caller_templates, load, render, reusable_workflows

WORKFLOWS = reusable_workflows()
#: `inputs.name` or `inputs['name']` inside an expression (also a bare `if:`, which is one).
_USED = re.compile(r"\binputs(?:\.([A-Za-z_][\w-]*)|\[\s*'([^']+)'\s*\])")
_SECRET = re.compile(r"\bsecrets(?:\.([A-Za-z_][\w-]*)|\[\s*'([^']+)'\s*\])")


def _document(name: str) -> dict[str, Any]:
    """The workflow without its `on:` block, where the inputs are declared."""
    document = load(Path(CALLERS_DIR.parents[1], ".github", "workflows", name))
    return {key: value for key, value in document.items() if key not in ("on", True)}


def _body(name: str) -> str:
    return json.dumps(_document(name))


def _strings(node: Any) -> list[str]:
    """Every string in a YAML tree, keys included: each holds whole expressions."""
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in [*_strings(key), *_strings(value)]]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return [node] if isinstance(node, str) else []


def _names(pattern: re.Pattern[str], text: str) -> set[str]:
    return {match[1] or match[2] for match in pattern.finditer(text)}


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_every_declared_input_is_used_and_every_used_one_declared(name: str) -> None:
    declared = set(WORKFLOWS[name].get("inputs") or {})
    used = _names(_USED, _body(name))
    assert {"unused": declared - used, "undeclared": used - declared} == {
        "unused": set(),
        "undeclared": set(),
    }


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_every_declared_secret_is_used_and_every_used_one_declared(name: str) -> None:
    declared = set(WORKFLOWS[name].get("secrets") or {})
    used = _names(_SECRET, _body(name))
    assert {"unused": declared - used, "undeclared": used - declared} == {
        "unused": set(),
        "undeclared": set(),
    }


def _calls(template: Path) -> list[tuple[str, dict[str, Any]]]:
    """(called workflow file, job) of each job of a caller that calls one of ours."""
    document = yaml.safe_load(render(template.read_text(encoding="utf-8")))
    found = []
    for job in document["jobs"].values():
        match = re.fullmatch(
            r"metstandards/metstandards/\.github/workflows/([\w-]+\.yml)@.*", job.get("uses", "")
        )
        if match:
            found.append((match[1], job))
    return found


@pytest.mark.parametrize("template", caller_templates(), ids=lambda p: p.name)
def test_caller_templates_pass_only_declared_inputs_and_secrets(template: Path) -> None:
    calls = _calls(template)
    assert calls, f"{template.name} calls no reusable workflow"
    for workflow, job in calls:
        call = WORKFLOWS[workflow]
        assert set(job.get("with") or {}) <= set(call.get("inputs") or {})
        assert set(job.get("secrets") or {}) <= set(call.get("secrets") or {})


DEPRECATED = {"metstandards-requirement": "install-requirement", "runner-labels": "runs-on"}


@pytest.mark.parametrize("name", sorted(name for name in WORKFLOWS if name != "org-audit.yml"))
def test_the_renamed_inputs_stay_as_deprecated_aliases_and_callers_use_the_new_names(
    name: str,
) -> None:
    inputs = WORKFLOWS[name].get("inputs") or {}
    # Every workflow takes its runner as `runs-on`; those that install metstandards take
    # `install-requirement`, and keep the old name, empty by default, for callers of v0.1.0.
    assert "runs-on" in inputs
    for old, new in DEPRECATED.items():
        if old in inputs:
            assert new in inputs
            assert inputs[old]["default"] == ""
            assert inputs[old]["description"].startswith("Deprecated:")
            # Wherever the new name is read, the old one is read with it (and wins when set).
            reading_new_alone = [
                value
                for value in _strings(_document(name))
                if re.search(rf"\binputs\.{new}\b", value) and f"inputs.{old}" not in value
            ]
            assert reading_new_alone == []
    caller = (CALLERS_DIR / name).read_text(encoding="utf-8")
    assert not [old for old in DEPRECATED if re.search(rf"^\s+{old}:", caller, re.M)]

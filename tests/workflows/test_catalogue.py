"""The catalogue (reusable-workflows/README.md) documents every reusable workflow: a section
headed by its file name with a table row for each input that gives its type and default as the
workflow declares them, and names its secrets and outputs."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ._files import CATALOGUE, reusable_workflows

WORKFLOWS = reusable_workflows()


def section(name: str) -> str:
    """The catalogue's text under the heading `## \\`name\\``, up to the next such heading."""
    text = CATALOGUE.read_text(encoding="utf-8")
    match = re.search(rf"^## `{re.escape(name)}`\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"{CATALOGUE.name} has no section `## \\`{name}\\``"
    return match[1]


def documented_default(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if value != "" else '""'


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_catalogue_documents_every_input_with_its_type_and_default(name: str) -> None:
    rows = {
        match["input"]: (match["type"], match["default"])
        for match in re.finditer(
            r"^\| `(?P<input>[\w-]+)` \| (?P<type>\w+) \| `(?P<default>[^`]*)` \|",
            section(name),
            re.M,
        )
    }
    declared = {
        input_name: (spec["type"], documented_default(spec.get("default", "")))
        for input_name, spec in (WORKFLOWS[name].get("inputs") or {}).items()
    }
    assert rows == declared


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_catalogue_names_every_secret_and_output(name: str) -> None:
    text = section(name)
    call = WORKFLOWS[name]
    names = [*(call.get("secrets") or {}), *(call.get("outputs") or {})]
    assert [n for n in names if f"`{n}`" not in text] == []


def test_catalogue_has_a_section_for_every_reusable_workflow() -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    assert sorted(re.findall(r"^## `([\w-]+\.yml)`$", text, re.M)) == sorted(WORKFLOWS)

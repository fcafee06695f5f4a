"""The catalogue's GitLab part (reusable-workflows/README.md, "GitLab CI/CD components")
documents every component: a section headed by its file with a table row for each input that
gives its type and default as the component declares them."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from ._components import COMPONENTS, ROOT, inputs

CATALOGUE = ROOT / "reusable-workflows" / "README.md"


def _gitlab_part() -> str:
    text = CATALOGUE.read_text(encoding="utf-8")
    start = text.find("\n## GitLab CI/CD components\n")
    assert start >= 0, "the catalogue has no section '## GitLab CI/CD components'"
    return text[start:]


def _section(name: str) -> str:
    match = re.search(
        rf"^### `templates/{re.escape(name)}\.yml`\n(.*?)(?=^##|\Z)", _gitlab_part(), re.M | re.S
    )
    assert match, f"no section ### `templates/{name}.yml`"
    return match[1]


def _documented(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value)
    return str(value) if value != "" else '""'


@pytest.mark.parametrize("name", COMPONENTS)
def test_the_catalogue_documents_every_input_with_its_type_and_default(name: str) -> None:
    rows = {
        match["input"]: (match["type"], match["default"])
        for match in re.finditer(
            r"^\| `(?P<input>[\w-]+)` \| (?P<type>\w+) \| `(?P<default>[^`]*)` \|",
            _section(name),
            re.M,
        )
    }
    declared = {
        key: (spec.get("type", "string"), _documented(spec["default"]))
        for key, spec in inputs(name).items()
    }
    assert rows == declared


def test_the_catalogue_has_a_section_for_every_component_and_no_other() -> None:
    headings = re.findall(r"^### `templates/([\w-]+)\.yml`$", _gitlab_part(), re.M)
    assert sorted(headings) == sorted(COMPONENTS)

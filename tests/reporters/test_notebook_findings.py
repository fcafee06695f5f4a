"""A finding in a Jupyter notebook, in every format: located by cell, and by line and column
within it; where a format's positions are lines of the file (the notebook's JSON), the cell,
line and column begin the message instead."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib.resources import files
from typing import Any

import jsonschema
from conftest import notebook

from .conftest import Lint

NB = "notebooks/explore.ipynb"
FILES = {
    "demo/__init__.py": "",
    "demo/model.py": "import torch\n\nstate = torch.load(path)\n",
    NB: notebook("md:# Explore", "import torch", "x = 1\nstate = torch.load(path)"),
}
PLACE = "cell 3, line 2, column 9: "


def test_text_names_the_cell_as_ruff_does(lint: Lint) -> None:
    lines = lint(FILES).stdout.splitlines()
    assert lines[0].startswith("demo/model.py:3:9: MS202 ")
    assert lines[1].startswith(f"{NB}:cell 3:2:9: MS202 `torch.load`")


def test_json_has_the_cell_and_lines_within_it_and_validates(lint: Lint) -> None:
    document = json.loads(lint(FILES, "-f", "json").stdout)
    schema = json.loads(
        files("metstandards.reporters").joinpath("lint-report.schema.json").read_text("utf-8")
    )
    jsonschema.Draft202012Validator(schema).validate(document)
    python, in_notebook = document["findings"]
    assert "cell" not in python
    assert list(in_notebook) == [
        "code",
        "name",
        "severity",
        "path",
        "cell",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
    ]
    assert (in_notebook["path"], in_notebook["cell"], in_notebook["line"]) == (NB, 3, 2)
    assert (in_notebook["column"], in_notebook["end_line"], in_notebook["end_column"]) == (9, 2, 25)


def test_sarif_carries_the_cell_as_a_property_and_validates(
    lint: Lint, sarif_validator: Any
) -> None:
    document = json.loads(lint(FILES, "-f", "sarif").stdout)
    sarif_validator.validate(document)
    python, in_notebook = document["runs"][0]["results"]
    assert "properties" not in python
    assert in_notebook["properties"] == {"cell": 3}
    assert in_notebook["message"]["text"].startswith(PLACE + "`torch.load`")
    location = in_notebook["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == NB
    assert location["region"] == {"startLine": 2, "startColumn": 9, "endLine": 2, "endColumn": 25}


def test_github_annotates_the_notebook_file_and_says_where_in_the_message(lint: Lint) -> None:
    lines = lint(FILES, "-f", "github").stdout.splitlines()
    assert lines[0].startswith("::error file=demo/model.py,line=3,col=9,")
    assert lines[1].startswith(
        f"::error file={NB},title=MS202 unsafe-model-load::{PLACE}`torch.load`"
    )


def test_gitlab_places_it_on_the_notebook_with_the_cell_in_the_description(lint: Lint) -> None:
    python, in_notebook = json.loads(lint(FILES, "-f", "gitlab").stdout)
    assert python["location"]["lines"] == {"begin": 3, "end": 3}
    assert in_notebook["location"] == {"path": NB, "lines": {"begin": 1, "end": 1}}
    assert in_notebook["description"].startswith(f"MS202 unsafe-model-load: {PLACE}")


def test_junit_and_markdown_name_the_cell_in_the_location(lint: Lint) -> None:
    suite = ET.fromstring(lint(FILES, "-f", "junit").stdout).find("testsuite")
    assert suite is not None
    names = [case.get("name") for case in suite.iter("testcase")]
    assert names == ["demo/model.py:3:9 MS202", f"{NB}:cell 3:2:9 MS202"]
    assert f"| `{NB}:cell 3:2:9` | `MS202` | error |" in lint(FILES, "-f", "markdown").stdout

"""A file whose name is not UTF-8 (``café.py`` written in latin-1: Python reads the name as
``caf\\udce9.py``) is reported in every format, with the byte shown as ``\\xe9``: valid JSON,
well-formed XML, a SARIF log with a valid URI naming exactly that file, and nothing any encoder
refuses. Real files on disk, the real command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from conftest import write_project

from metstandards.cli import main
from metstandards.reporters import FORMATS

from .conftest import Lint

#: ``café.py`` as latin-1 bytes: 0xE9 is not UTF-8 on its own.
RAW_NAME = b"caf\xe9.py"
NAME = os.fsdecode(RAW_NAME)
SHOWN = "caf\\xe9.py"
UNSAFE = "import torch\n\nstate = torch.load(path)\n"
PROJECT = {"pkg/__init__.py": "", f"pkg/{NAME}": UNSAFE}
_URI_PATH = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})+$")


@pytest.fixture(autouse=True)
def _file_system_keeps_bytes(tmp_path: Path) -> None:
    """The file system must take the name as bytes (any Linux one does; macOS' APFS refuses)."""
    try:
        (tmp_path / NAME).write_text("")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    (tmp_path / NAME).unlink()


def _lint(lint: Lint, output_format: str) -> str:
    run = lint(PROJECT, "-f", output_format)
    assert run.exit_code == 1, run.stdout
    return run.stdout


def test_the_name_is_really_not_utf8_on_disk(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", PROJECT)
    assert RAW_NAME in os.listdir(os.fsencode(root / "pkg"))


@pytest.mark.parametrize("output_format", ["text", "github", "markdown"])
def test_line_formats_show_the_byte_escaped(lint: Lint, output_format: str) -> None:
    out = _lint(lint, output_format)
    assert SHOWN in out
    assert not re.search("[\ud800-\udfff]", out)
    out.encode("utf-8")  # strict: what a UTF-8 terminal or file takes


def test_text_names_the_file_and_finding(lint: Lint) -> None:
    assert _lint(lint, "text").startswith(f"pkg/{SHOWN}:3:9: MS202 ")


def test_github_annotation_names_the_file(lint: Lint) -> None:
    assert f"::error file=pkg/{SHOWN},line=3," in _lint(lint, "github")


def test_json_is_valid_utf8_json_with_the_escaped_name(lint: Lint) -> None:
    out = _lint(lint, "json")
    document = json.loads(out.encode("utf-8"))  # bytes: a parser that insists on UTF-8
    assert [f["path"] for f in document["findings"]] == [f"pkg/{SHOWN}"]
    assert "\\udce9" not in out  # no lone surrogate escaped into the JSON either


def test_sarif_is_valid_with_a_uri_of_the_bytes_on_disk(lint: Lint, sarif_validator: Any) -> None:
    document = json.loads(_lint(lint, "sarif").encode("utf-8"))
    sarif_validator.validate(document)
    (result,) = document["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "pkg/caf%E9.py"
    assert _URI_PATH.match(uri)
    assert unquote_to_bytes(uri) == b"pkg/" + RAW_NAME


def test_sarif_fingerprints_tell_names_apart_by_their_bytes(lint: Lint) -> None:
    """``caf\\xe9.py`` (latin-1) and ``café.py`` (UTF-8) are two files, two fingerprints."""
    project = {**PROJECT, "pkg/café.py": UNSAFE}
    results = json.loads(lint(project, "-f", "sarif").stdout)["runs"][0]["results"]
    prints = {r["partialFingerprints"]["metstandardsFinding/v1"] for r in results}
    assert len(prints) == 2


def test_junit_is_well_formed_xml(lint: Lint) -> None:
    out = _lint(lint, "junit")
    root = ET.fromstring(out.encode("utf-8"))
    (case,) = root.iter("testcase")
    assert case.get("name") == f"pkg/{SHOWN}:3:9 MS202"
    assert case.get("classname") == f"pkg/{SHOWN}"


def test_a_file_that_cannot_be_checked_is_named_the_same_way(lint: Lint) -> None:
    """MS000 and the "Not checked" line name the file too."""
    run = lint({"pkg/__init__.py": "", f"pkg/{NAME}": "def f(:\n"}, "-f", "text")
    assert f"Not checked (1): pkg/{SHOWN}" in run.stdout


@pytest.mark.slow
@pytest.mark.parametrize("output_format", FORMATS)
def test_every_format_prints_through_a_strict_utf8_stdout(
    tmp_path: Path, output_format: str
) -> None:
    """The installed command in its own process, its stdout strict UTF-8: no traceback, the
    findings' status, output that decodes."""
    root = write_project(tmp_path / "project", PROJECT)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C.UTF-8"}
    completed = subprocess.run(
        [sys.executable, "-m", "metstandards", "lint", "--no-cache", "-f", output_format, "."],
        cwd=root,
        env=env,
        capture_output=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr.decode(errors="replace")
    assert completed.stderr == b""
    out = completed.stdout.decode("utf-8")
    # SARIF's URI is percent-encoded (its texts escape the byte); JSON writes `\` as `\\`.
    shown = SHOWN
    if output_format == "sarif":
        shown = "caf%E9.py"
    elif out.startswith(("{", "[")):
        shown = json.dumps(SHOWN)[1:-1]
    assert shown in out


def test_check_writes_every_report_for_such_a_name(tmp_path: Path) -> None:
    """``check --report sarif=... --report junit=...``: both written, both valid."""
    root = write_project(tmp_path / "project", PROJECT)
    sarif, junit, markdown = tmp_path / "c.sarif", tmp_path / "c.xml", tmp_path / "c.md"
    result = CliRunner().invoke(
        main,
        [
            "check", "--no-progress", "--no-cache", str(root), "--only", "lint",
            "--only", "complexity", "--report", f"sarif={sarif}", "--report", f"junit={junit}",
            "--report", f"markdown={markdown}", "-f", "json",
        ],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["findings"][0]["path"] == f"pkg/{SHOWN}"
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(sarif.read_bytes())["runs"][0]["results"]
    ]
    assert uris == ["pkg/caf%E9.py"]
    suites = {suite.get("name"): suite for suite in ET.parse(junit).getroot()}
    assert suites["lint"].get("failures") == "1"
    assert f"pkg/{SHOWN}:3:9`" in markdown.read_text(encoding="utf-8")

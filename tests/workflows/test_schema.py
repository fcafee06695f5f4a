"""check-jsonschema validates every workflow, rendered caller template and composite action
against the GitHub schemas it ships (SchemaStore's, vendored: nothing is downloaded)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ._files import OFFLINE_ENV, ROOT, action_files, executable, workflow_files

CHECK_JSONSCHEMA = executable("check-jsonschema")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHECK_JSONSCHEMA is None, reason="check-jsonschema is not installed (the test extra has it)"
    ),
]


def validate(schema: str, paths: list[Path]) -> None:
    assert CHECK_JSONSCHEMA is not None
    assert paths, f"nothing to validate against {schema}"
    completed = subprocess.run(
        [CHECK_JSONSCHEMA, "--builtin-schema", schema, *map(str, paths)],
        capture_output=True,
        text=True,
        env=OFFLINE_ENV,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_workflows_match_the_workflow_schema(rendered_callers: list[Path]) -> None:
    validate("vendor.github-workflows", [*workflow_files(), *rendered_callers])


def test_composite_actions_match_the_action_schema() -> None:
    validate("vendor.github-actions", action_files())

"""zizmor, the GitHub Actions security linter, finds nothing in any workflow, caller template or
composite action, at its default persona, offline, and with no configuration file that could turn
audits off."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ._files import OFFLINE_ENV, ROOT, action_files, executable, workflow_files

ZIZMOR = executable("zizmor")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(ZIZMOR is None, reason="zizmor is not installed (the test extra has it)"),
]


def zizmor_findings(path: Path) -> list[str]:
    assert ZIZMOR is not None
    completed = subprocess.run(
        # --strict-collection: a file zizmor cannot read fails instead of being skipped unaudited.
        [ZIZMOR, "--offline", "--no-config", "--strict-collection", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        env=OFFLINE_ENV,
        timeout=120,
        check=False,
    )
    try:
        findings = json.loads(completed.stdout)
    except ValueError:
        pytest.fail(
            f"zizmor did not audit {path} (exit {completed.returncode}):\n{completed.stderr}"
        )
    return [
        f"{finding['ident']} ({finding['determinations']['severity']}): {finding['desc']} at "
        + ", ".join(
            f"line {location['concrete']['location']['start_point']['row'] + 1}"
            for location in finding["locations"]
        )
        for finding in findings
    ]


@pytest.mark.parametrize(
    "path", [*workflow_files(), *action_files()], ids=lambda p: str(p.relative_to(ROOT))
)
def test_workflow_or_action_has_no_zizmor_findings(path: Path) -> None:
    assert zizmor_findings(path) == []


def test_rendered_caller_templates_have_no_zizmor_findings(rendered_callers: list[Path]) -> None:
    findings = {path.name: zizmor_findings(path) for path in rendered_callers}
    assert findings == {path.name: [] for path in rendered_callers}

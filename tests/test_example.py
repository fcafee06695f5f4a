"""The bundled example project: `metstandards lint examples/nowcast-unet` (the README's first
command) reports exactly the violations its sources mark with `# violation: CODE`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).parent.parent / "examples" / "nowcast-unet"
_MARK = re.compile(r"#\s*violation:\s*(MS\d{3})")


def _marked() -> set[tuple[str, int, str]]:
    marked = set()
    for path in sorted(EXAMPLE.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for code in _MARK.findall(line):
                marked.add((path.relative_to(EXAMPLE).as_posix(), number, code))
    return marked


def test_example_findings_are_exactly_the_marked_violations() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "metstandards", "lint", "--no-cache", "-f", "json", str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    report = json.loads(completed.stdout)
    found = {(f["path"], f["line"], f["code"]) for f in report["findings"]}
    assert found == _marked()
    codes = {code for _, _, code in found}
    assert {"MS101", "MS102", "MS103", "MS201", "MS202", "MS203"} <= codes
    assert {"MS301", "MS401", "MS402"} <= codes

"""The baseline: recorded findings are hidden, new ones are not, stale entries are listed, and a
broken file is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metstandards.check.baseline import BaselineError, apply, load, record
from metstandards.findings import Finding, Severity


def _finding(path: str, line: int, code: str = "ruff:F401") -> Finding:
    return Finding(path, line, 1, line, 2, code, "unused-import", Severity.ERROR, "unused import")


def _write(root: Path, text: str) -> None:
    (root / "pkg").mkdir(exist_ok=True)
    (root / "pkg" / "mod.py").write_text(text, encoding="utf-8")


def _baseline(root: Path, findings: list[Finding]) -> Path:
    path = root / ".metstandards-baseline.json"
    path.write_text(json.dumps(record(root, findings, {"pkg/mod.py": {"function f": 3}})))
    return path


def test_recorded_findings_stay_hidden_when_their_lines_move(tmp_path: Path) -> None:
    _write(tmp_path, "import os\nimport sys\n")
    path = _baseline(tmp_path, [_finding("pkg/mod.py", 1), _finding("pkg/mod.py", 2)])
    _write(tmp_path, "# a new first line\nimport os\nimport sys\n")

    kept, use = apply(
        load(path), tmp_path, [_finding("pkg/mod.py", 2), _finding("pkg/mod.py", 3)], "b.json"
    )

    assert kept == []
    assert use.suppressed == 2
    assert use.stale == ()


def test_a_new_finding_is_reported_and_a_fixed_one_is_stale(tmp_path: Path) -> None:
    _write(tmp_path, "import os\nimport sys\n")
    path = _baseline(tmp_path, [_finding("pkg/mod.py", 1)])
    _write(tmp_path, "import sys\nimport json\n")  # `import os` fixed, `import json` new

    new = _finding("pkg/mod.py", 2)
    kept, use = apply(load(path), tmp_path, [new], "b.json")

    assert kept == [new]
    assert use.suppressed == 0
    assert use.stale == ("pkg/mod.py: ruff:F401",)


def test_identical_findings_are_counted_not_merged(tmp_path: Path) -> None:
    _write(tmp_path, "x = 1\nx = 1\nx = 1\n")
    path = _baseline(tmp_path, [_finding("pkg/mod.py", 1, "MS401")])

    kept, use = apply(
        load(path), tmp_path, [_finding("pkg/mod.py", n, "MS401") for n in (1, 2, 3)], "b.json"
    )

    assert len(kept) == 2  # one was recorded, two are new copies of the same line
    assert use.suppressed == 1


def test_unreadable_files_and_gates_are_never_recorded(tmp_path: Path) -> None:
    _write(tmp_path, "x = 1\n")
    findings = [_finding("pkg/mod.py", 1, code) for code in ("MS000", "MS501", "MS502")]
    document = record(tmp_path, findings, {})

    assert document["findings"] == []
    kept, _ = apply(load(_baseline(tmp_path, findings)), tmp_path, findings, "b.json")
    assert kept == findings


def test_the_record_keeps_complexity_per_block(tmp_path: Path) -> None:
    _write(tmp_path, "x = 1\n")
    assert load(_baseline(tmp_path, [])).complexity == {"pkg/mod.py": {"function f": 3}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "the baseline is not valid JSON"),
        ('{"version": 99}', "not a metstandards baseline of version 1"),
        ('{"version": 1, "findings": [{"code": "X"}], "complexity": {}}', "entry is malformed"),
    ],
)
def test_a_broken_baseline_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(content)
    with pytest.raises(BaselineError, match=message) as raised:
        load(path)
    assert str(raised.value).startswith(str(path))

"""``LintSession``: a project held in memory, its buffers checked one after another as the files
they stand for, the project rules deciding over the facts in memory."""

from __future__ import annotations

import json

import pytest

from metstandards.config import load_config
from metstandards.engine.buffer import lint_buffer
from metstandards.engine.session import BufferResult, LintSession

from ._project import Project

UNSAFE = b"import pickle\n\nmodel = pickle.load(handle)\n"
DRAW = b"import numpy as np\n\nnoise = np.random.rand(3)\n"
SEED = "import numpy\nnumpy.random.seed(0)\n"


def _session(project: Project) -> LintSession:
    return LintSession(load_config(project.root, project.registry), project.registry, workers=1)


def _found(result: BufferResult | None) -> list[tuple[str, int, str]]:
    assert result is not None
    return [(f.path, f.line, f.code) for f in result.findings]


def test_a_buffer_is_checked_as_its_file_with_the_same_findings_as_lint_buffer(
    project: Project,
) -> None:
    project.write({"pkg/model.py": "x = 1\n", "tests/test_io.py": "", "pkg/seed.py": SEED})
    session = _session(project)
    for relpath, data in [("pkg/model.py", UNSAFE), ("pkg/new.py", DRAW), ("tests/t.py", UNSAFE)]:
        expected = lint_buffer(project.root / relpath, data, registry=project.registry)
        assert session.lint(project.root / relpath, data).findings == expected.findings
    assert _found(session.lint(project.root / "pkg/model.py", UNSAFE)) == [
        ("pkg/model.py", 3, "MS202")
    ]
    assert (project.root / "pkg/model.py").read_text() == "x = 1\n"


def test_the_project_rules_answer_from_memory_until_invalidated(project: Project) -> None:
    project.write({"pkg/seed.py": SEED})
    session = _session(project)
    draw = project.root / "pkg/draw.py"
    assert _found(session.lint(draw, DRAW)) == []
    (project.root / "pkg/seed.py").unlink()  # not told: the facts in memory still count
    assert _found(session.lint(draw, DRAW)) == []
    session.invalidate()
    assert _found(session.lint(draw, DRAW)) == [("pkg/draw.py", 3, "MS102")]


def test_an_open_buffer_counts_for_the_others_until_closed(project: Project) -> None:
    project.write({"pkg/seed.py": SEED})
    session = _session(project)
    draw, seed = project.root / "pkg/draw.py", project.root / "pkg/seed.py"
    assert _found(session.lint(draw, DRAW)) == []
    session.lint(seed, b"x = 1\n")  # the seed removed in the editor, not saved
    assert _found(session.findings(draw)) == [("pkg/draw.py", 3, "MS102")]  # no parse
    session.close(seed)  # dropped: the file on disk counts again
    assert _found(session.findings(draw)) == []
    assert session.open_paths() == [draw]
    assert session.findings(seed) is None


def test_an_excluded_path_is_not_checked(project: Project) -> None:
    project.configure('[tool.metstandards]\nextend-exclude = ["generated/"]\n')
    result = _session(project).lint(project.root / "generated/io.py", UNSAFE)
    assert result == BufferResult("generated/io.py", [], excluded=True)


def test_a_path_outside_the_root_is_refused(project: Project) -> None:
    with pytest.raises(ValueError, match="outside the project root"):
        _session(project).lint(project.root.parent / "elsewhere.py", UNSAFE)


def test_refresh_stores_the_cache_and_a_buffer_is_never_stored(project: Project) -> None:
    project.write({"pkg/model.py": UNSAFE.decode()})
    session = _session(project)
    session.lint(project.root / "pkg/model.py", b"x = 1\n")
    stored = json.loads((project.root / ".metstandards_cache" / "lint.json").read_text())
    assert set(stored["files"]) == {"pkg/model.py"}
    findings = stored["files"]["pkg/model.py"]["result"]["findings"]
    assert [f["code"] for f in findings] == ["MS202"]  # the file on disk, not the buffer
    # A buffer equal to the saved file is answered from the cache: same findings.
    assert _found(session.lint(project.root / "pkg/model.py", UNSAFE)) == [
        ("pkg/model.py", 3, "MS202")
    ]


def test_without_project_rules_no_other_file_is_read(project: Project) -> None:
    project.configure('[tool.metstandards]\nselect = ["MS202"]\n')
    project.write({"pkg/broken.py": "def f(:\n"})
    session = _session(project)
    assert _found(session.lint(project.root / "pkg/model.py", UNSAFE)) == [
        ("pkg/model.py", 3, "MS202")
    ]
    assert not (project.root / ".metstandards_cache" / "lint.json").exists()

"""Files answered by their stamp: an unchanged file is not read again, an edit is always seen
(also one that keeps the size and the modification time), and a file changed just before a run
gets no stamp (git's "racy" files)."""

from __future__ import annotations

import json
import os

import pytest

from metstandards.engine import cache, runner
from metstandards.engine.discovery import SourceFile

from ._project import Project, found

UNSAFE = "import pickle\nmodel = pickle.load(f)\n"
SAFE_SAME_SIZE = "import pickle\nmodel = pickle.ldao(f)\n"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the runner reads, in order (the real reader, watched)."""
    seen: list[str] = []
    real = runner._read

    def watched(source: SourceFile, limit_bytes: int) -> bytes | str:
        seen.append(source.relpath)
        return real(source, limit_bytes)

    monkeypatch.setattr(runner, "_read", watched)
    return seen


@pytest.fixture
def no_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test a moment ago count as settled (the window is 3 s otherwise)."""
    monkeypatch.setattr(cache, "RACY_SECONDS", 0)


def _entries(project: Project) -> dict[str, dict[str, object]]:
    stored = json.loads((project.root / ".metstandards_cache" / "lint.json").read_text())
    files: dict[str, dict[str, object]] = stored["files"]
    return files


@pytest.mark.usefixtures("no_racy_window")
def test_an_unchanged_file_is_answered_by_its_stamp_without_being_read(
    project: Project, reads: list[str]
) -> None:
    project.write({"pkg/model.py": UNSAFE, "pkg/other.py": "x = 1\n"})
    cold = project.lint(use_cache=True)
    assert sorted(reads) == ["pkg/model.py", "pkg/other.py"]
    assert all("stamp" in entry for entry in _entries(project).values())
    reads.clear()
    warm = project.lint(use_cache=True)
    assert reads == []
    assert warm.files_from_cache == 2
    assert warm.findings == cold.findings


@pytest.mark.usefixtures("no_racy_window")
def test_an_edit_that_keeps_size_and_modification_time_is_seen(
    project: Project, reads: list[str]
) -> None:
    project.write({"pkg/model.py": UNSAFE})
    path = project.root / "pkg/model.py"
    assert found(project.lint(use_cache=True)) == [("pkg/model.py", 2, "MS202")]
    before = path.stat()
    path.write_text(SAFE_SAME_SIZE, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # what `touch -d` can do
    assert path.stat().st_size == before.st_size
    reads.clear()
    assert found(project.lint(use_cache=True)) == []  # the status-change time moved
    assert reads == ["pkg/model.py"]


def test_a_file_changed_just_before_the_run_gets_no_stamp(project: Project) -> None:
    project.write({"pkg/model.py": UNSAFE})
    project.lint(use_cache=True)
    (entry,) = _entries(project).values()
    assert "hash" in entry
    assert "stamp" not in entry  # read and hashed again next time


@pytest.mark.usefixtures("no_racy_window")
def test_a_touched_file_with_the_same_bytes_is_stamped_anew(
    project: Project, reads: list[str]
) -> None:
    project.write({"pkg/model.py": UNSAFE})
    path = project.root / "pkg/model.py"
    project.lint(use_cache=True)
    first = _entries(project)["pkg/model.py"]["stamp"]
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 5_000_000_000))
    reads.clear()
    again = project.lint(use_cache=True)
    assert (reads, again.files_from_cache) == (["pkg/model.py"], 1)  # by its hash
    second = _entries(project)["pkg/model.py"]["stamp"]
    assert second != first
    reads.clear()
    project.lint(use_cache=True)
    assert reads == []


def test_settled_compares_both_times_with_the_window() -> None:
    now = 100 * 1_000_000_000
    old = now - (cache.RACY_SECONDS + 1) * 1_000_000_000
    assert cache.settled((1, 2, 3, old, old), now)
    assert not cache.settled((1, 2, 3, old, now - 1), now)  # changed status a moment ago
    assert not cache.settled((1, 2, 3, now, old), now)


def test_no_cache_reads_every_file(project: Project, reads: list[str]) -> None:
    project.write({"pkg/model.py": UNSAFE})
    project.lint(use_cache=True)
    reads.clear()
    project.lint(use_cache=False)
    assert reads == ["pkg/model.py"]

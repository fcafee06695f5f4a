"""Each document's project and settings: read once, read again when pyproject.toml changes
(by its stamp, or when told), broken settings reported once per version of the file."""

from __future__ import annotations

from pathlib import Path

from conftest import write_project

from metstandards.registry import Registry
from metstandards.server.linting import uri_to_path
from metstandards.server.projects import Projects

UNSAFE = b"import pickle\n\nmodel = pickle.load(handle)\n"


def _codes(projects: Projects, path: Path) -> list[str] | None:
    session = projects.session(path)
    return None if session is None else [f.code for f in session.lint(path, UNSAFE).findings]


def test_settings_are_read_again_when_their_file_changes(
    tmp_path: Path, registry: Registry
) -> None:
    reported: list[str] = []
    projects = Projects(registry, reported.append)
    root = write_project(tmp_path / "project", {})
    path = root / "pkg" / "io.py"
    first = projects.session(path)
    assert first is not None
    assert first is projects.session(path)
    assert _codes(projects, path) == ["MS202"]
    write_project(root, {}, '[tool.metstandards]\nignore = ["MS202"]\n')
    assert _codes(projects, path) == []  # the stamp changed: read again
    write_project(root, {}, "[tool.metstandards]\nselekt = 1\n")
    assert projects.session(path) is None
    assert projects.session(path) is None
    assert len(reported) == 1  # once per version of the file
    assert "selekt" in reported[0]
    write_project(root, {})
    assert _codes(projects, path) == ["MS202"]
    projects.forget(root)
    assert projects.session(path) is not first


def test_a_file_in_no_project_is_reported_once(tmp_path: Path, registry: Registry) -> None:
    reported: list[str] = []
    projects = Projects(registry, reported.append)
    assert projects.session(tmp_path / "loose" / "a.py") is None
    assert projects.session(tmp_path / "loose" / "b.py") is None
    assert len(reported) == 1
    assert "in no Python project" in reported[0]


def test_a_change_on_disk_invalidates_the_projects_that_hold_it(
    tmp_path: Path, registry: Registry
) -> None:
    projects = Projects(registry, print)
    root = write_project(
        tmp_path / "project", {"pkg/seed.py": "import numpy\nnumpy.random.seed(0)\n"}
    )
    draw = root / "pkg" / "draw.py"
    session = projects.session(draw)
    assert session is not None
    data = b"import numpy as np\nnoise = np.random.rand(3)\n"
    assert session.lint(draw, data).findings == []
    (root / "pkg" / "seed.py").unlink()
    assert projects.changed(tmp_path / "elsewhere.py") == []
    assert projects.changed(root / "pkg" / "seed.py") == [session]
    assert [f.code for f in session.lint(draw, data).findings] == ["MS102"]


def test_file_uris_become_paths() -> None:
    assert uri_to_path("file:///home/me/my%20project/a.py") == Path("/home/me/my project/a.py")
    assert uri_to_path("file:///tmp/caf%E9.py") == Path("/tmp/caf\udce9.py")  # latin-1 name
    assert uri_to_path("untitled:Untitled-1") is None

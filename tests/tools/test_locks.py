"""Lock files as pins: which files are read, and which of their packages come from an index."""

from __future__ import annotations

from pathlib import Path

from metstandards.tools import locks
from metstandards.tools.declared import LOCAL, NO_VERSION, SELF, URL, VCS, Pin


def _write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_every_lock_file_is_found_in_a_fixed_order(tmp_path: Path) -> None:
    names = ["pylock.docs.toml", "poetry.lock", "pylock.toml", "uv.lock", "pylock.a.b.toml"]
    root = _write(tmp_path, {name: "" for name in [*names, "pylock.toml.orig", "Pipfile.lock"]})
    assert locks.find(root) == ["uv.lock", "poetry.lock", "pylock.toml", "pylock.docs.toml"]


def test_uv_sources_that_are_no_index_are_set_aside(tmp_path: Path) -> None:
    lock = (
        'version = 1\n\n[[package]]\nname = "Demo_Pkg"\nsource = { virtual = "." }\n\n'
        '[[package]]\nname = "fields"\nversion = "1.0"\nsource = { path = "wheels/fields.whl" }\n\n'
        '[[package]]\nname = "grib"\nversion = "2.0"\n'
        'source = { url = "https://example.org/grib-2.0.tar.gz" }\n\n'
        '[[package]]\nname = "mars"\nversion = "1.1"\n'
        'source = { git = "https://git.example.org/mars" }\n\n'
        '[[package]]\nname = "private"\nversion = "3.2.1"\n'
        'source = { registry = "https://pypi.example.org/simple" }\n'
    )
    locked = locks.read(_write(tmp_path, {"uv.lock": lock}), "uv.lock", "demo-pkg")
    assert locked.pins == (Pin("private", "3.2.1"),)
    assert locked.skipped == (
        ("Demo_Pkg", SELF),
        ("fields", LOCAL),
        ("grib", URL),
        ("mars", VCS),
    )


def test_poetry_sources_that_are_no_index_are_set_aside(tmp_path: Path) -> None:
    def package(name: str, source: str = "") -> str:
        table = f'\n[package.source]\ntype = "{source}"\nurl = "x"\n' if source else ""
        return f'[[package]]\nname = "{name}"\nversion = "1.0"\nfiles = []\n{table}\n'

    lock = "".join(
        package(name, source)
        for name, source in [
            ("a", ""),
            ("b", "legacy"),
            ("c", "git"),
            ("d", "url"),
            ("e", "file"),
            ("f", "directory"),
        ]
    )
    locked = locks.read(_write(tmp_path, {"poetry.lock": lock}), "poetry.lock", "")
    assert locked.pins == (Pin("a", "1.0"), Pin("b", "1.0"))
    assert locked.skipped == (("c", VCS), ("d", URL), ("e", LOCAL), ("f", LOCAL))


def test_pylock_archives_and_packages_without_a_version_are_set_aside(tmp_path: Path) -> None:
    lock = (
        'lock-version = "1.0"\ncreated-by = "pdm"\n\n'
        '[[packages]]\nname = "remote"\n'
        'archive = { url = "https://example.org/remote-1.0.zip" }\n\n'
        '[[packages]]\nname = "local"\narchive = { path = "dist/local-1.0.zip" }\n\n'
        '[[packages]]\nname = "odd"\nversion = "not a version"\n\n'
        '[[packages]]\nname = "unversioned"\nindex = "https://pypi.org/simple"\n\n'
        '[[packages]]\nname = "eccodes"\nversion = "2.38.0"\nindex = "https://pypi.org/simple"\n'
    )
    locked = locks.read(_write(tmp_path, {"pylock.toml": lock}), "pylock.toml", "")
    assert locked.pins == (Pin("eccodes", "2.38.0"),)
    assert locked.skipped == (
        ("remote", URL),
        ("local", LOCAL),
        ("odd", NO_VERSION),
        ("unversioned", NO_VERSION),
    )

"""The wheel a user installs: the license it declares, and the standard's data folders, which
ship inside it from their one source at the top of the repository."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(CHECKOUT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (path,) = out.glob("metstandards-*.whl")
    return zipfile.ZipFile(path)


@pytest.mark.slow
def test_the_wheel_carries_the_license_it_declares(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    fields = Parser().parsestr(wheel.read(metadata).decode())
    assert fields["License-Expression"] == "Apache-2.0"
    assert fields.get_all("License-File") == ["LICENSE"]
    (license_file,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    text = wheel.read(license_file).decode()
    assert text == (CHECKOUT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text
    assert "Version 2.0, January 2004" in text


@pytest.mark.slow
def test_the_wheel_ships_every_file_of_the_data_folders(wheel: zipfile.ZipFile) -> None:
    shipped = {n for n in wheel.namelist() if n.startswith("metstandards/_data/")}
    for folder in ("rules", "hooks", "reusable-workflows"):
        expected = {
            f"metstandards/_data/{folder}/{p.relative_to(CHECKOUT / folder).as_posix()}"
            for p in (CHECKOUT / folder).rglob("*")
            if p.is_file()
        }
        assert expected
        assert expected <= shipped, folder


@pytest.mark.slow
def test_the_version_is_written_once(wheel: zipfile.ZipFile) -> None:
    from metstandards import __version__
    from metstandards._toml import tomllib

    project = tomllib.loads((CHECKOUT / "pyproject.toml").read_text())["project"]
    assert "version" not in project
    assert "version" in project["dynamic"]
    (metadata,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    assert Parser().parsestr(wheel.read(metadata).decode())["Version"] == __version__

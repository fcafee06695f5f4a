"""Make a few git repositories to try ``metstandards audit`` on, from the bundled example.

Usage::

    python examples/audit_demo.py DEST      # then: metstandards audit DEST/*

Three repositories, as an organisation would hold them:

- ``nowcast-unet``: the example project as it is (tagged ``v0.3.0``), with its deliberate
  violations, no CI and no pre-commit configuration;
- ``nowcast-unet-adopted``: the same code after a team adopted the standard: ``metstandards
  init`` wrote its hooks, its caller workflows (the release workflow too) and Dependabot's
  configuration, and it gained a licence, a changelog and contribution templates;
- ``station-qc``: a small quality-control package nobody has looked after: no tests, no CI.

Each is a fresh git repository with one commit; running the script again replaces them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE / "nowcast-unet"
#: Any full SHA pins the workflows init writes; the audit only reads them.
PIN = ("--ref", "0123456789abcdef0123456789abcdef01234567", "--version", "v0.1.0")
_GIT = {
    "GIT_AUTHOR_NAME": "audit demo",
    "GIT_AUTHOR_EMAIL": "demo@metstandards.invalid",
    "GIT_COMMITTER_NAME": "audit demo",
    "GIT_COMMITTER_EMAIL": "demo@metstandards.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}
ADOPTED = {
    "LICENSE": "Apache License\nVersion 2.0, January 2004\n",
    "CHANGELOG.md": "# Changelog\n\n## 0.3.0\n\n- First release of the nowcasting U-Net.\n",
    ".github/ISSUE_TEMPLATE/bug_report.md": "---\nname: Bug report\n---\nWhat happened?\n",
    ".github/ISSUE_TEMPLATE/feature_request.md": "---\nname: Feature request\n---\nWhat for?\n",
    ".github/pull_request_template.md": "What changes, and how was it tested?\n",
}
STATION_QC = {
    "pyproject.toml": '[project]\nname = "station-qc"\nversion = "1.0.0"\n',
    "README.md": "# station-qc\n\nQuality control of surface station observations.\n",
    "station_qc/__init__.py": "",
    "station_qc/checks.py": (
        "import pickle\n\n\ndef load_thresholds(path):\n"
        "    with open(path, 'rb') as handle:\n        return pickle.load(handle)\n\n\n"
        "def flag(value, low, high):\n    return value < low or value > high\n"
    ),
}


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        env={**os.environ, **_GIT},
        check=True,
        capture_output=True,
    )


def commit(root: Path, tag: str | None = None) -> Path:
    git("init", "-q", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "as it is today", cwd=root)
    if tag:
        git("tag", tag, cwd=root)
    return root


def write(root: Path, files: dict[str, str]) -> None:
    for relpath, text in files.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text, encoding="utf-8")


def main(dest: Path) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    made = []
    for name in ("nowcast-unet", "nowcast-unet-adopted", "station-qc"):
        shutil.rmtree(dest / name, ignore_errors=True)
    as_is = dest / "nowcast-unet"
    shutil.copytree(EXAMPLE, as_is)
    made.append(commit(as_is, "v0.3.0"))
    adopted = dest / "nowcast-unet-adopted"
    shutil.copytree(EXAMPLE, adopted)
    git("init", "-q", cwd=adopted)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "metstandards",
            "init",
            str(adopted),
            *PIN,
            "--workflows",
            "metstandards,python-ci,release",
        ],
        check=True,
        capture_output=True,
    )
    write(adopted, ADOPTED)
    made.append(commit(adopted, "v0.3.0"))
    station = dest / "station-qc"
    write(station, STATION_QC)
    made.append(commit(station))
    return made


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1].strip())
    for path in main(Path(sys.argv[1])):
        print(path)

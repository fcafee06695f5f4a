"""Adopting the standard in existing repositories, measured: ``init``, the commit hooks,
``baseline`` and ``check`` on real weather-ML packages.

Usage::

    python benchmarks/adoption.py [--commits N] [PACKAGE_DIR ...]

Each PACKAGE_DIR is an unpacked release of the development corpus; without arguments, the
pysteps, anemoi-datasets and scores releases under ``$METSTANDARDS_CORPUS`` (default
``~/.cache/metstandards-corpus``, filled by the workspace's ``dev-corpus`` tool). Each is made a
git repository with one commit, as a team's repository would be, in a temporary directory.

Per repository it runs, as an adopting team would:

1. ``metstandards init``, with this checkout (committed into a scratch repository) as the hooks'
   repository: its exit status, and whether every hook the repository had is still there, in
   its order, and ``pre-commit validate-config`` accepts the result;
2. ``metstandards baseline`` (pip-audit needs its vulnerability service, which may be
   unreachable: then it is not run and says so);
3. one-file commits through the real pre-commit with the metstandards commit hooks (only those:
   the repository's other hooks come from GitHub): the median wall time of ``git commit`` against
   two floors measured in the same run, ``git commit --no-verify`` and pre-commit with one no-op
   hook; and whether the commit passed;
4. ``metstandards check``: its exit status after the baseline; ruff's findings under the
   repository's own configuration (``ruff check .``), with the profile's additions
   (``--extend-select``), and under ``check`` (no baseline), which must equal the second; and how
   many mypy import errors were folded into one line.

Target: a one-file commit through all shipped commit hooks takes at most 1 s. The exit status is
0 when every repository meets it and every check above holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CHECKOUT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path.home() / ".cache" / "metstandards-corpus"
DEFAULT_PACKAGES = ("pysteps-", "anemoi-datasets-", "scores-")
COMMIT_LIMIT_S = 1.0
_GIT = {
    "GIT_AUTHOR_NAME": "adoption benchmark",
    "GIT_AUTHOR_EMAIL": "bench@metstandards.invalid",
    "GIT_COMMITTER_NAME": "adoption benchmark",
    "GIT_COMMITTER_EMAIL": "bench@metstandards.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}
_NOOP_CONFIG = """\
repos:
  - repo: local
    hooks:
      - id: noop
        name: noop
        entry: "true"
        language: system
        types: [python]
"""


def sh(
    *command: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={**os.environ, **_GIT, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )


def metstandards(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return sh(sys.executable, "-m", "metstandards", *args, cwd=cwd)


def git(*args: str | Path, cwd: Path) -> str:
    done = sh("git", "-c", "init.defaultBranch=main", *args, cwd=cwd)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(map(str, args))}: {done.stdout}")
    return done.stdout


def snapshot_checkout(dest: Path) -> str:
    """This checkout's working tree committed into a new repository; the commit's SHA."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=CHECKOUT)
    for relpath in filter(None, listed.split("\0")):
        source = CHECKOUT / relpath
        if source.is_file():
            (dest / relpath).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / relpath)
    git("init", "-q", cwd=dest)
    git("add", "-A", cwd=dest)
    git("commit", "-q", "-m", "snapshot", cwd=dest)
    return git("rev-parse", "HEAD", cwd=dest).strip()


def as_repository(package: Path, dest: Path) -> Path:
    """The unpacked release as a git repository with one commit."""
    inner = (
        package
        if (package / "pyproject.toml").is_file()
        else next(p for p in package.iterdir() if p.is_dir())
    )
    shutil.copytree(inner, dest)
    git("init", "-q", cwd=dest)
    git("add", "-A", cwd=dest)
    git("commit", "-q", "-m", "as released", cwd=dest)
    return dest


def hook_ids(config: Path) -> list[str]:
    if not config.is_file():
        return []
    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    return [hook["id"] for repo in data.get("repos", []) for hook in repo.get("hooks", [])]


@dataclass
class Adoption:
    name: str
    init_status: int = -1
    hooks_before: int = 0
    hooks_after: int = 0
    hooks_kept: bool = False
    config_valid: bool = False
    baseline_s: float = 0.0
    commit_s: float = 0.0
    commit_floor_s: float = 0.0
    pre_commit_floor_s: float = 0.0
    commits_passed: bool = False
    check_status: int = -1
    check_not_run: str = ""
    ruff_own: int = 0
    ruff_with_profile: int = 0
    ruff_check: int = 0
    ruff_equal: bool = False
    mypy_folded: int = 0

    @property
    def ok(self) -> bool:
        return (
            self.init_status == 0
            and self.hooks_kept
            and self.config_valid
            and self.commits_passed
            and self.commit_s <= COMMIT_LIMIT_S
            and self.check_status in (0, 3)
            and self.ruff_equal
        )


def _init(repo: Path, hooks: Path, sha: str, home: Path, result: Adoption) -> None:
    config = repo / ".pre-commit-config.yaml"
    before = hook_ids(config)
    done = metstandards(
        "init", "--hooks-repo", hooks, "--ref", sha, "--version", "v0.1.0", cwd=repo
    )
    print(done.stdout.rstrip())
    after = hook_ids(config)
    result.init_status = done.returncode
    result.hooks_before, result.hooks_after = len(before), len(after)
    result.hooks_kept = [hook for hook in after if hook in before] == before
    valid = sh(
        sys.executable,
        "-m",
        "pre_commit",
        "validate-config",
        config,
        cwd=repo,
        env={"PRE_COMMIT_HOME": str(home)},
    )
    result.config_valid = valid.returncode == 0


def _local_hooks_config(repo: Path, hooks: Path, dest: Path) -> Path:
    """The adopted config with only the metstandards entry: the others come from GitHub."""
    data = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    ours = [entry for entry in data["repos"] if str(entry.get("repo")) == str(hooks)]
    dest.write_text(yaml.safe_dump({**data, "repos": ours}), encoding="utf-8")
    return dest


def _touch(path: Path, round_: int) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n# adoption benchmark, round {round_}\n")


def _timed_commit(
    repo: Path, home: Path, *extra: str
) -> tuple[float, subprocess.CompletedProcess[str]]:
    git("add", "-A", cwd=repo)
    start = time.perf_counter()
    done = sh(
        "git",
        "commit",
        "-q",
        "-m",
        "one file",
        *extra,
        cwd=repo,
        env={"PRE_COMMIT_HOME": str(home)},
    )
    return time.perf_counter() - start, done


def _commits(
    repo: Path, config: Path, home: Path, target: Path, rounds: int, result: Adoption
) -> None:
    installed = sh(
        sys.executable,
        "-m",
        "pre_commit",
        "install",
        "-c",
        config,
        cwd=repo,
        env={"PRE_COMMIT_HOME": str(home)},
    )
    if installed.returncode != 0:
        raise RuntimeError(installed.stdout)
    _touch(target, 0)
    _timed_commit(repo, home)  # builds the hook environments and the caches, untimed
    times, floors, passed = [], [], True
    for round_ in range(1, rounds + 1):
        _touch(target, round_)
        seconds, done = _timed_commit(repo, home)
        passed = passed and done.returncode == 0
        if done.returncode != 0:
            print(done.stdout.rstrip())
        times.append(seconds)
        _touch(target, rounds + round_)
        floors.append(_timed_commit(repo, home, "--no-verify")[0])
    noop = config.with_name("noop-config.yaml")
    noop.write_text(_NOOP_CONFIG, encoding="utf-8")
    sh(
        sys.executable,
        "-m",
        "pre_commit",
        "install",
        "-c",
        noop,
        cwd=repo,
        env={"PRE_COMMIT_HOME": str(home)},
    )
    noop_times = []
    for round_ in range(1, rounds + 1):
        _touch(target, 2 * rounds + round_)
        noop_times.append(_timed_commit(repo, home)[0])
    result.commit_s = statistics.median(times)
    result.commit_floor_s = statistics.median(floors)
    result.pre_commit_floor_s = statistics.median(noop_times)
    result.commits_passed = passed


def _ruff_codes(repo: Path, *extra: str) -> set[tuple[str, int, int, str]]:
    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run(
        [str(ruff), "check", "--output-format", "json", "--no-fix", *extra, "."],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        (
            os.path.relpath(item["filename"], repo),
            item["location"]["row"],
            item["location"]["column"],
            str(item["code"] or "invalid-syntax"),
        )
        for item in json.loads(done.stdout)
    }


def _profile_extend_select(repo: Path) -> list[str]:
    shown = metstandards("check", "--show-config", cwd=repo).stdout
    found = re.search(r"^extend-select = (\[.*?\])", shown, re.MULTILINE)
    return json.loads(found.group(1)) if found else []


def _check(repo: Path, result: Adoption) -> None:
    done = metstandards("check", "--no-progress", "-f", "json", cwd=repo)
    report: dict[str, Any] = json.loads(done.stdout)
    result.check_status = done.returncode
    result.check_not_run = ", ".join(
        f"{c['check']} ({c['reason'][:80]})" for c in report["checks"] if c["status"] == "not-run"
    )
    mypy = next(c for c in report["checks"] if c["check"] == "mypy")
    folded = re.search(r"their (\d+) import errors are not reported", mypy["reason"])
    result.mypy_folded = int(folded.group(1)) if folded else 0
    own = _ruff_codes(repo)
    with_profile = _ruff_codes(repo, "--extend-select", ",".join(_profile_extend_select(repo)))
    ruff = json.loads(
        metstandards("check", "--only", "ruff", "--no-baseline", "-f", "json", cwd=repo).stdout
    )
    checked = {
        (f["path"], f["line"], f["column"], f["code"].removeprefix("ruff:"))
        for f in ruff["findings"]
    }
    result.ruff_own, result.ruff_with_profile, result.ruff_check = (
        len(own),
        len(with_profile),
        len(checked),
    )
    result.ruff_equal = checked == with_profile
    if not result.ruff_equal:
        print(
            f"  ruff differs: only in check {sorted(checked - with_profile)[:5]}, "
            f"only in ruff {sorted(with_profile - checked)[:5]}"
        )


def _median_module(repo: Path) -> Path:
    """A mid-sized module of the package code, the kind of file a commit touches."""
    files = [
        repo / p
        for p in git("ls-files", "*.py", cwd=repo).split()
        if not p.startswith(("tests/", "test/", "docs/", "examples/")) and "/tests/" not in p
    ]
    files.sort(key=lambda p: p.stat().st_size)
    return files[len(files) // 2]


def adopt(package: Path, work: Path, hooks: Path, sha: str, rounds: int) -> Adoption:
    result = Adoption(package.name)
    repo = as_repository(package, work / package.name)
    home = work / "pre-commit-home"
    print(f"\n== {package.name}")
    _init(repo, hooks, sha, home, result)
    start = time.perf_counter()
    recorded = metstandards("baseline", "--no-progress", cwd=repo)
    result.baseline_s = time.perf_counter() - start
    print(recorded.stdout.rstrip())
    git("add", "-A", cwd=repo)
    git("commit", "-q", "--no-verify", "-m", "adopt the WG3 standard", cwd=repo)
    config = _local_hooks_config(repo, hooks, work / f"{package.name}-hooks.yaml")
    _commits(repo, config, home, _median_module(repo), rounds, result)
    _check(repo, result)
    return result


def _packages(given: Sequence[str]) -> list[Path]:
    if given:
        return [Path(p) for p in given]
    corpus = Path(os.environ.get("METSTANDARDS_CORPUS", DEFAULT_CORPUS))
    found = [
        p for p in sorted(corpus.glob("*")) if p.is_dir() and p.name.startswith(DEFAULT_PACKAGES)
    ]
    if len(found) != len(DEFAULT_PACKAGES):
        sys.exit(
            f"expected {', '.join(DEFAULT_PACKAGES)} releases in {corpus}; run the dev-corpus tool"
        )
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "packages", nargs="*", help="unpacked releases (default: the corpus's three)"
    )
    parser.add_argument(
        "--commits", type=int, default=5, help="timed one-file commits per repository"
    )
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="metstandards-adoption-") as scratch:
        work = Path(scratch)
        sha = snapshot_checkout(work / "metstandards")
        for package in _packages(args.packages):
            results.append(adopt(package, work, work / "metstandards", sha, args.commits))
    print(
        "\n| repository | init | hooks kept | valid | one-file commit | git floor "
        "| pre-commit floor | commit / limit | commits pass | check | ruff own "
        "| ruff own + profile | ruff in check | equal | mypy import errors folded |"
    )
    print("|---" * 15 + "|")
    for r in results:
        print(
            f"| {r.name} | {r.init_status} | {r.hooks_before} -> {r.hooks_after} "
            f"({'all kept' if r.hooks_kept else 'LOST'}) | {r.config_valid} | {r.commit_s:.2f} s "
            f"| {r.commit_floor_s:.2f} s | {r.pre_commit_floor_s:.2f} s | "
            f"{r.commit_s / COMMIT_LIMIT_S:.2f} | {r.commits_passed} | {r.check_status} | "
            f"{r.ruff_own} | {r.ruff_with_profile} | {r.ruff_check} | {r.ruff_equal} | "
            f"{r.mypy_folded} |"
        )
    for r in results:
        if r.check_not_run:
            print(f"{r.name}: check did not run: {r.check_not_run}")
    failed = [r.name for r in results if not r.ok]
    print("All targets met." if not failed else f"Missed in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""How fast is ``metstandards audit``, against running ``check`` per repository and against
repo-review, on the same repositories in one run?

Usage::

    python benchmarks/audit_speed.py [--copies N] [--sizes 25,50,100] [--repos-dir DIR]

The repositories are the development corpus made git repositories, ``--copies`` of each of its
ten packages (default 10: 100 repositories), by the workspace's ``corpus-repos`` tool (found on
PATH or through ``$METSTANDARDS_CORPUS_REPOS_TOOL``), or the git repositories already in
``--repos-dir``. On 2 cores it measures, each cold (empty caches):

1. ``metstandards audit`` on the first 25, 50 and 100 repositories: repositories per minute,
   seconds per repository at each size (it must stay flat: the total grows linearly), and the
   peak memory of the largest process;
2. ``metstandards check`` with the same parts (lint, complexity, ruff, bandit and the repository
   checks), one repository after another, on the largest size: the audit must be faster (it
   shares worker processes and the loaded rules), at worst 10 % slower;
3. ``repo-review`` (with sp-repo-review's checks; ``python -m pip install "sp-repo-review[cli]"``)
   on the same repositories in one call: seconds and checks per repository;
4. 4 shards and ``metstandards audit merge`` against one run over the same repositories: the
   merged JSON must equal the single run's, timestamps and timings aside.

It prints the figures and the ratios and exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

AUDIT_PARTS = ("lint", "complexity", "ruff", "bandit", "repository")
OVERHEAD_LIMIT = 1.10
FLATNESS_LIMIT = 1.25
SHARDS = 4


def _tool() -> str:
    tool = os.environ.get("METSTANDARDS_CORPUS_REPOS_TOOL") or shutil.which("corpus-repos")
    if not tool:
        sys.exit(
            "corpus-repos not found: put it on PATH, set METSTANDARDS_CORPUS_REPOS_TOOL, "
            "or pass --repos-dir"
        )
    return tool


def repositories(copies: int, given: Path | None, work: Path) -> list[Path]:
    if given is not None:
        return sorted(p for p in given.iterdir() if (p / ".git").is_dir())
    listed = subprocess.run(
        [_tool(), str(work / "repos"), str(copies)], capture_output=True, text=True, check=True
    )
    return sorted(Path(line) for line in listed.stdout.split())


def timed(
    command: Sequence[str | Path], cwd: Path | None = None
) -> tuple[float, int, subprocess.CompletedProcess[str]]:
    """Wall seconds, the peak RSS (KiB) of the largest child process, and the result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return seconds, peak, done


def audit(
    repos: Sequence[Path], work: Path, label: str, *extra: str
) -> tuple[float, int, dict[str, Any]]:
    listing = work / f"{label}.txt"
    listing.write_text("".join(f"{path}\n" for path in repos))
    cache = work / f"cache-{label}"
    out = work / f"{label}.json"
    seconds, peak, done = timed(
        [
            sys.executable,
            "-m",
            "metstandards",
            "audit",
            "--repos",
            listing,
            "--cache-dir",
            cache,
            "--no-progress",
            "-f",
            "json",
            "-o",
            out,
            *extra,
        ]
    )
    if done.returncode not in (0, 3) or not out.is_file():
        sys.exit(f"metstandards audit failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, peak, json.loads(out.read_text())


def sequential_check(repos: Sequence[Path]) -> float:
    only = [arg for part in AUDIT_PARTS for arg in ("--only", part)]
    total = 0.0
    for repo in repos:
        seconds, _, _ = timed(
            [
                sys.executable,
                "-m",
                "metstandards",
                "check",
                "--no-cache",
                "--no-progress",
                "-f",
                "json",
                *only,
                repo,
            ]
        )
        total += seconds
    return total


def repo_review(repos: Sequence[Path]) -> tuple[float, float] | None:
    program = shutil.which("repo-review", path=os.path.dirname(sys.executable)) or shutil.which(
        "repo-review"
    )
    if program is None:
        return None
    seconds, _, done = timed([program, "--format", "json", *repos])
    try:
        report = json.loads(done.stdout)
    except ValueError:
        print(f"repo-review printed no JSON: {done.stderr[-500:]}")
        return None
    checks = (
        sum(len(entry.get("checks", {})) for entry in report.values())
        if isinstance(report, dict)
        else 0
    )
    return seconds / len(repos), checks / len(repos)


def _comparable(document: dict[str, Any]) -> dict[str, Any]:
    """The document without what differs between two runs of the same audit: when, how long."""
    stripped = {**document, "generated_at": None, "shard": None}
    stripped["repositories"] = [{**r, "seconds": None} for r in document["repositories"]]
    return stripped


def shards_match(repos: Sequence[Path], work: Path, whole: dict[str, Any]) -> bool:
    paths = []
    for index in range(1, SHARDS + 1):
        _, _, shard = audit(repos, work, f"shard-{index}", "--shard", f"{index}/{SHARDS}")
        path = work / f"shard-{index}.json"
        paths.append(path)
        del shard
    merged = work / "merged.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "metstandards",
            "audit",
            "merge",
            *map(str, paths),
            "-f",
            "json",
            "-o",
            str(merged),
        ],
        check=False,
    )
    return _comparable(json.loads(merged.read_text())) == _comparable(whole)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--sizes", default="25,50,100")
    parser.add_argument("--repos-dir", type=Path)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    missed = []
    with tempfile.TemporaryDirectory(prefix="metstandards-audit-bench-") as scratch:
        work = Path(scratch)
        repos = repositories(args.copies, args.repos_dir, work)
        print(f"{len(repos)} repositories, {os.cpu_count()} cores")
        per_repo = {}
        whole: dict[str, Any] = {}
        for size in sizes:
            chosen = repos[:size]
            seconds, peak, whole = audit(chosen, work, f"audit-{size}")
            per_repo[size] = seconds / len(chosen)
            audited = whole["summary"]["audited"]
            print(
                f"audit of {len(chosen)}: {seconds:.1f} s, {60 * len(chosen) / seconds:.1f} "
                f"repositories/min, {per_repo[size]:.2f} s each, {audited} audited, "
                f"peak {peak / 1024:.0f} MiB"
            )
        largest = repos[: sizes[-1]]
        flat = max(per_repo.values()) / min(per_repo.values())
        print(
            f"cost per repository, largest / smallest of {sizes}: {flat:.2f}x "
            f"(limit {FLATNESS_LIMIT}x)"
        )
        if flat > FLATNESS_LIMIT:
            missed.append("flat cost per repository")
        sequential = sequential_check(largest)
        audit_seconds = per_repo[sizes[-1]] * len(largest)
        ratio = audit_seconds / sequential
        print(
            f"check per repository, one after another: {sequential:.1f} s; audit / check = "
            f"{ratio:.2f} (limit {OVERHEAD_LIMIT})"
        )
        if ratio > OVERHEAD_LIMIT:
            missed.append("audit overhead over sequential check")
        reviewed = repo_review(largest)
        if reviewed is None:
            print("repo-review: not installed (python -m pip install 'sp-repo-review[cli]')")
        else:
            print(
                f"repo-review: {reviewed[0]:.2f} s and {reviewed[1]:.0f} checks per repository; "
                f"metstandards audit: {per_repo[sizes[-1]]:.2f} s per repository"
            )
        same = shards_match(largest, work, whole)
        print(f"{SHARDS} shards merged equal one run: {same}")
        if not same:
            missed.append("shards")
    print("All targets met." if not missed else f"Missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

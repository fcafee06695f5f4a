"""How fast is ``metstandards lint``, against the libcst parse floor and against Fixit?

Usage::

    python benchmarks/lint_speed.py [--repeat N] [PACKAGE_DIR ...]

Each PACKAGE_DIR is one project root (one unpacked release of the development corpus). Without
arguments the packages are the subdirectories of ``$METSTANDARDS_CORPUS`` (default
``~/.cache/metstandards-corpus``); when that holds none, the script runs the ``dev-corpus`` tool
(found on PATH or through ``$METSTANDARDS_CORPUS_TOOL``), which downloads and unpacks them.

In one run it measures, per repeat and summed over the packages:

1. the floor: ``libcst.parse_module`` of exactly the files metstandards lints (its own discovery
   picks them), in a fresh process, CPU seconds of the parse loop alone; and the same files split
   over as many processes as there are cores, whose slowest parse loop is the parallel wall floor;
2. ``metstandards lint`` cold: one process per package, run in the package directory with the
   cache directory emptied first and every rule selected; CPU of the process and its workers
   (``RUSAGE_CHILDREN``) and wall time;
3. ``metstandards lint`` warm: the same command again, nothing changed, the cache populated;
4. Fixit with one no-op rule (``benchmarks/fixit_rule``) on the same files, one process per
   package, parallel the way Fixit parallelises.

It prints the medians over the repeats, the three ratios against their targets, and exits 1 when
a target is missed. Subprocesses run with bytecode caching on (in a temporary
``PYTHONPYCACHEPREFIX``) and one untimed warm-up each, so start-up is what an installed tool pays
on a machine where it has run before; the cache directories it creates are removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXIT_RULE_DIR = HERE / "fixit_rule"
FIXIT_RULE = ".noop_call:NoopCall"
DEFAULT_CORPUS = Path.home() / ".cache" / "metstandards-corpus"

COLD_CPU_LIMIT = 2.0
FIXIT_RATIO_LIMIT = 3.0
WARM_SHARE_LIMIT = 0.10

# Runs in a fresh interpreter: parses the files named on stdin and prints CPU and wall seconds of
# the parse loop alone (reading the files and importing libcst are not counted).
_FLOOR_CODE = """
import json, sys, time
import libcst
blobs = []
for name in sys.stdin.read().splitlines():
    with open(name, "rb") as handle:
        blobs.append(handle.read())
failed = 0
cpu, wall = time.process_time(), time.perf_counter()
for data in blobs:
    try:
        libcst.parse_module(data)
    except Exception:
        failed += 1
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
print(json.dumps({"cpu": cpu, "wall": wall, "failed": failed}))
"""


@dataclass
class Package:
    """One project root and the files metstandards lints in it."""

    root: Path
    cache_dir: Path
    files: list[Path]
    lines: int


@dataclass
class Sample:
    """CPU (including child processes) and wall seconds of one measured step."""

    cpu: float = 0.0
    wall: float = 0.0

    def add(self, other: Sample) -> None:
        self.cpu += other.cpu
        self.wall += other.wall


@dataclass
class Repeat:
    floor: Sample = field(default_factory=Sample)
    floor_parallel: Sample = field(default_factory=Sample)
    cold: Sample = field(default_factory=Sample)
    warm: Sample = field(default_factory=Sample)
    fixit: Sample = field(default_factory=Sample)


def _busy_cpu() -> tuple[float, float] | None:
    """(CPU seconds every process on the machine has used, those this script and its children
    used), to tell afterwards how much other processes competed for the cores. Linux only."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(value) for value in stat.readline().split()[1:8]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq = ticks
    machine = (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")
    own = resource.getrusage(resource.RUSAGE_SELF)
    return machine, own.ru_utime + own.ru_stime + _children_cpu()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(command: Sequence[str], cwd: Path, env: dict[str, str], ok: Sequence[int]) -> Sample:
    """Run ``command`` to its end; its CPU includes every process it started and waited for."""
    cpu, wall = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    sample = Sample(_children_cpu() - cpu, time.perf_counter() - wall)
    if done.returncode not in ok:
        stderr = done.stderr.decode(errors="replace")[-2000:]
        shown = " ".join(command[:4])
        raise SystemExit(f"{shown} ... in {cwd} exited {done.returncode}:\n{stderr}")
    return sample


def _corpus(paths: Sequence[str]) -> list[Path]:
    if paths:
        return [Path(p).resolve() for p in paths]
    corpus = Path(os.environ.get("METSTANDARDS_CORPUS", DEFAULT_CORPUS))
    found = sorted(p for p in corpus.glob("*") if p.is_dir()) if corpus.is_dir() else []
    if found:
        return found
    tool = os.environ.get("METSTANDARDS_CORPUS_TOOL") or shutil.which("dev-corpus")
    if tool is None:
        raise SystemExit(
            f"no corpus packages in {corpus}. Download the development corpus with the "
            "`dev-corpus` tool of the metstandards workspace (tools/dev-corpus next to "
            "corpus/dev-corpus.txt; set METSTANDARDS_CORPUS_TOOL to its path), or pass "
            "package directories as arguments."
        )
    listed = subprocess.run([tool], check=True, capture_output=True, text=True).stdout
    return [Path(line) for line in listed.splitlines() if line.strip()]


def _packages(roots: Sequence[Path]) -> list[Package]:
    """Each root with the files metstandards' own discovery picks there (all roles)."""
    from metstandards.config import load_config
    from metstandards.engine.discovery import Discovery
    from metstandards.registry import load_registry

    registry = load_registry()
    packages = []
    for root in roots:
        config = load_config(root, registry)
        if config.root != root:
            raise SystemExit(f"{root} is not a project root (its root is {config.root})")
        sources, _ = Discovery(config).files([root])
        limit = config.max_file_size_kb * 1024
        files = [s.path for s in sources if s.path.stat().st_size <= limit]
        lines = sum(path.read_bytes().count(b"\n") for path in files)
        cache_dir = (root / config.cache_dir).resolve()
        if not cache_dir.is_relative_to(root) or cache_dir == root:
            raise SystemExit(f"{root}: the benchmark empties the cache directory, {cache_dir}")
        packages.append(Package(root, cache_dir, files, lines))
    return packages


def _check_fixit_rules() -> None:
    """Fail early unless the Fixit configuration enables exactly the one no-op rule."""
    from fixit.config import collect_rules, generate_config, parse_rule
    from fixit.ftypes import Options

    options = Options(
        config_file=FIXIT_RULE_DIR / "fixit.toml",
        rules=[parse_rule(FIXIT_RULE, FIXIT_RULE_DIR)],
    )
    rules = collect_rules(generate_config(FIXIT_RULE_DIR / "noop_call.py", options=options))
    names = [type(rule).__name__ for rule in rules]
    if names != ["NoopCall"]:
        raise SystemExit(f"the Fixit configuration enables {names}, not only NoopCall")


def _enabled_rules(env: dict[str, str]) -> list[str]:
    listed = subprocess.run(
        [sys.executable, "-m", "metstandards", "rules", "--format", "json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # The gates (MS501, MS502) belong to `check`; lint runs the rules.
    return [
        f"{rule['code']} {rule['name']}" for rule in json.loads(listed) if rule["scope"] != "gate"
    ]


def _floor(files: Sequence[Path], env: dict[str, str], processes: int) -> Sample:
    """Parse ``files`` split over ``processes`` fresh interpreters started together.

    CPU is the sum of the parse loops, wall the slowest loop: start-up is left out, as the floor
    is what parsing alone costs.
    """
    shares: list[list[Path]] = [[] for _ in range(processes)]
    sizes = [0] * processes
    for path in sorted(files, key=lambda p: -p.stat().st_size):
        smallest = sizes.index(min(sizes))
        shares[smallest].append(path)
        sizes[smallest] += path.stat().st_size
    running = [
        subprocess.Popen(
            [sys.executable, "-c", _FLOOR_CODE],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in shares
    ]
    for process, share in zip(running, shares, strict=True):
        assert process.stdin is not None
        process.stdin.write("\n".join(str(p) for p in share))
        process.stdin.close()
    results = []
    for process in running:
        assert process.stdout is not None
        results.append(json.loads(process.stdout.read()))
        if process.wait() != 0:
            raise SystemExit("the parse-floor process failed")
    return Sample(sum(r["cpu"] for r in results), max(r["wall"] for r in results))


def _lint(package: Package, env: dict[str, str]) -> Sample:
    command = [sys.executable, "-m", "metstandards", "lint", "--select", "MS"]
    return _run(command, package.root, env, ok=(0, 1))


def _stamp(cache_dir: Path) -> list[tuple[str, int, int]] | None:
    """Name, modification time and size of each file in the cache directory."""
    try:
        return sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in cache_dir.iterdir())
    except OSError:
        return None


def _cold_and_warm(package: Package, env: dict[str, str]) -> tuple[Sample, Sample]:
    """A run on an emptied cache, then one with nothing changed.

    A warm run that writes the cache was not warm: the cache key changed in between (a rule
    module edited while the benchmark runs). The pair is measured again then.
    """
    for _ in range(3):
        shutil.rmtree(package.cache_dir, ignore_errors=True)
        cold = _lint(package, env)
        before = _stamp(package.cache_dir)
        warm = _lint(package, env)
        if before is not None and _stamp(package.cache_dir) == before:
            return cold, warm
        print(f"{package.root.name}: the warm run rewrote the cache; again", file=sys.stderr)
    raise SystemExit(f"{package.root.name}: the warm run never found the cache it needs")


def _fixit(package: Package, env: dict[str, str]) -> Sample:
    command = [
        sys.executable,
        "-m",
        "fixit",
        "--config-file",
        "fixit.toml",
        "--rules",
        FIXIT_RULE,
        "lint",
        *map(str, package.files),
    ]
    # Fixit exits non-zero when it reports anything, files it cannot parse included.
    return _run(command, FIXIT_RULE_DIR, env, ok=range(256))


def _measure(packages: Sequence[Package], env: dict[str, str], cores: int) -> Repeat:
    result = Repeat()
    all_files = [path for package in packages for path in package.files]
    result.floor = _floor(all_files, env, 1)
    result.floor_parallel = _floor(all_files, env, cores)
    for package in packages:
        cold, warm = _cold_and_warm(package, env)
        result.cold.add(cold)
        result.warm.add(warm)
        result.fixit.add(_fixit(package, env))
    return result


def _median(repeats: Sequence[Repeat], step: str, part: str) -> float:
    return float(statistics.median(getattr(getattr(r, step), part) for r in repeats))


def _report(
    packages: Sequence[Package],
    repeats: Sequence[Repeat],
    rules: list[str],
    others: tuple[float, float] | None,
) -> bool:
    files = sum(len(p.files) for p in packages)
    lines = sum(p.lines for p in packages)
    cores = os.cpu_count() or 1
    print(
        f"metstandards lint speed: {len(packages)} packages, {files} files, {lines:,} lines; "
        f"{cores} cores; Python {platform.python_version()}; median of {len(repeats)}"
    )
    print(f"rules enabled ({len(rules)}): {', '.join(rules)}")
    if others is not None:
        used, share = others
        print(f"other processes used {used:.0f} CPU s meanwhile, {share:.0%} of the cores' time")
        if share > 0.1:
            print("  wall times are longer than on an otherwise idle machine")
    print()

    def row(label: str, step: str, cpu: bool = True) -> None:
        cpu_text = f"{_median(repeats, step, 'cpu'):8.2f}" if cpu else f"{'':8}"
        print(f"{label:<44}{cpu_text}  {_median(repeats, step, 'wall'):8.2f}")

    print(f"{'step':<44}{'CPU s':>8}  {'wall s':>8}")
    row("libcst.parse_module floor, 1 process", "floor")
    row(f"libcst.parse_module floor, {cores} processes", "floor_parallel")
    row("metstandards lint, cold (empty cache)", "cold")
    row("metstandards lint, warm (nothing changed)", "warm")
    row("fixit lint, one no-op rule", "fixit")

    # Ratios are taken per repeat, then their median: a slow repeat shifts numerator and
    # denominator together.
    cold_cpu = statistics.median(r.cold.cpu / r.floor.cpu for r in repeats)
    fixit_ratio = statistics.median(r.fixit.wall / r.cold.wall for r in repeats)
    warm_share = statistics.median(r.warm.wall / r.cold.wall for r in repeats)
    checks = [
        (
            "cold lint CPU / parse floor CPU",
            f"{cold_cpu:.2f}x",
            f"<= {COLD_CPU_LIMIT}x",
            cold_cpu <= COLD_CPU_LIMIT,
        ),
        (
            "fixit wall / cold lint wall",
            f"{fixit_ratio:.1f}x",
            f">= {FIXIT_RATIO_LIMIT:.0f}x",
            fixit_ratio >= FIXIT_RATIO_LIMIT,
        ),
        (
            "warm lint wall / cold lint wall",
            f"{warm_share:.1%}",
            f"<= {WARM_SHARE_LIMIT:.0%}",
            warm_share <= WARM_SHARE_LIMIT,
        ),
    ]
    print(f"\n{'target':<44}{'measured':>9}  {'limit':>8}  verdict")
    for name, measured, limit, passed in checks:
        print(f"{name:<44}{measured:>9}  {limit:>8}  {'PASS' if passed else 'FAIL'}")
    return all(passed for *_, passed in checks)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("packages", nargs="*", help="project roots [default: the dev corpus]")
    parser.add_argument("--repeat", type=int, default=3, help="repeats; medians are reported")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    packages = _packages(_corpus(args.packages))
    _check_fixit_rules()
    cores = os.cpu_count() or 1
    start = _busy_cpu()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lint-speed-") as pycache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = pycache
        rules = _enabled_rules(env)
        try:
            # Warm-up: bytecode compiled, files in the page cache.
            _lint(packages[0], env)
            _fixit(packages[0], env)
            _floor(packages[0].files, env, 1)
            repeats = []
            for number in range(args.repeat):
                print(f"repeat {number + 1}/{args.repeat}...", file=sys.stderr, flush=True)
                repeats.append(_measure(packages, env, cores))
        finally:
            for package in packages:
                shutil.rmtree(package.cache_dir, ignore_errors=True)
    end = _busy_cpu()
    others = None
    if start is not None and end is not None:
        used = (end[0] - start[0]) - (end[1] - start[1])
        others = max(used, 0.0), max(used, 0.0) / (cores * (time.perf_counter() - started))
    return 0 if _report(packages, repeats, rules, others) else 1


if __name__ == "__main__":
    sys.exit(main())

"""``metstandards gpu-preflight``: can this job use a GPU, before it spends its allocation?

Every check looks from the outside: the driver's own tool, the device files, the environment,
and the framework in a separate interpreter. Neither the user's code nor torch is imported here:
importing torch initialises CUDA in this process, takes seconds, and a broken install would crash
the checker instead of being reported by it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

_QUERY = ("--query-gpu=name,driver_version,memory.total", "--format=csv,noheader")
#: The first entry of CUDA_VISIBLE_DEVICES that CUDA accepts: an index, a GPU or a MIG UUID.
#: CUDA stops reading the list at the first entry it does not accept.
_VISIBLE_ENTRY = re.compile(r"\d+|GPU-[0-9A-Fa-f-]+|MIG-[\w/-]+")
_TORCH_PROBE = """\
import importlib.util, json
if importlib.util.find_spec("torch") is None:
    print(json.dumps({"installed": False}))
else:
    import torch
    print(json.dumps({
        "installed": True,
        "version": torch.__version__,
        "cuda": torch.version.cuda,
        "available": torch.cuda.is_available(),
        "count": torch.cuda.device_count(),
    }))
"""


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    #: Not required here and not present (torch, when ``--framework auto`` finds none).
    SKIP = "skip"


@dataclass(frozen=True)
class Probe:
    """The result of one check."""

    name: str
    status: Status
    message: str


@dataclass(frozen=True)
class Gpu:
    """One GPU as ``nvidia-smi`` lists it."""

    name: str
    driver_version: str
    memory_total: str


@dataclass(frozen=True)
class Host:
    """Where the checks look. Tests point every part at fakes that are real programs and files."""

    #: Where executables are looked up, as in PATH.
    search_path: str
    #: The directory of device files.
    dev: Path
    environ: Mapping[str, str]
    #: The interpreter the framework is checked in: the one the training job will use.
    python: str
    timeout_s: float = 120.0

    @classmethod
    def current(cls) -> Host:
        """This process's machine, environment and interpreter."""
        return cls(os.environ.get("PATH", os.defpath), Path("/dev"), os.environ, sys.executable)


@dataclass(frozen=True)
class Preflight:
    """Every check's result, and the GPUs the driver lists."""

    probes: tuple[Probe, ...]
    gpus: tuple[Gpu, ...]

    @property
    def passed(self) -> bool:
        return all(probe.status is not Status.FAIL for probe in self.probes)


def preflight(host: Host, *, require_torch: bool) -> Preflight:
    """Run every check; torch is checked when installed, and must be when ``require_torch``."""
    smi, gpus = _nvidia_smi(host)
    probes = (smi, _device_files(host), _visible_devices(host), _torch(host, require_torch))
    return Preflight(probes, gpus)


def _run(host: Host, command: list[str]) -> subprocess.CompletedProcess[str] | str:
    """The finished process, or why it could not run; started in the file-system root, so that
    no module of the current directory can shadow one the child imports."""
    try:
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=host.timeout_s,
            env=dict(host.environ),
            cwd=os.path.abspath(os.sep),
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"did not finish within {host.timeout_s:g} s"
    except OSError as error:
        return f"cannot be started: {error.strerror}"


def _first_line(done: subprocess.CompletedProcess[str]) -> str:
    text = f"{done.stdout}\n{done.stderr}"
    return next((line.strip() for line in text.splitlines() if line.strip()), "no output")


def _nvidia_smi(host: Host) -> tuple[Probe, tuple[Gpu, ...]]:
    name = "nvidia-smi"
    program = shutil.which(name, path=host.search_path)
    if program is None:
        why = "not found on PATH: no NVIDIA driver here (a login node, or a CPU-only node?)"
        return Probe(name, Status.FAIL, why), ()
    done = _run(host, [program, *_QUERY])
    if isinstance(done, str):
        return Probe(name, Status.FAIL, f"{program} {done}"), ()
    if done.returncode != 0:
        why = f"exited with status {done.returncode}: {_first_line(done)}"
        return Probe(name, Status.FAIL, why), ()
    gpus = _gpus(done.stdout)
    if isinstance(gpus, str):
        return Probe(name, Status.FAIL, gpus), ()
    listed = ", ".join(f"{gpu.name} ({gpu.memory_total})" for gpu in gpus)
    drivers = ", ".join(sorted({gpu.driver_version for gpu in gpus}))
    count = f"{len(gpus)} GPU" + ("s" if len(gpus) > 1 else "")
    return Probe(name, Status.PASS, f"{count}: {listed}; driver {drivers}"), tuple(gpus)


def _gpus(csv: str) -> tuple[Gpu, ...] | str:
    """The GPUs in the query's CSV lines, or what is wrong with them."""
    gpus = []
    for line in filter(None, map(str.strip, csv.splitlines())):
        fields = [field.strip() for field in line.split(",")]
        if len(fields) != 3:
            return f"unexpected output line: {line!r}"
        gpus.append(Gpu(*fields))
    return tuple(gpus) or "the driver lists no GPU"


def _device_files(host: Host) -> Probe:
    name = "device files"
    gpus = sorted(
        (path.name for path in host.dev.glob("nvidia*") if path.name[6:].isdigit()),
        key=lambda device: int(device[6:]),
    )
    missing = [] if gpus else [f"{host.dev}/nvidia<N>"]
    if not (host.dev / "nvidiactl").exists():
        missing.append(f"{host.dev}/nvidiactl")
    if missing:
        return Probe(
            name,
            Status.FAIL,
            f"no {' and no '.join(missing)}: this process cannot reach a GPU (a container "
            "started without --gpus, or a job that requested none?)",
        )
    return Probe(name, Status.PASS, ", ".join(f"{host.dev}/{device}" for device in gpus))


def _visible_devices(host: Host) -> Probe:
    name = "CUDA_VISIBLE_DEVICES"
    value = host.environ.get(name)
    if value is None:
        return Probe(name, Status.PASS, "not set: every GPU is visible")
    if _VISIBLE_ENTRY.fullmatch(value.split(",")[0].strip()) is None:
        return Probe(
            name,
            Status.FAIL,
            f"{value!r} hides every GPU: CUDA stops at the first entry that is not a device "
            "index or UUID",
        )
    return Probe(name, Status.PASS, f"{value!r}")


def _torch(host: Host, required: bool) -> Probe:
    found = _torch_facts(host)
    if isinstance(found, str):
        return Probe("torch", Status.FAIL, found)
    if not found["installed"]:
        message = f"not installed in {host.python}"
        return Probe("torch", Status.FAIL if required else Status.SKIP, message)
    version, cuda, count = found["version"], found["cuda"], found["count"]
    if cuda is None:
        why = f"torch {version} was built without CUDA (a CPU-only build): install a CUDA build"
        return Probe("torch", Status.FAIL, why)
    if not found["available"] or count < 1:
        why = (
            f"torch {version} (built with CUDA {cuda}) sees no GPU: torch.cuda.is_available() "
            f"is {found['available']} (is the driver too old for CUDA {cuda}?)"
        )
        return Probe("torch", Status.FAIL, why)
    gpus = f"{count} GPU" + ("s" if count > 1 else "")
    return Probe("torch", Status.PASS, f"torch {version}, built with CUDA {cuda}, sees {gpus}")


def _torch_facts(host: Host) -> dict[str, Any] | str:
    """What the probe reports about torch in ``host.python``, or why it reported nothing."""
    done = _run(host, [host.python, "-c", _TORCH_PROBE])
    if isinstance(done, str):
        return f"checking torch in {host.python}: the interpreter {done}"
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return f"importing torch in {host.python} failed: {last[0]}"
    try:
        facts: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return f"unexpected output from {host.python}: {done.stdout!r}"
    return facts


_LABELS = {Status.PASS: "OK", Status.FAIL: "FAIL", Status.SKIP: "SKIP"}


def render_text(result: Preflight) -> str:
    """One line per check, then the verdict."""
    width = max(len(probe.name) for probe in result.probes)
    lines = [
        f"{_LABELS[probe.status]:<5} {probe.name:<{width}}  {probe.message}"
        for probe in result.probes
    ]
    failed = sum(probe.status is Status.FAIL for probe in result.probes)
    checks = "check" if failed == 1 else "checks"
    verdict = f"GPU preflight failed ({failed} {checks})." if failed else "GPU preflight passed."
    return "\n".join([*lines, verdict]) + "\n"


def render_json(result: Preflight) -> str:
    """The checks and GPUs as JSON, for job scripts that decide on them."""
    document = {
        "passed": result.passed,
        "checks": [
            {"name": p.name, "status": p.status.value, "message": p.message} for p in result.probes
        ],
        "gpus": [
            {"name": g.name, "driver_version": g.driver_version, "memory_total": g.memory_total}
            for g in result.gpus
        ],
    }
    return json.dumps(document, indent=2) + "\n"

"""``metstandards gpu-preflight``: can this job use a GPU, before it spends its allocation?

Every check looks from the outside: the driver's own tool (``nvidia-smi`` or ``rocm-smi``), the
device files, the environment, and the frameworks (torch, JAX) in a separate interpreter.
Neither the user's code nor a framework is imported here: importing torch initialises CUDA in
this process, takes seconds, and a broken install would crash the checker instead of being
reported by it.

The checks, in order: the driver lists GPUs; the device files a process needs are there; the
visible-devices variables do not hide every GPU; each framework (required, or found with
``--framework auto``) was built for this vendor's GPUs and sees one; on NVIDIA, the driver
supports the CUDA version each framework was built for; and, when asked, enough GPUs with
enough memory each.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

_QUERY = ("--query-gpu=name,driver_version,memory.total", "--format=csv,noheader")
_ROCM_QUERY = ("--showproductname", "--showmeminfo", "vram", "--showdriverversion", "--json")
#: An entry of CUDA_VISIBLE_DEVICES (or HIP_/ROCR_VISIBLE_DEVICES) that the runtime accepts: an
#: index, a GPU or a MIG UUID. CUDA stops reading the list at the first entry it does not accept.
_VISIBLE_ENTRY = re.compile(r"\d+|GPU-[0-9A-Fa-f-]+|MIG-[\w/-]+")
#: The line of nvidia-smi's table (or of ``nvidia-smi -q``) that names the newest CUDA version
#: the driver supports.
_DRIVER_CUDA = re.compile(r"CUDA Version\s*:\s*(\d+)\.(\d+)")
_MEMORY = re.compile(r"(\d+(?:\.\d+)?)\s*MiB")
#: The oldest Linux driver of each CUDA major version: what to install for a framework built for
#: it (NVIDIA's CUDA Toolkit release notes, table "CUDA Toolkit and Minimum Required Driver").
_MINIMUM_DRIVER = {11: "450.80.02", 12: "525.60.13", 13: "580.65.06"}
_GIB = 1024**3
_MIB = 1024**2

#: Each probe starts with a comment naming it, so that a scripted interpreter in the tests (and a
#: person reading a process list) can tell them apart.
_TORCH_PROBE = """\
# metstandards probe: torch
import importlib.util, json
if importlib.util.find_spec("torch") is None:
    print(json.dumps({"installed": False}))
else:
    import torch
    available = torch.cuda.is_available()
    count = torch.cuda.device_count()
    devices = []
    for index in range(count if available else 0):
        try:
            properties = torch.cuda.get_device_properties(index)
        except Exception:
            devices.append({"name": "GPU %d" % index, "memory": None})
        else:
            devices.append({"name": properties.name, "memory": properties.total_memory})
    print(json.dumps({
        "installed": True,
        "version": torch.__version__,
        "cuda": torch.version.cuda,
        "hip": getattr(torch.version, "hip", None),
        "available": available,
        "count": count,
        "devices": devices,
    }))
"""
_JAX_PROBE = """\
# metstandards probe: jax
import importlib.util, json, re
from importlib import metadata
if importlib.util.find_spec("jax") is None:
    print(json.dumps({"installed": False}))
else:
    cuda = rocm = None
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        found = re.fullmatch(r"jax-(cuda|rocm)(\\d+)-(?:plugin|pjrt)", name)
        if found and found.group(1) == "cuda":
            cuda = found.group(2)
        elif found:
            rocm = found.group(2)
    try:
        built = re.search(r"\\+cuda(\\d+)", metadata.version("jaxlib"))
    except metadata.PackageNotFoundError:
        built = None
    if cuda is None and built:
        cuda = built.group(1)
    import jax
    facts = {"installed": True, "version": jax.__version__, "cuda": cuda, "rocm": rocm}
    try:
        devices = jax.devices("gpu")
    except Exception as error:
        lines = str(error).strip().splitlines()
        facts.update(count=0, error=lines[0] if lines else type(error).__name__)
    else:
        facts.update(count=len(devices), kinds=[device.device_kind for device in devices])
    print(json.dumps(facts))
"""
_PROBES = {"torch": _TORCH_PROBE, "jax": _JAX_PROBE}
#: JAX reserves 75 % of every GPU's memory when its backend starts; the probe needs none.
_PROBE_ENVIRONMENT = {"jax": {"XLA_PYTHON_CLIENT_PREALLOCATE": "false"}}


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    #: Not required here and not present (a framework that ``--framework auto`` does not find),
    #: or nothing to compare (no framework built with CUDA for the driver check).
    SKIP = "skip"


@dataclass(frozen=True)
class Probe:
    """The result of one check."""

    name: str
    status: Status
    message: str


@dataclass(frozen=True)
class Gpu:
    """One GPU as the driver's tool lists it."""

    name: str
    driver_version: str
    memory_total: str

    @property
    def memory_gib(self) -> float | None:
        """The total memory in GiB, or None where the driver did not report a number."""
        found = _MEMORY.fullmatch(self.memory_total.strip())
        return float(found[1]) * _MIB / _GIB if found else None


@dataclass(frozen=True)
class Host:
    """Where the checks look. Tests point every part at fakes that are real programs and files."""

    #: Where executables are looked up, as in PATH.
    search_path: str
    #: The directory of device files.
    dev: Path
    environ: Mapping[str, str]
    #: The interpreter the frameworks are checked in: the one the training job will use.
    python: str
    timeout_s: float = 120.0

    @classmethod
    def current(cls) -> Host:
        """This process's machine, environment and interpreter."""
        return cls(os.environ.get("PATH", os.defpath), Path("/dev"), os.environ, sys.executable)


@dataclass(frozen=True)
class Requirements:
    """What the job needs. The defaults check what is there and require nothing beyond a GPU."""

    #: ``auto``: torch and JAX where installed; ``torch`` or ``jax``: that one, and it must be.
    framework: str = "auto"
    #: ``auto``: NVIDIA where nvidia-smi is on PATH, else AMD where rocm-smi or /dev/kfd is.
    vendor: str = "auto"
    min_gpus: int | None = None
    min_memory_gib: float | None = None


@dataclass(frozen=True)
class Preflight:
    """Every check's result, and the GPUs the driver lists."""

    probes: tuple[Probe, ...]
    gpus: tuple[Gpu, ...]

    @property
    def passed(self) -> bool:
        return all(probe.status is not Status.FAIL for probe in self.probes)


@dataclass(frozen=True)
class _Driver:
    """What the driver's tool reported: its check, the GPUs, and (NVIDIA) its CUDA version."""

    probe: Probe
    gpus: tuple[Gpu, ...] = ()
    cuda: tuple[int, int] | None = None


@dataclass(frozen=True)
class _Framework:
    """One framework's check and the facts its probe reported (empty when it did not run)."""

    probe: Probe
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.probe.name

    @property
    def sees_gpus(self) -> bool:
        return self.probe.status is Status.PASS

    @property
    def count(self) -> int:
        return int(self.facts.get("count") or 0)


def preflight(host: Host, wanted: Requirements | None = None) -> Preflight:
    """Run every check that ``wanted`` calls for."""
    wanted = wanted or Requirements()
    vendor = _vendor(host, wanted.vendor)
    driver = _nvidia_smi(host) if vendor == "nvidia" else _rocm_smi(host)
    frameworks = [
        _framework(host, name, vendor, required=wanted.framework == name)
        for name in (("torch", "jax") if wanted.framework == "auto" else (wanted.framework,))
    ]
    probes = [driver.probe, _device_files(host, vendor), _visible_devices(host, vendor)]
    probes += [framework.probe for framework in frameworks]
    if vendor == "nvidia":
        probes.append(_driver_cuda(driver, frameworks))
    if wanted.min_gpus is not None:
        probes.append(_gpu_count(host, vendor, driver, frameworks, wanted.min_gpus))
    if wanted.min_memory_gib is not None:
        probes.append(_gpu_memory(driver, frameworks, wanted.min_memory_gib))
    return Preflight(tuple(probes), driver.gpus)


def _vendor(host: Host, asked: str) -> str:
    """The vendor asked for, or the one whose tool or device is here (NVIDIA when neither is, so
    that the report says nvidia-smi is missing)."""
    if asked != "auto":
        return asked
    if shutil.which("nvidia-smi", path=host.search_path):
        return "nvidia"
    if shutil.which("rocm-smi", path=host.search_path) or (host.dev / "kfd").exists():
        return "amd"
    return "nvidia"


def _run(
    host: Host, command: Sequence[str], extra_env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str] | str:
    """The finished process, or why it could not run; started in the file-system root, so that
    no module of the current directory can shadow one the child imports."""
    try:
        return subprocess.run(
            list(command),
            capture_output=True,
            text=True,
            timeout=host.timeout_s,
            env={**host.environ, **(extra_env or {})},
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


def _plural(count: int, noun: str = "GPU") -> str:
    return f"{count} {noun}" + ("s" if count != 1 else "")


def _smi_output(host: Host, name: str, args: Sequence[str]) -> str | Probe:
    """The standard output of the driver tool ``name``, or the failed check saying why not."""
    program = shutil.which(name, path=host.search_path)
    if program is None:
        return Probe(name, Status.FAIL, _missing_driver_tool(host, name))
    done = _run(host, [program, *args])
    if isinstance(done, str):
        return Probe(name, Status.FAIL, f"{program} {done}")
    if done.returncode != 0:
        why = f"exited with status {done.returncode}: {_first_line(done)}"
        return Probe(name, Status.FAIL, why)
    return done.stdout


def _missing_driver_tool(host: Host, name: str) -> str:
    other = "rocm-smi" if name == "nvidia-smi" else "nvidia-smi"
    if shutil.which(other, path=host.search_path):
        return f"not found on PATH, but {other} is: pass --vendor {_VENDOR_OF[other]}"
    kind = "NVIDIA" if name == "nvidia-smi" else "AMD ROCm"
    return f"not found on PATH: no {kind} driver here (a login node, or a CPU-only node?)"


_VENDOR_OF = {"nvidia-smi": "nvidia", "rocm-smi": "amd"}


def _listed(gpus: Sequence[Gpu]) -> str:
    listed = ", ".join(f"{gpu.name} ({gpu.memory_total})" for gpu in gpus)
    drivers = ", ".join(sorted({gpu.driver_version for gpu in gpus}))
    return f"{_plural(len(gpus))}: {listed}; driver {drivers}"


def _nvidia_smi(host: Host) -> _Driver:
    name = "nvidia-smi"
    output = _smi_output(host, name, _QUERY)
    if isinstance(output, Probe):
        return _Driver(output)
    gpus = _gpus(output)
    if isinstance(gpus, str):
        return _Driver(Probe(name, Status.FAIL, gpus))
    cuda = _driver_cuda_version(host)
    listed = _listed(gpus) + (f" (supports CUDA {cuda[0]}.{cuda[1]})" if cuda else "")
    return _Driver(Probe(name, Status.PASS, listed), gpus, cuda)


def _gpus(csv: str) -> tuple[Gpu, ...] | str:
    """The GPUs in the query's CSV lines, or what is wrong with them."""
    gpus = []
    for line in filter(None, map(str.strip, csv.splitlines())):
        fields = [field.strip() for field in line.split(",")]
        if len(fields) != 3:
            return f"unexpected output line: {line!r}"
        gpus.append(Gpu(*fields))
    return tuple(gpus) or "the driver lists no GPU"


def _driver_cuda_version(host: Host) -> tuple[int, int] | None:
    """The newest CUDA version the driver supports, from the header of nvidia-smi's table."""
    output = _smi_output(host, "nvidia-smi", ())
    found = _DRIVER_CUDA.search(output) if isinstance(output, str) else None
    return (int(found[1]), int(found[2])) if found else None


def _rocm_smi(host: Host) -> _Driver:
    name = "rocm-smi"
    output = _smi_output(host, name, _ROCM_QUERY)
    if isinstance(output, Probe):
        return _Driver(output)
    gpus = _rocm_gpus(output)
    if isinstance(gpus, str):
        return _Driver(Probe(name, Status.FAIL, gpus))
    return _Driver(Probe(name, Status.PASS, _listed(gpus)), gpus)


def _rocm_gpus(output: str) -> tuple[Gpu, ...] | str:
    """The GPUs in rocm-smi's JSON (``card0``, ``card1``, ... and ``system``), or what is wrong.
    rocm-smi may print warnings before the JSON; they are skipped."""
    start = output.find("{")
    try:
        document = json.loads(output[start:]) if start >= 0 else None
    except ValueError:
        document = None
    if not isinstance(document, dict):
        return f"unexpected output (no JSON): {output.strip()[:120]!r}"
    system = document.get("system") or {}
    cards = sorted(
        (key for key, value in document.items() if key.startswith("card") and _is_card(value)),
        key=lambda key: int(key[4:]) if key[4:].isdigit() else 0,
    )
    return tuple(_rocm_gpu(document[card], system) for card in cards) or "the driver lists no GPU"


def _is_card(value: Any) -> bool:
    return isinstance(value, dict)


def _rocm_gpu(card: Mapping[str, Any], system: Mapping[str, Any]) -> Gpu:
    name = next(
        (str(card[key]) for key in ("Card series", "Card SKU", "Card model") if card.get(key)),
        "AMD GPU",
    )
    driver = str(system.get("Driver version") or card.get("Driver version") or "unknown")
    memory = str(card.get("VRAM Total Memory (B)", ""))
    total = f"{int(memory) // _MIB} MiB" if memory.isdigit() else "[N/A]"
    return Gpu(name, driver, total)


def _device_files(host: Host, vendor: str) -> Probe:
    return _amd_device_files(host) if vendor == "amd" else _nvidia_device_files(host)


def _nvidia_device_files(host: Host) -> Probe:
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


def _amd_device_files(host: Host) -> Probe:
    """ROCm needs /dev/kfd (the compute interface) and a render node per GPU in /dev/dri."""
    name = "device files"
    renders = sorted(
        (path.name for path in (host.dev / "dri").glob("renderD*") if path.name[7:].isdigit()),
        key=lambda device: int(device[7:]),
    )
    missing = [] if (host.dev / "kfd").exists() else [f"{host.dev}/kfd"]
    if not renders:
        missing.append(f"{host.dev}/dri/renderD<N>")
    if missing:
        return Probe(
            name,
            Status.FAIL,
            f"no {' and no '.join(missing)}: this process cannot reach a GPU (a container "
            "started without --device /dev/kfd --device /dev/dri, or a job that requested none?)",
        )
    found = [f"{host.dev}/kfd", *(f"{host.dev}/dri/{device}" for device in renders)]
    return Probe(name, Status.PASS, ", ".join(found))


#: The variables that narrow the GPUs a process sees, by vendor. HIP reads CUDA_VISIBLE_DEVICES
#: too, so on AMD each of the three can hide every GPU.
_VISIBLE_VARIABLES = {
    "nvidia": ("CUDA_VISIBLE_DEVICES",),
    "amd": ("ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "CUDA_VISIBLE_DEVICES"),
}


def _visible_devices(host: Host, vendor: str) -> Probe:
    variables = _VISIBLE_VARIABLES[vendor]
    name = variables[0] if vendor == "nvidia" else "visible devices"
    found = {variable: host.environ[variable] for variable in variables if variable in host.environ}
    if not found:
        unset = "not set" if len(variables) == 1 else f"{', '.join(variables)} not set"
        return Probe(name, Status.PASS, f"{unset}: every GPU is visible")
    for variable, value in found.items():
        if _visible_count(value) == 0:
            return Probe(
                name,
                Status.FAIL,
                f"{variable}={value!r} hides every GPU: the runtime stops at the first entry "
                "that is not a device index or UUID",
            )
    if len(variables) == 1:
        return Probe(name, Status.PASS, repr(found[name]))
    return Probe(name, Status.PASS, ", ".join(f"{key}={value!r}" for key, value in found.items()))


def _visible_count(value: str) -> int:
    """How many GPUs a visible-devices value leaves: the entries before the first invalid one."""
    count = 0
    for entry in value.split(","):
        if _VISIBLE_ENTRY.fullmatch(entry.strip()) is None:
            break
        count += 1
    return count


def _framework(host: Host, name: str, vendor: str, *, required: bool) -> _Framework:
    """Check ``name`` (torch or jax) in the job's interpreter."""
    found = _framework_facts(host, name)
    if isinstance(found, str):
        return _Framework(Probe(name, Status.FAIL, found))
    if not found.get("installed"):
        message = f"not installed in {host.python}"
        return _Framework(Probe(name, Status.FAIL if required else Status.SKIP, message), found)
    judge = _judge_torch if name == "torch" else _judge_jax
    status, message = judge(found, vendor)
    return _Framework(Probe(name, status, message), found)


def _framework_facts(host: Host, name: str) -> dict[str, Any] | str:
    """What the probe reports about ``name`` in ``host.python``, or why it reported nothing."""
    done = _run(host, [host.python, "-c", _PROBES[name]], _PROBE_ENVIRONMENT.get(name))
    if isinstance(done, str):
        return f"checking {name} in {host.python}: the interpreter {done}"
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return f"importing {name} in {host.python} failed: {last[0]}"
    try:
        facts = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        facts = None
    if not isinstance(facts, dict):
        return f"unexpected output from {host.python}: {done.stdout!r}"
    return facts


def _judge_torch(facts: Mapping[str, Any], vendor: str) -> tuple[Status, str]:
    version, cuda, hip = facts.get("version"), facts.get("cuda"), facts.get("hip")
    built = _torch_build_problem(version, cuda, hip, vendor)
    if built:
        return Status.FAIL, built
    runtime = f"CUDA {cuda}" if vendor == "nvidia" else f"ROCm (HIP {hip})"
    count = int(facts.get("count") or 0)
    if not facts.get("available") or count < 1:
        hint = f" (is the driver too old for CUDA {cuda}?)" if vendor == "nvidia" else ""
        why = (
            f"torch {version} (built with {runtime}) sees no GPU: torch.cuda.is_available() "
            f"is {facts.get('available')}{hint}"
        )
        return Status.FAIL, why
    return Status.PASS, f"torch {version}, built with {runtime}, sees {_plural(count)}"


def _torch_build_problem(version: Any, cuda: Any, hip: Any, vendor: str) -> str | None:
    """Why this torch build cannot use this vendor's GPUs, or None."""
    if vendor == "nvidia" and cuda is None:
        if hip:
            return (
                f"torch {version} is a ROCm build (HIP {hip}) on NVIDIA GPUs: install a CUDA build"
            )
        return f"torch {version} was built without CUDA (a CPU-only build): install a CUDA build"
    if vendor == "amd" and not hip:
        other = f"a CUDA {cuda} build" if cuda else "a CPU-only build"
        return f"torch {version} was built without ROCm ({other}): install a ROCm build"
    return None


def _judge_jax(facts: Mapping[str, Any], vendor: str) -> tuple[Status, str]:
    version, count = facts.get("version"), int(facts.get("count") or 0)
    plugin = facts.get("cuda") if vendor == "nvidia" else facts.get("rocm")
    kind = "CUDA" if vendor == "nvidia" else "ROCm"
    if plugin is None:
        extra = "jax[cuda12] or jax[cuda13]" if vendor == "nvidia" else "the jax ROCm plugin"
        why = f"jax {version} has no {kind} plugin (a CPU-only install): install {extra}"
        return Status.FAIL, why
    built = f"{kind} {plugin} plugin"
    if count < 1:
        error = facts.get("error") or "jax.devices('gpu') is empty"
        return Status.FAIL, f"jax {version} ({built}) sees no GPU: {error}"
    return Status.PASS, f"jax {version} ({built}) sees {_plural(count)}"


def _driver_cuda(driver: _Driver, frameworks: Sequence[_Framework]) -> Probe:
    """Does the driver support the CUDA version each framework was built for?

    A driver supports every CUDA release up to the version nvidia-smi names. A framework built
    for a newer minor release of the same major one runs through CUDA's minor version
    compatibility; one built for a newer major release runs only with the forward-compatibility
    package of data-centre GPUs (``cuda-compat``), which the framework seeing its GPUs proves.
    """
    name = "CUDA driver"
    built = [
        (fw, cuda)
        for fw in frameworks
        if fw.facts.get("installed") and (cuda := _cuda_of(fw)) is not None
    ]
    if driver.probe.status is Status.FAIL:
        return Probe(name, Status.SKIP, "nvidia-smi did not list the GPUs: nothing to compare")
    supported = f"{driver.cuda[0]}.{driver.cuda[1]}" if driver.cuda else "an unknown version"
    if not built:
        return Probe(
            name,
            Status.SKIP,
            f"driver supports CUDA {supported}; no framework built with CUDA to compare with",
        )
    if driver.cuda is None:
        return Probe(
            name,
            Status.FAIL,
            "nvidia-smi printed no 'CUDA Version': cannot tell whether the driver supports the "
            f"CUDA version {' and '.join(fw.name for fw, _ in built)} was built for",
        )
    verdicts = [_cuda_verdict(driver, fw, cuda) for fw, cuda in built]
    failed = [message for ok, message in verdicts if not ok]
    messages = failed or [message for _, message in verdicts]
    return Probe(name, Status.FAIL if failed else Status.PASS, "; ".join(messages))


def _cuda_of(framework: _Framework) -> tuple[int, int | None] | None:
    """The CUDA version a framework was built for: (12, 4) for torch's "12.4", (12, None) for a
    JAX CUDA 12 plugin."""
    value = framework.facts.get("cuda")
    found = re.fullmatch(r"(\d+)(?:\.(\d+))?.*", str(value)) if value else None
    if not found:
        return None
    return int(found[1]), int(found[2]) if found[2] else None


def _cuda_verdict(
    driver: _Driver, framework: _Framework, cuda: tuple[int, int | None]
) -> tuple[bool, str]:
    assert driver.cuda is not None
    major, minor = cuda
    supported = f"{driver.cuda[0]}.{driver.cuda[1]}"
    wanted = f"{major}.{minor}" if minor is not None else str(major)
    what = f"{framework.name} was built for CUDA {wanted}, the driver supports up to {supported}"
    if major > driver.cuda[0]:
        if framework.sees_gpus:
            return True, f"{what}: it runs through CUDA forward compatibility (cuda-compat)"
        oldest = _MINIMUM_DRIVER.get(major)
        driver_hint = f" (CUDA {major} needs driver {oldest} or newer)" if oldest else ""
        fix = f"update the driver{driver_hint}, or install a {framework.name} build for CUDA "
        fix += supported
        return False, f"{what}: {fix}"
    if major == driver.cuda[0] and minor is not None and minor > driver.cuda[1]:
        return True, (
            f"{what}: it runs through CUDA minor version compatibility (code compiled from PTX "
            f"at run time needs a driver for CUDA {wanted})"
        )
    return True, f"{framework.name} built for CUDA {wanted}, the driver supports up to {supported}"


def _gpu_count(
    host: Host, vendor: str, driver: _Driver, frameworks: Sequence[_Framework], minimum: int
) -> Probe:
    """At least ``minimum`` GPUs, as each installed framework sees them (it honours the
    visible-devices variables and the container's devices), else as the driver lists them."""
    name = "GPU count"
    installed = [fw for fw in frameworks if fw.facts.get("installed")]
    counted = [(f"visible to {fw.name}", fw.count) for fw in installed]
    if not counted:
        counted = [("listed by the driver", _driver_visible_count(host, vendor, driver))]
    short = [(who, count) for who, count in counted if count < minimum]
    if short:
        who, count = short[0]
        return Probe(
            name,
            Status.FAIL,
            f"{_plural(count)} {who}, the job needs at least {minimum} (--min-gpus): request "
            "more GPUs from the scheduler or the runner (docker --gpus, CUDA_VISIBLE_DEVICES)",
        )
    listed = ", ".join(f"{_plural(count)} {who}" for who, count in counted)
    return Probe(name, Status.PASS, f"{listed}; at least {minimum} needed")


def _driver_visible_count(host: Host, vendor: str, driver: _Driver) -> int:
    """The driver's GPUs, narrowed by the visible-devices variables that are set."""
    count = len(driver.gpus)
    for variable in _VISIBLE_VARIABLES[vendor]:
        if variable in host.environ:
            count = min(count, _visible_count(host.environ[variable]))
    return count


def _gpu_memory(driver: _Driver, frameworks: Sequence[_Framework], minimum: float) -> Probe:
    """Each GPU the job gets has at least ``minimum`` GiB. torch's view comes first: it is the
    memory of the device the job gets (a MIG slice, not the whole GPU); else the driver's."""
    name = "GPU memory"
    measured, source = _memory_view(driver, frameworks)
    if not measured:
        return Probe(name, Status.FAIL, "no GPU whose memory could be measured")
    short = [
        f"GPU {index} ({gpu}) has {_gib_text(gib)}"
        for index, (gpu, gib) in enumerate(measured)
        if gib is None or gib < minimum
    ]
    if short:
        return Probe(
            name,
            Status.FAIL,
            f"{'; '.join(short)}, under the {minimum:g} GiB the job needs (--min-memory-gib; "
            f"{source})",
        )
    smallest = min(gib for _, gib in measured if gib is not None)
    return Probe(
        name,
        Status.PASS,
        f"{_plural(len(measured))} with at least {smallest:.1f} GiB each ({source}); "
        f"{minimum:g} GiB needed",
    )


def _memory_view(
    driver: _Driver, frameworks: Sequence[_Framework]
) -> tuple[list[tuple[str, float | None]], str]:
    """(name, GiB) of each GPU, and whose numbers they are."""
    torch = next((fw for fw in frameworks if fw.name == "torch" and fw.sees_gpus), None)
    devices = torch.facts.get("devices") if torch else None
    if devices:
        return [
            (str(device.get("name")), _bytes_to_gib(device.get("memory"))) for device in devices
        ], "as torch sees them"
    return [(gpu.name, gpu.memory_gib) for gpu in driver.gpus], "as the driver lists them"


def _bytes_to_gib(value: Any) -> float | None:
    return value / _GIB if isinstance(value, (int, float)) and value > 0 else None


def _gib_text(gib: float | None) -> str:
    return f"{gib:.1f} GiB" if gib is not None else "no memory size reported"


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

"""``gpu-preflight`` against fakes that are real: ``nvidia-smi`` and ``rocm-smi`` are executable
scripts printing what the real ones print (or failing as they fail without a driver), ``/dev`` is
a folder, and the torch and JAX checks run in interpreters, real or scripted, in a subprocess:
a real Python with stand-in ``torch`` and ``jax`` packages on its path runs the real probes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from metstandards.cli import main
from metstandards.gpu_preflight import (
    Host,
    Preflight,
    Requirements,
    Status,
    preflight,
    render_json,
    render_text,
)

H100 = "NVIDIA H100 80GB HBM3, 550.54.15, 81559 MiB"
H100_JSON = {
    "name": "NVIDIA H100 80GB HBM3",
    "driver_version": "550.54.15",
    "memory_total": "81559 MiB",
}
NO_DRIVER = (
    "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. "
    "Make sure that the latest NVIDIA driver is installed and running."
)


def smi_table(driver: str = "550.54.15", cuda: str = "12.4") -> str:
    """The head of what a plain ``nvidia-smi`` prints."""
    return textwrap.dedent(f"""\
        Tue Mar 12 10:21:03 2024
        +-----------------------------------------------------------------------------------------+
        | NVIDIA-SMI {driver:<22} Driver Version: {driver:<14} CUDA Version: {cuda:<9}|
        |-----------------------------------------+------------------------+----------------------+
        | GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |
        | Fan  Temp   Perf          Pwr:Usage/Cap |           Memory-Usage | GPU-Util  Compute M. |
        |=========================================+========================+======================|
        |   0  NVIDIA H100 80GB HBM3          On  |   00000000:18:00.0 Off |                    0 |
        | N/A   31C    P0             69W /  700W |       1MiB /  81559MiB |      0%      Default |
        +-----------------------------------------+------------------------+----------------------+
        """)


TORCH_CUDA = {
    "installed": True,
    "version": "2.5.1+cu124",
    "cuda": "12.4",
    "hip": None,
    "available": True,
    "count": 2,
    "devices": [
        {"name": "NVIDIA H100 80GB HBM3", "memory": 85_045_379_072},
        {"name": "NVIDIA H100 80GB HBM3", "memory": 85_045_379_072},
    ],
}
TORCH_ROCM = {
    **TORCH_CUDA,
    "version": "2.5.1+rocm6.2",
    "cuda": None,
    "hip": "6.2.41133-dd7f95766",
    "devices": [{"name": "AMD Instinct MI250X", "memory": 68_702_699_520}] * 2,
}
JAX_CUDA = {
    "installed": True,
    "version": "0.4.35",
    "cuda": "12",
    "rocm": None,
    "count": 2,
    "kinds": ["NVIDIA H100 80GB HBM3"] * 2,
}
ABSENT = {"installed": False}
MI250X = {
    "Card series": "AMD INSTINCT MI250X",
    "Card model": "0x740c",
    "Card vendor": "Advanced Micro Devices, Inc. [AMD/ATI]",
    "Card SKU": "D65210V",
    "VRAM Total Memory (B)": "68702699520",
    "VRAM Total Used Memory (B)": "11567104",
}
ROCM_SMI_JSON = json.dumps(
    {"card0": MI250X, "card1": MI250X, "system": {"Driver version": "6.2.4"}}
)
ROCM_WARNING = "WARNING: AMD GPU device(s) is/are in a low-power state. Check power control"


def script(folder: Path, name: str, body: str) -> Path:
    """An executable shell script ``folder/name``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def prints(text: str) -> str:
    """A script body that prints ``text`` as it is."""
    return f"cat <<'END'\n{text}\nEND"


def smi_body(csv: str, table: str) -> str:
    """An ``nvidia-smi`` that answers the GPU query with ``csv`` and a plain call with its table."""
    return f'case "$1" in\n--query-gpu=*)\n{prints(csv)}\n;;\n*)\n{prints(table)}\n;;\nesac'


def nvidia_smi(tmp_path: Path, body: str) -> str:
    """A search path whose only program is an ``nvidia-smi`` running ``body``."""
    return str(script(tmp_path / "bin", "nvidia-smi", body).parent)


def fake_python(
    tmp_path: Path, torch: Mapping[str, object], jax: Mapping[str, object] = ABSENT
) -> str:
    """An interpreter that answers the torch probe with ``torch`` and the JAX probe with ``jax``,
    telling them apart by the comment each probe starts with."""
    body = (
        f"case \"$2\" in\n*'probe: jax'*)\n{prints(json.dumps(jax))}\n;;\n"
        f"*)\n{prints(json.dumps(torch))}\n;;\nesac"
    )
    return str(script(tmp_path / "python", "python", body))


def devices(tmp_path: Path, *names: str) -> Path:
    dev = tmp_path / "dev"
    dev.mkdir(parents=True)
    for name in names:
        (dev / name).parent.mkdir(parents=True, exist_ok=True)
        (dev / name).touch()
    return dev


@pytest.fixture
def host(tmp_path: Path) -> Host:
    """A machine where everything works: two H100s, their device files, torch with CUDA."""
    return Host(
        search_path=nvidia_smi(tmp_path, smi_body(f"{H100}\n{H100}", smi_table())),
        dev=devices(tmp_path, "nvidia0", "nvidia1", "nvidiactl", "nvidia-uvm"),
        environ={},
        python=fake_python(tmp_path, TORCH_CUDA),
        timeout_s=30,
    )


@pytest.fixture
def amd_host(tmp_path: Path) -> Host:
    """A LUMI-like node: two MI250X dies, /dev/kfd and render nodes, torch built for ROCm."""
    rocm = script(tmp_path / "amd-bin", "rocm-smi", prints(f"{ROCM_WARNING}\n{ROCM_SMI_JSON}"))
    return Host(
        search_path=str(rocm.parent),
        dev=devices(tmp_path / "amd", "kfd", "dri/renderD128", "dri/renderD129", "dri/card0"),
        environ={},
        python=fake_python(tmp_path / "amd", TORCH_ROCM),
        timeout_s=30,
    )


def run(host: Host, **wanted: object) -> Preflight:
    return preflight(host, Requirements(**wanted))  # type: ignore[arg-type]


def statuses(host: Host, **wanted: object) -> dict[str, Status]:
    return {p.name: p.status for p in run(host, **wanted).probes}


def message(host: Host, name: str, **wanted: object) -> str:
    return next(probe.message for probe in run(host, **wanted).probes if probe.name == name)


def with_python(host: Host, python: str, **changes: object) -> Host:
    fields = {"search_path": host.search_path, "dev": host.dev, "environ": host.environ}
    return Host(**{**fields, **changes}, python=python, timeout_s=30)  # type: ignore[arg-type]


@pytest.mark.slow
def test_a_working_gpu_node_passes_every_check(host: Host) -> None:
    result = run(host, framework="torch")
    assert result.passed
    assert [(p.name, p.status) for p in result.probes] == [
        ("nvidia-smi", Status.PASS),
        ("device files", Status.PASS),
        ("CUDA_VISIBLE_DEVICES", Status.PASS),
        ("torch", Status.PASS),
        ("CUDA driver", Status.PASS),
    ]
    text = render_text(result)
    assert "OK    nvidia-smi" in text
    assert "2 GPUs: NVIDIA H100 80GB HBM3 (81559 MiB), NVIDIA H100 80GB HBM3 (81559 MiB)" in text
    assert "driver 550.54.15 (supports CUDA 12.4)" in text
    assert f"{host.dev}/nvidia0, {host.dev}/nvidia1" in text
    assert "torch 2.5.1+cu124, built with CUDA 12.4, sees 2 GPUs" in text
    assert "torch built for CUDA 12.4, the driver supports up to 12.4" in text
    assert text.endswith("GPU preflight passed.\n")
    document = json.loads(render_json(result))
    assert document["passed"] is True
    assert document["gpus"] == [H100_JSON, H100_JSON]
    assert set(document) == {"passed", "checks", "gpus"}
    assert all(set(check) == {"name", "status", "message"} for check in document["checks"])


@pytest.mark.slow
def test_auto_checks_torch_and_jax_where_installed(host: Host, tmp_path: Path) -> None:
    assert statuses(host) == {
        "nvidia-smi": Status.PASS,
        "device files": Status.PASS,
        "CUDA_VISIBLE_DEVICES": Status.PASS,
        "torch": Status.PASS,
        "jax": Status.SKIP,
        "CUDA driver": Status.PASS,
    }
    both = with_python(host, fake_python(tmp_path / "both", TORCH_CUDA, JAX_CUDA))
    result = run(both)
    assert result.passed
    assert message(both, "jax") == "jax 0.4.35 (CUDA 12 plugin) sees 2 GPUs"
    assert "jax built for CUDA 12, the driver supports up to 12.4" in message(both, "CUDA driver")


@pytest.mark.slow
def test_nvidia_smi_missing_failing_without_a_driver_or_listing_nothing(
    host: Host, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = Host(str(empty), host.dev, {}, host.python)
    assert message(missing, "nvidia-smi") == (
        "not found on PATH: no NVIDIA driver here (a login node, or a CPU-only node?)"
    )
    assert not run(missing).passed
    assert statuses(missing)["CUDA driver"] is Status.SKIP

    no_driver = Host(nvidia_smi(tmp_path / "a", f"{prints(NO_DRIVER)}\nexit 9"), host.dev, {}, "")
    assert message(no_driver, "nvidia-smi") == f"exited with status 9: {NO_DRIVER}"

    silent = Host(nvidia_smi(tmp_path / "b", "exit 0"), host.dev, {}, host.python)
    assert message(silent, "nvidia-smi") == "the driver lists no GPU"

    garbled = Host(nvidia_smi(tmp_path / "c", prints("No devices were found")), host.dev, {}, "")
    assert "unexpected output line" in message(garbled, "nvidia-smi")


@pytest.mark.slow
def test_a_hanging_nvidia_smi_is_stopped_and_reported(host: Host, tmp_path: Path) -> None:
    hanging = Host(nvidia_smi(tmp_path / "h", "exec sleep 30"), host.dev, {}, host.python, 0.5)
    result = run(hanging)
    assert result.probes[0].status is Status.FAIL
    assert result.probes[0].message.endswith("did not finish within 0.5 s")


@pytest.mark.slow
def test_no_device_files_fail(host: Host, tmp_path: Path) -> None:
    bare = Host(host.search_path, devices(tmp_path / "x", "null"), {}, host.python)
    assert statuses(bare)["device files"] is Status.FAIL
    assert "no " + str(bare.dev / "nvidia<N>") in message(bare, "device files")
    no_control = Host(host.search_path, devices(tmp_path / "y", "nvidia0"), {}, host.python)
    assert message(no_control, "device files").startswith(f"no {no_control.dev}/nvidiactl:")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("value", "visible"),
    [
        ("", False),
        ("-1", False),
        ("NoDevFiles", False),
        ("0", True),
        ("1,0", True),
        ("GPU-5f3c1e2a-1b2c-4d5e-8f90-0123456789ab", True),
        ("MIG-GPU-5f3c1e2a-1b2c-4d5e-8f90-0123456789ab/1/0", True),
    ],
)
def test_cuda_visible_devices_that_hide_every_gpu_fail(
    host: Host, value: str, visible: bool
) -> None:
    masked = Host(host.search_path, host.dev, {"CUDA_VISIBLE_DEVICES": value}, host.python)
    expected = Status.PASS if visible else Status.FAIL
    assert statuses(masked)["CUDA_VISIBLE_DEVICES"] is expected
    if not visible:
        assert message(masked, "CUDA_VISIBLE_DEVICES").startswith(
            f"CUDA_VISIBLE_DEVICES={value!r} hides every GPU"
        )


@pytest.mark.slow
def test_frameworks_are_checked_in_a_real_interpreter_without_them(
    host: Host, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    bare = with_python(host, str(venv / "bin" / "python"))
    auto = run(bare)
    assert {p.name: p.status for p in auto.probes if p.name in ("torch", "jax")} == {
        "torch": Status.SKIP,
        "jax": Status.SKIP,
    }
    assert message(bare, "torch") == f"not installed in {bare.python}"
    assert message(bare, "CUDA driver") == (
        "driver supports CUDA 12.4; no framework built with CUDA to compare with"
    )
    assert auto.passed
    for framework in ("torch", "jax"):
        required = run(bare, framework=framework)
        assert [p.name for p in required.probes if p.name in ("torch", "jax")] == [framework]
        assert statuses(bare, framework=framework)[framework] is Status.FAIL
        assert not required.passed


@pytest.mark.slow
def test_torch_without_cuda_or_without_a_gpu_or_broken_fails(host: Host, tmp_path: Path) -> None:
    def torch_message(facts: Mapping[str, object], name: str) -> str:
        return message(with_python(host, fake_python(tmp_path / name, facts)), "torch")

    cpu = {**TORCH_CUDA, "version": "2.5.1+cpu", "cuda": None, "available": False, "count": 0}
    assert torch_message(cpu, "cpu") == (
        "torch 2.5.1+cpu was built without CUDA (a CPU-only build): install a CUDA build"
    )
    assert "is a ROCm build (HIP 6.2.41133-dd7f95766) on NVIDIA GPUs" in torch_message(
        TORCH_ROCM, "rocm"
    )
    blind = {**TORCH_CUDA, "available": False, "count": 0, "devices": []}
    assert "is False (is the driver too old for CUDA 12.4?)" in torch_message(blind, "blind")

    broken = script(
        tmp_path / "broken",
        "python",
        "echo 'Traceback (most recent call last):' >&2\n"
        "echo 'ImportError: libcudart.so.12: cannot open shared object file' >&2\nexit 1",
    )
    result = run(with_python(host, str(broken)), framework="torch")
    assert result.probes[3].message == (
        f"importing torch in {broken} failed: "
        "ImportError: libcudart.so.12: cannot open shared object file"
    )
    assert not result.passed


@pytest.mark.slow
def test_jax_without_a_gpu_plugin_or_without_a_gpu_fails(host: Host, tmp_path: Path) -> None:
    def jax_message(facts: Mapping[str, object], name: str) -> str:
        python = fake_python(tmp_path / name, ABSENT, facts)
        return message(with_python(host, python), "jax", framework="jax")

    cpu = {**JAX_CUDA, "cuda": None, "count": 0, "error": "Unknown backend: 'gpu' requested"}
    assert jax_message(cpu, "cpu") == (
        "jax 0.4.35 has no CUDA plugin (a CPU-only install): install jax[cuda12] or jax[cuda13]"
    )
    failed = {**JAX_CUDA, "count": 0, "error": "Backend 'cuda' failed to initialize: CUDA_ERROR"}
    assert jax_message(failed, "failed") == (
        "jax 0.4.35 (CUDA 12 plugin) sees no GPU: Backend 'cuda' failed to initialize: CUDA_ERROR"
    )


def fake_site(tmp_path: Path, files: Mapping[str, str]) -> dict[str, str]:
    """A folder of stand-in packages, and the environment that puts it on a real Python's path."""
    site = tmp_path / "site"
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return {"PYTHONPATH": str(site)}


@pytest.mark.slow
def test_the_real_probes_read_torch_and_jax_as_they_report_themselves(
    host: Host, tmp_path: Path
) -> None:
    # Stand-ins with the attributes the probes read, so that the probe scripts themselves run.
    environ = fake_site(
        tmp_path,
        {
            "torch/__init__.py": """\
                import types
                __version__ = "2.6.0+cu126"
                version = types.SimpleNamespace(cuda="12.6", hip=None)
                class _Props:
                    name = "NVIDIA A100-SXM4-40GB MIG 1g.5gb"
                    total_memory = 4_831_838_208
                cuda = types.SimpleNamespace(
                    is_available=lambda: True,
                    device_count=lambda: 1,
                    get_device_properties=lambda index: _Props(),
                )
            """,
            "jax/__init__.py": """\
                __version__ = "0.5.0"
                def devices(backend=None):
                    raise RuntimeError("Unable to initialize backend 'cuda': FAILED_PRECONDITION\\n"
                                       "more detail")
            """,
            "jax_cuda12_plugin-0.5.0.dist-info/METADATA": """\
                Metadata-Version: 2.1
                Name: jax-cuda12-plugin
                Version: 0.5.0
            """,
        },
    )
    real = with_python(host, sys.executable, environ=environ)
    result = run(real, min_memory_gib=10)
    probes = {p.name: p for p in result.probes}
    assert probes["torch"].message == "torch 2.6.0+cu126, built with CUDA 12.6, sees 1 GPU"
    assert probes["jax"].status is Status.FAIL
    assert probes["jax"].message == (
        "jax 0.5.0 (CUDA 12 plugin) sees no GPU: "
        "Unable to initialize backend 'cuda': FAILED_PRECONDITION"
    )
    # torch 12.6 on a driver for CUDA 12.4: minor version compatibility.
    assert "minor version compatibility" in probes["CUDA driver"].message
    assert probes["CUDA driver"].status is Status.PASS
    assert probes["GPU memory"].message == (
        "GPU 0 (NVIDIA A100-SXM4-40GB MIG 1g.5gb) has 4.5 GiB, under the 10 GiB the job needs "
        "(--min-memory-gib; as torch sees them)"
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("driver_cuda", "facts", "status", "expected"),
    [
        (
            "12.2",
            TORCH_CUDA,
            Status.PASS,
            "torch was built for CUDA 12.4, the driver supports up to 12.2: it runs through CUDA "
            "minor version compatibility (code compiled from PTX at run time needs a driver for "
            "CUDA 12.4)",
        ),
        (
            "11.8",
            {**TORCH_CUDA, "available": False, "count": 0, "devices": []},
            Status.FAIL,
            "torch was built for CUDA 12.4, the driver supports up to 11.8: update the driver "
            "(CUDA 12 needs driver 525.60.13 or newer), or install a torch build for CUDA 11.8",
        ),
        (
            "11.4",
            TORCH_CUDA,
            Status.PASS,
            "torch was built for CUDA 12.4, the driver supports up to 11.4: it runs through CUDA "
            "forward compatibility (cuda-compat)",
        ),
        (
            "12.8",
            TORCH_CUDA,
            Status.PASS,
            "torch built for CUDA 12.4, the driver supports up to 12.8",
        ),
    ],
)
def test_the_driver_must_support_the_cuda_version_torch_was_built_for(
    host: Host,
    tmp_path: Path,
    driver_cuda: str,
    facts: Mapping[str, object],
    status: Status,
    expected: str,
) -> None:
    smi = nvidia_smi(tmp_path / "smi", smi_body(H100, smi_table("535.54.03", driver_cuda)))
    checked = Host(smi, host.dev, {}, fake_python(tmp_path / "py", facts), timeout_s=30)
    probe = next(p for p in run(checked).probes if p.name == "CUDA driver")
    assert (probe.status, probe.message) == (status, expected)


@pytest.mark.slow
def test_a_driver_that_names_no_cuda_version_fails_the_comparison(
    host: Host, tmp_path: Path
) -> None:
    smi = nvidia_smi(tmp_path / "smi", prints(H100))  # answers every call with the CSV
    checked = Host(smi, host.dev, {}, host.python, timeout_s=30)
    assert statuses(checked)["CUDA driver"] is Status.FAIL
    assert message(checked, "CUDA driver") == (
        "nvidia-smi printed no 'CUDA Version': cannot tell whether the driver supports the CUDA "
        "version torch was built for"
    )


@pytest.mark.slow
def test_min_gpus_counts_what_the_frameworks_see_else_what_the_driver_lists(
    host: Host, tmp_path: Path
) -> None:
    assert message(host, "GPU count", min_gpus=2) == ("2 GPUs visible to torch; at least 2 needed")
    assert statuses(host, min_gpus=4)["GPU count"] is Status.FAIL
    assert message(host, "GPU count", min_gpus=4) == (
        "2 GPUs visible to torch, the job needs at least 4 (--min-gpus): request more GPUs from "
        "the scheduler or the runner (docker --gpus, CUDA_VISIBLE_DEVICES)"
    )
    four = nvidia_smi(tmp_path / "four", smi_body("\n".join([H100] * 4), smi_table()))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    narrowed = Host(four, host.dev, {"CUDA_VISIBLE_DEVICES": "0,1,x"}, str(venv / "bin/python"))
    assert message(narrowed, "GPU count", min_gpus=3).startswith(
        "2 GPUs listed by the driver, the job needs at least 3"
    )
    assert "GPU count" not in statuses(host)


@pytest.mark.slow
def test_min_memory_compares_each_gpu_with_the_size_asked_for(host: Host, tmp_path: Path) -> None:
    assert message(host, "GPU memory", min_memory_gib=40) == (
        "2 GPUs with at least 79.2 GiB each (as torch sees them); 40 GiB needed"
    )
    # An "80GB" H100 has 79.2 GiB as torch counts it: asking for 80 fails, and says so.
    assert message(host, "GPU memory", min_memory_gib=80).startswith(
        "GPU 0 (NVIDIA H100 80GB HBM3) has 79.2 GiB; GPU 1 (NVIDIA H100 80GB HBM3) has 79.2 GiB, "
        "under the 80 GiB the job needs"
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    no_torch = with_python(host, str(venv / "bin" / "python"))
    assert message(no_torch, "GPU memory", min_memory_gib=79.5) == (
        "2 GPUs with at least 79.6 GiB each (as the driver lists them); 79.5 GiB needed"
    )
    unknown = nvidia_smi(tmp_path / "na", smi_body("Grace Hopper, 550.54.15, [N/A]", smi_table()))
    na = Host(unknown, host.dev, {}, str(venv / "bin" / "python"))
    assert message(na, "GPU memory", min_memory_gib=1).startswith(
        "GPU 0 (Grace Hopper) has no memory size reported, under the 1 GiB"
    )


@pytest.mark.slow
def test_an_amd_rocm_node_passes_with_rocm_smi_and_torch_for_rocm(amd_host: Host) -> None:
    result = run(amd_host, min_gpus=2, min_memory_gib=60)
    assert [(p.name, p.status) for p in result.probes] == [
        ("rocm-smi", Status.PASS),
        ("device files", Status.PASS),
        ("visible devices", Status.PASS),
        ("torch", Status.PASS),
        ("jax", Status.SKIP),
        ("GPU count", Status.PASS),
        ("GPU memory", Status.PASS),
    ]
    probes = {p.name: p.message for p in result.probes}
    assert probes["rocm-smi"] == (
        "2 GPUs: AMD INSTINCT MI250X (65520 MiB), AMD INSTINCT MI250X (65520 MiB); driver 6.2.4"
    )
    assert probes["device files"] == (
        f"{amd_host.dev}/kfd, {amd_host.dev}/dri/renderD128, {amd_host.dev}/dri/renderD129"
    )
    assert probes["visible devices"] == (
        "ROCR_VISIBLE_DEVICES, HIP_VISIBLE_DEVICES, CUDA_VISIBLE_DEVICES not set: "
        "every GPU is visible"
    )
    assert probes["torch"] == (
        "torch 2.5.1+rocm6.2, built with ROCm (HIP 6.2.41133-dd7f95766), sees 2 GPUs"
    )
    gpu = {"name": "AMD INSTINCT MI250X", "driver_version": "6.2.4", "memory_total": "65520 MiB"}
    assert json.loads(render_json(result))["gpus"] == [gpu, gpu]


@pytest.mark.slow
def test_amd_failures_name_what_is_missing(amd_host: Host, tmp_path: Path) -> None:
    no_kfd = Host(amd_host.search_path, devices(tmp_path / "x", "dri/renderD128"), {}, "")
    assert message(no_kfd, "device files", vendor="amd").startswith(
        f"no {no_kfd.dev}/kfd: this process cannot reach a GPU (a container started without "
        "--device /dev/kfd --device /dev/dri"
    )
    hidden = Host(amd_host.search_path, amd_host.dev, {"HIP_VISIBLE_DEVICES": ""}, "")
    assert message(hidden, "visible devices") == (
        "HIP_VISIBLE_DEVICES='' hides every GPU: the runtime stops at the first entry that is "
        "not a device index or UUID"
    )
    cuda_torch = with_python(amd_host, fake_python(tmp_path / "cu", TORCH_CUDA))
    assert message(cuda_torch, "torch") == (
        "torch 2.5.1+cu124 was built without ROCm (a CUDA 12.4 build): install a ROCm build"
    )
    garbled = script(tmp_path / "g", "rocm-smi", prints("ERROR: GPU[0] : Unable to read"))
    broken = Host(str(garbled.parent), amd_host.dev, {}, amd_host.python)
    assert message(broken, "rocm-smi") == (
        "unexpected output (no JSON): 'ERROR: GPU[0] : Unable to read'"
    )


@pytest.mark.slow
def test_the_vendor_is_detected_and_a_wrong_one_is_named(amd_host: Host, host: Host) -> None:
    assert "rocm-smi" in statuses(amd_host)
    assert "nvidia-smi" in statuses(host)
    assert message(amd_host, "nvidia-smi", vendor="nvidia") == (
        "not found on PATH, but rocm-smi is: pass --vendor amd"
    )
    assert message(host, "rocm-smi", vendor="amd") == (
        "not found on PATH, but nvidia-smi is: pass --vendor nvidia"
    )


@pytest.mark.slow
def test_the_command_finds_nvidia_smi_on_path_and_reports_json(tmp_path: Path) -> None:
    search_path = nvidia_smi(tmp_path, smi_body(H100, smi_table()))
    env = {"PATH": f"{search_path}:/usr/bin:/bin", "CUDA_VISIBLE_DEVICES": "-1"}
    result = CliRunner().invoke(main, ["gpu-preflight", "--format", "json"], env=env)
    assert result.exit_code == 1, result.output
    document = json.loads(result.output)
    checks = {check["name"]: check["status"] for check in document["checks"]}
    assert checks["nvidia-smi"] == "pass"
    assert checks["CUDA_VISIBLE_DEVICES"] == "fail"
    assert document["gpus"] == [H100_JSON]


@pytest.mark.slow
def test_the_command_takes_the_new_options(tmp_path: Path) -> None:
    search_path = nvidia_smi(tmp_path, smi_body(H100, smi_table()))
    env = {"PATH": f"{search_path}:/usr/bin:/bin"}
    args = ["gpu-preflight", "-f", "json", "--vendor", "nvidia", "--framework", "jax"]
    args += ["--min-gpus", "2", "--min-memory-gib", "40"]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 1, result.output
    checks = {check["name"]: check for check in json.loads(result.output)["checks"]}
    assert "torch" not in checks
    assert checks["jax"]["status"] == "fail"
    assert checks["GPU count"]["status"] == "fail"
    assert checks["GPU memory"]["status"] == "pass"
    refused = CliRunner().invoke(main, ["gpu-preflight", "--min-gpus", "0"], env=env)
    assert refused.exit_code == 2
    assert "--min-gpus" in refused.output

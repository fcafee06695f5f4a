"""``gpu-preflight`` against fakes that are real: an ``nvidia-smi`` that is an executable script
printing what the real one prints (or failing as it fails without a driver), a ``/dev`` folder,
and interpreters, real or scripted, that the torch check runs in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from metstandards.cli import main
from metstandards.gpu_preflight import Host, Status, preflight, render_json, render_text

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
TORCH_CUDA = {"installed": True, "version": "2.5.1+cu124", "cuda": "12.4", "available": True}


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


def nvidia_smi(tmp_path: Path, body: str) -> str:
    """A search path whose only program is an ``nvidia-smi`` running ``body``."""
    return str(script(tmp_path / "bin", "nvidia-smi", body).parent)


def fake_python(tmp_path: Path, facts: Mapping[str, object]) -> str:
    """An interpreter that answers the torch probe with ``facts``, whatever it is asked."""
    return str(script(tmp_path / "python", "python", prints(json.dumps(facts))))


def devices(tmp_path: Path, *names: str) -> Path:
    dev = tmp_path / "dev"
    dev.mkdir(parents=True)
    for name in names:
        (dev / name).touch()
    return dev


@pytest.fixture
def host(tmp_path: Path) -> Host:
    """A machine where everything works: two GPUs, their device files, torch with CUDA."""
    return Host(
        search_path=nvidia_smi(tmp_path, prints(f"{H100}\n{H100}")),
        dev=devices(tmp_path, "nvidia0", "nvidia1", "nvidiactl", "nvidia-uvm"),
        environ={},
        python=fake_python(tmp_path, {**TORCH_CUDA, "count": 2}),
        timeout_s=30,
    )


def statuses(host: Host, *, require_torch: bool = False) -> dict[str, Status]:
    return {p.name: p.status for p in preflight(host, require_torch=require_torch).probes}


def message(host: Host, name: str, *, require_torch: bool = False) -> str:
    result = preflight(host, require_torch=require_torch)
    return next(probe.message for probe in result.probes if probe.name == name)


def test_a_working_gpu_node_passes_every_check(host: Host) -> None:
    result = preflight(host, require_torch=True)
    assert result.passed
    assert [(p.name, p.status) for p in result.probes] == [
        ("nvidia-smi", Status.PASS),
        ("device files", Status.PASS),
        ("CUDA_VISIBLE_DEVICES", Status.PASS),
        ("torch", Status.PASS),
    ]
    text = render_text(result)
    assert "OK    nvidia-smi" in text
    assert "2 GPUs: NVIDIA H100 80GB HBM3 (81559 MiB), NVIDIA H100 80GB HBM3 (81559 MiB)" in text
    assert "driver 550.54.15" in text
    assert f"{host.dev}/nvidia0, {host.dev}/nvidia1" in text
    assert "torch 2.5.1+cu124, built with CUDA 12.4, sees 2 GPUs" in text
    assert text.endswith("GPU preflight passed.\n")
    document = json.loads(render_json(result))
    assert document["passed"] is True
    assert document["gpus"] == [H100_JSON, H100_JSON]


def test_nvidia_smi_missing_failing_without_a_driver_or_listing_nothing(
    host: Host, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = Host(str(empty), host.dev, {}, host.python)
    assert "not found on PATH" in message(missing, "nvidia-smi")
    assert not preflight(missing, require_torch=False).passed

    no_driver = Host(nvidia_smi(tmp_path / "a", f"{prints(NO_DRIVER)}\nexit 9"), host.dev, {}, "")
    assert message(no_driver, "nvidia-smi") == f"exited with status 9: {NO_DRIVER}"

    silent = Host(nvidia_smi(tmp_path / "b", "exit 0"), host.dev, {}, host.python)
    assert message(silent, "nvidia-smi") == "the driver lists no GPU"

    garbled = Host(nvidia_smi(tmp_path / "c", prints("No devices were found")), host.dev, {}, "")
    assert "unexpected output line" in message(garbled, "nvidia-smi")


def test_a_hanging_nvidia_smi_is_stopped_and_reported(host: Host, tmp_path: Path) -> None:
    hanging = Host(nvidia_smi(tmp_path / "h", "exec sleep 30"), host.dev, {}, host.python, 0.5)
    result = preflight(hanging, require_torch=False)
    assert result.probes[0].status is Status.FAIL
    assert result.probes[0].message.endswith("did not finish within 0.5 s")


def test_no_device_files_fail(host: Host, tmp_path: Path) -> None:
    bare = Host(host.search_path, devices(tmp_path / "x", "null"), {}, host.python)
    assert statuses(bare)["device files"] is Status.FAIL
    assert "no " + str(bare.dev / "nvidia<N>") in message(bare, "device files")
    no_control = Host(host.search_path, devices(tmp_path / "y", "nvidia0"), {}, host.python)
    assert message(no_control, "device files").startswith(f"no {no_control.dev}/nvidiactl:")


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


def test_torch_is_checked_in_a_real_interpreter_without_torch(host: Host, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    bare = Host(host.search_path, host.dev, {}, str(venv / "bin" / "python"))
    auto = preflight(bare, require_torch=False)
    assert auto.probes[-1].status is Status.SKIP
    assert auto.probes[-1].message == f"not installed in {bare.python}"
    assert auto.passed
    required = preflight(bare, require_torch=True)
    assert required.probes[-1].status is Status.FAIL
    assert not required.passed


def test_torch_without_cuda_or_without_a_gpu_or_broken_fails(host: Host, tmp_path: Path) -> None:
    def torch_message(facts: Mapping[str, object], name: str) -> str:
        python = fake_python(tmp_path / name, facts)
        return message(Host(host.search_path, host.dev, {}, python), "torch")

    cpu = {**TORCH_CUDA, "version": "2.5.1+cpu", "cuda": None, "available": False, "count": 0}
    assert "torch 2.5.1+cpu was built without CUDA" in torch_message(cpu, "cpu")
    blind = {**TORCH_CUDA, "available": False, "count": 0}
    assert "is False (is the driver too old for CUDA 12.4?)" in torch_message(blind, "blind")

    broken = script(
        tmp_path / "broken",
        "python",
        "echo 'Traceback (most recent call last):' >&2\n"
        "echo 'ImportError: libcudart.so.12: cannot open shared object file' >&2\nexit 1",
    )
    result = preflight(Host(host.search_path, host.dev, {}, str(broken)), require_torch=False)
    assert result.probes[-1].message == (
        f"importing torch in {broken} failed: "
        "ImportError: libcudart.so.12: cannot open shared object file"
    )
    assert not result.passed


def test_the_command_finds_nvidia_smi_on_path_and_reports_json(tmp_path: Path) -> None:
    search_path = nvidia_smi(tmp_path, prints(H100))
    env = {"PATH": f"{search_path}:/usr/bin:/bin", "CUDA_VISIBLE_DEVICES": "-1"}
    result = CliRunner().invoke(main, ["gpu-preflight", "--format", "json"], env=env)
    assert result.exit_code == 1, result.output
    document = json.loads(result.output)
    checks = {check["name"]: check["status"] for check in document["checks"]}
    assert checks["nvidia-smi"] == "pass"
    assert checks["CUDA_VISIBLE_DEVICES"] == "fail"
    assert document["gpus"] == [H100_JSON]

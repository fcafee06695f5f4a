"""The shell steps of gpu-tests and container-scan, run for real with bash as the runner runs them,
against fake tools that are real executables: ``apptainer``, ``docker``, ``trivy``, ``grype``,
``cosign``, ``metstandards`` and ``python`` scripts that log their arguments (and write the files
a real one writes). What needs a GPU, a container engine or a registry is not run here; the
commands the steps give those tools are checked instead, with the values the workflow's
expressions would pass in ``env:``."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from ._files import WORKFLOWS_DIR, load

BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None, reason="the steps run with bash")

#: A fake tool: logs one line per call (its arguments, tab-separated) to $FAKE_LOG/<name>, writes
#: the file an `--output FILE`, `--output format=FILE` or `--file FILE` option names, and exits
#: with $FAKE_EXIT_<NAME> when the call has that tool's gate option.
FAKE = r"""#!/usr/bin/env bash
name=$(basename "$0")
{ printf '%s' "$name"; printf '\t%s' "$@"; printf '\n'; } >> "$FAKE_LOG/$name"
previous=""
for arg in "$@"; do
  case "$previous" in
    --output | --file) [[ "$arg" == *=* ]] && arg=${arg#*=}; [[ "$arg" == */* ]] && : > "$arg" ;;
  esac
  previous=$arg
done
# A tool told to read a secret from standard input reads it, as the real one does: a writer
# into an unread pipe would get SIGPIPE, and `set -o pipefail` would fail the step at random.
for arg in "$@"; do
  if [[ "$arg" == "--password-stdin" ]]; then cat > /dev/null; fi
done
if [[ "$name" == "apptainer" && "$1" == "--version" ]]; then echo "apptainer version 1.3.4"; fi
if [[ "$name" == "apptainer" && "$1" == "exec" ]]; then
  # Runs the command after the image, as `apptainer exec` would, with PATH prepended.
  shift
  while [[ "$1" == --* ]]; do
    case "$1" in --bind | --pwd) shift 2 ;; *) shift ;; esac
  done
  shift
  PATH="${APPTAINERENV_PREPEND_PATH:+$APPTAINERENV_PREPEND_PATH:}$PATH" exec "$@"
fi
gate=""
case "$name" in
  trivy) [[ " $* " == *" --exit-code 1 "* ]] && gate=${FAKE_EXIT_TRIVY:-0} ;;
  grype) [[ " $* " == *" --fail-on "* ]] && gate=${FAKE_EXIT_GRYPE:-0} ;;
esac
exit "${gate:-0}"
"""


@dataclass
class Ran:
    """A step's outcome: status, output, and what it logged and wrote."""

    returncode: int
    output: str
    logs: Path
    files: Path

    def calls(self, tool: str) -> list[list[str]]:
        path = self.logs / tool
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        return [line.split("\t")[1:] for line in lines]

    def github_file(self, name: str) -> dict[str, str]:
        path = self.files / name
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        return dict(line.split("=", 1) for line in lines if "=" in line)


def step_script(workflow: str, job: str, step: str) -> str:
    steps = load(WORKFLOWS_DIR / workflow)["jobs"][job]["steps"]
    script = next(s["run"] for s in steps if s.get("name") == step)
    assert isinstance(script, str)
    return script


@pytest.fixture
def runner(tmp_path: Path) -> Runner:
    return Runner(tmp_path)


class Runner:
    """A runner's environment in a temporary folder: workspace, RUNNER_TEMP, the GITHUB_* files,
    and a folder of fake tools first on the PATH."""

    def __init__(self, root: Path) -> None:
        self.workspace = root / "workspace"
        self.temp = root / "runner-temp"
        self.bin = root / "bin"
        self.logs = root / "logs"
        self.files = root / "github"
        for folder in (self.workspace, self.temp, self.bin, self.logs, self.files):
            folder.mkdir(parents=True)

    def fake(self, *names: str) -> None:
        for name in names:
            path = self.bin / name
            path.write_text(FAKE, encoding="utf-8")
            path.chmod(0o755)

    def run(self, workflow: str, job: str, step: str, env: Mapping[str, str]) -> Ran:
        script = self.temp / "step.sh"
        script.write_text(step_script(workflow, job, step), encoding="utf-8")
        system_path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p)
        environ = {
            "PATH": f"{self.bin}{os.pathsep}{system_path}",
            "HOME": str(self.temp),
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_ACTOR": "octocat",
            "GITHUB_REPOSITORY": "met-example/nowcast",
            "FAKE_LOG": str(self.logs),
            **{f"GITHUB_{k}": str(self.files / k.lower()) for k in ("ENV", "OUTPUT", "PATH")},
            "GITHUB_STEP_SUMMARY": str(self.files / "summary"),
            **env,
        }
        assert BASH is not None
        done = subprocess.run(
            [BASH, "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            capture_output=True,
            text=True,
            cwd=self.workspace,
            env=environ,
            timeout=60,
            check=False,
        )
        return Ran(done.returncode, done.stdout + done.stderr, self.logs, self.files)


# -- gpu-tests -------------------------------------------------------------------------------

PREPARE = "Prepare the caches and the command that runs in the image"
GPU_ENV = {
    "DEPRECATED_LABELS": "",
    "DEPRECATED_REQUIREMENT": "",
    "CACHE_DIR": "",
    "IN_CONTAINER": "false",
    "APPTAINER_IMAGE": "",
    "GPU_VENDOR": "nvidia",
}


@pytest.mark.slow
def test_on_the_runner_the_wrapper_runs_the_command_as_it_is(runner: Runner) -> None:
    ran = runner.run("gpu-tests.yml", "gpu-tests", PREPARE, GPU_ENV)
    assert ran.returncode == 0, ran.output
    done = subprocess.run(
        [str(runner.temp / "gpu-tests" / "run"), "echo", "on the runner"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "on the runner\n"
    assert ran.github_file("env") == {}


@pytest.mark.slow
def test_a_cache_dir_on_the_runner_holds_the_model_and_pip_caches(runner: Runner) -> None:
    cache = runner.temp / "scratch" / "ml-ci"
    ran = runner.run("gpu-tests.yml", "gpu-tests", PREPARE, {**GPU_ENV, "CACHE_DIR": str(cache)})
    assert ran.returncode == 0, ran.output
    assert ran.github_file("env") == {
        "PIP_CACHE_DIR": f"{cache}/pip",
        "HF_HOME": f"{cache}/huggingface",
        "TORCH_HOME": f"{cache}/torch",
        "CI_CACHE_DIR": f"{cache}/data",
    }
    assert sorted(p.name for p in cache.iterdir()) == ["data", "huggingface", "pip", "torch"]
    volume = runner.run("gpu-tests.yml", "gpu-tests", PREPARE, {**GPU_ENV, "CACHE_DIR": "vol"})
    assert volume.returncode == 1
    assert "a named Docker volume needs a container image" in volume.output


@pytest.mark.slow
def test_the_deprecated_inputs_warn(runner: Runner) -> None:
    env = {**GPU_ENV, "DEPRECATED_LABELS": '["gpu"]', "DEPRECATED_REQUIREMENT": "metstandards"}
    ran = runner.run("gpu-tests.yml", "gpu-tests", PREPARE, env)
    assert ran.returncode == 0, ran.output
    assert "::warning title=gpu-tests::the input runner-labels is deprecated" in ran.output
    assert "the input metstandards-requirement is deprecated" in ran.output


@pytest.mark.slow
@pytest.mark.parametrize(
    ("image", "vendor", "pulled", "flag"),
    [
        (
            "/scratch/images/pytorch-24.05.sif",
            "nvidia",
            "/scratch/images/pytorch-24.05.sif",
            "--nv",
        ),
        (
            "nvcr.io/nvidia/pytorch:24.05-py3",
            "nvidia",
            "docker://nvcr.io/nvidia/pytorch:24.05-py3",
            "--nv",
        ),
        ("docker://rocm/pytorch:latest", "amd", "docker://rocm/pytorch:latest", "--rocm"),
    ],
)
def test_apptainer_runs_every_command_in_the_image_inside_a_venv(
    runner: Runner, image: str, vendor: str, pulled: str, flag: str
) -> None:
    runner.fake("apptainer")
    cache = runner.temp / "cache"
    env = {**GPU_ENV, "APPTAINER_IMAGE": image, "GPU_VENDOR": vendor, "CACHE_DIR": str(cache)}
    ran = runner.run("gpu-tests.yml", "gpu-tests", PREPARE, env)
    assert ran.returncode == 0, ran.output
    venv = runner.temp / "gpu-tests" / "venv"
    binds = ["--bind", str(runner.workspace), "--bind", str(runner.temp), "--bind", str(cache)]
    assert ran.calls("apptainer") == [
        ["exec", *binds, pulled, "python3", "-m", "venv", "--without-pip",
         "--system-site-packages", str(venv)],
        ["--version"],
    ]  # fmt: skip
    # The fake ran the command after the image here: a real venv, without a pip of its own.
    assert (venv / "bin" / "python3").exists()
    assert not (venv / "bin" / "pip").exists()
    # The wrapper: apptainer exec with the GPUs, the binds, the current folder, the venv first.
    done = subprocess.run(
        [str(runner.temp / "gpu-tests" / "run"), "bash", "-c", 'echo "$PATH"'],
        capture_output=True,
        text=True,
        cwd=runner.workspace,
        env={
            **os.environ,
            "PATH": f"{runner.bin}:{os.environ['PATH']}",
            "FAKE_LOG": str(runner.logs),
        },
        check=True,
    )
    assert done.stdout.startswith(f"{venv}/bin:")
    assert ran.calls("apptainer")[-1] == [
        "exec", flag, *binds, "--pwd", str(runner.workspace), pulled, "bash", "-c", 'echo "$PATH"',
    ]  # fmt: skip


@pytest.mark.slow
def test_without_apptainer_on_the_path_the_job_says_so(runner: Runner) -> None:
    env = {**GPU_ENV, "APPTAINER_IMAGE": "/images/x.sif", "PATH": "/usr/bin:/bin"}
    ran = runner.run("gpu-tests.yml", "gpu-tests", PREPARE, env)
    assert ran.returncode == 1
    assert "neither apptainer nor singularity is on the runner's PATH" in ran.output


def prepared(runner: Runner) -> None:
    ran = runner.run("gpu-tests.yml", "gpu-tests", PREPARE, GPU_ENV)
    assert ran.returncode == 0, ran.output


@pytest.mark.slow
@pytest.mark.parametrize(
    ("count", "extra", "expected"),
    [
        ("all", "", ["--vendor", "nvidia"]),
        ("2", "", ["--vendor", "nvidia", "--min-gpus", "2"]),
        ("4", "--framework torch  --min-gpus 8", [
            "--vendor", "nvidia", "--min-gpus", "4", "--framework", "torch", "--min-gpus", "8",
        ]),
    ],
)  # fmt: skip
def test_the_preflight_gets_the_vendor_the_gpu_count_and_the_callers_options(
    runner: Runner, count: str, extra: str, expected: list[str]
) -> None:
    prepared(runner)
    runner.fake("metstandards")
    env = {"PREFLIGHT_ARGS": extra, "GPU_COUNT": count, "GPU_VENDOR": "nvidia"}
    ran = runner.run("gpu-tests.yml", "gpu-tests", "GPU preflight", env)
    assert ran.returncode == 0, ran.output
    assert ran.calls("metstandards") == [["gpu-preflight", *expected]]


@pytest.mark.slow
@pytest.mark.parametrize("coverage", ["true", "false"])
def test_install_and_pytest_add_coverage_when_asked(runner: Runner, coverage: str) -> None:
    prepared(runner)
    runner.fake("python")
    install = {
        "INSTALL_COMMAND": "echo installed > installed.txt",
        "REQUIREMENT": "metstandards @ git+https://github.com/metstandards/metstandards@abc",
        "COVERAGE": coverage,
    }
    ran = runner.run("gpu-tests.yml", "gpu-tests", "Install the project and metstandards", install)
    assert ran.returncode == 0, ran.output
    assert (runner.workspace / "installed.txt").read_text() == "installed\n"
    pip = [["-m", "pip", "install", install["REQUIREMENT"]]]
    cov = [["-m", "pip", "install", "pytest-cov"]] if coverage == "true" else []
    assert ran.calls("python") == pip + cov
    reports = str(runner.temp / "gpu-tests")
    tests = {"PYTEST_ADDOPTS": "-m gpu", "REPORTS": reports, "COVERAGE": coverage}
    ran = runner.run("gpu-tests.yml", "gpu-tests", "pytest", tests)
    assert ran.returncode == 0, ran.output
    cov_args = ["--cov", f"--cov-report=xml:{reports}/coverage.xml", "--cov-report=term"]
    expected = ["-m", "pytest", f"--junitxml={reports}/junit.xml"]
    assert ran.calls("python")[-1] == expected + (cov_args if coverage == "true" else [])


# -- container-scan --------------------------------------------------------------------------

SCAN = "Scan for vulnerabilities (SARIF, SBOM, table)"


def scan_env(runner: Runner, **changes: str) -> dict[str, str]:
    return {
        "IMAGE": "",
        "LOCAL_IMAGE": "container-scan.local/image:abc",
        "SCANNER": "trivy",
        "REPORTS": str(runner.temp / "container-scan"),
        "PLATFORMS": "",
        "SEVERITY": "CRITICAL,HIGH",
        "IGNORE_UNFIXED": "true",
        "IGNORE_FILE": "",
        "TRIVY_CACHE_DIR": str(runner.temp / "trivy-cache"),
        "GRYPE_DB_CACHE_DIR": str(runner.temp / "grype-db"),
        "GRYPE_DB_AUTO_UPDATE": "false",
        **changes,
    }


@pytest.mark.slow
def test_trivy_scans_the_local_image_into_sarif_sbom_and_a_gate(runner: Runner) -> None:
    runner.fake("trivy")
    ran = runner.run("container-scan.yml", "scan", SCAN, scan_env(runner))
    assert ran.returncode == 0, ran.output
    reports = runner.temp / "container-scan"
    common = ["image", "--cache-dir", str(runner.temp / "trivy-cache"), "--skip-db-update",
              "--quiet", "--ignore-unfixed"]  # fmt: skip
    target = "container-scan.local/image:abc"
    assert ran.calls("trivy") == [
        [*common, "--format", "sarif", "--severity", "CRITICAL,HIGH", "--output",
         f"{reports}/trivy.sarif", target],
        [*common, "--format", "cyclonedx", "--output", f"{reports}/sbom.cdx.json", target],
        [*common, "--format", "table", "--severity", "CRITICAL,HIGH", "--exit-code", "1", target],
    ]  # fmt: skip
    assert sorted(p.name for p in reports.iterdir()) == ["sbom.cdx.json", "trivy.sarif"]
    assert ran.github_file("output") == {"found": "0"}


@pytest.mark.slow
def test_findings_are_recorded_for_the_gate_after_the_reports(runner: Runner) -> None:
    runner.fake("trivy")
    ran = runner.run("container-scan.yml", "scan", SCAN, scan_env(runner, FAKE_EXIT_TRIVY="1"))
    assert ran.returncode == 0, ran.output
    assert ran.github_file("output") == {"found": "1"}


@pytest.mark.slow
def test_a_registry_image_is_scanned_for_each_platform(runner: Runner) -> None:
    runner.fake("trivy")
    image = "ghcr.io/met-example/nowcast@sha256:" + "a" * 64
    env = scan_env(runner, IMAGE=image, PLATFORMS="linux/amd64, linux/arm64")
    ran = runner.run("container-scan.yml", "scan", SCAN, env)
    assert ran.returncode == 0, ran.output
    calls = ran.calls("trivy")
    assert len(calls) == 6
    assert all(call[-1] == image for call in calls)
    assert [call[call.index("--platform") + 1] for call in calls] == (
        ["linux/amd64"] * 3 + ["linux/arm64"] * 3
    )
    assert sorted(p.name for p in (runner.temp / "container-scan").iterdir()) == [
        "sbom-linux-arm64.cdx.json",
        "sbom.cdx.json",
        "trivy-linux-arm64.sarif",
        "trivy.sarif",
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("scanner", "name", "expected"),
    [
        ("trivy", ".trivyignore", ["--ignorefile", ".trivyignore"]),
        ("trivy", ".trivyignore.yaml", ["--ignorefile", ".trivyignore.yaml"]),
        ("trivy", "security/nowcast.openvex.json", ["--vex", "security/nowcast.openvex.json"]),
        ("grype", "security/nowcast.openvex.json", ["--vex", "security/nowcast.openvex.json"]),
    ],
)
def test_the_ignore_file_goes_to_the_scanner_as_vex_or_ignore_rules(
    runner: Runner, scanner: str, name: str, expected: list[str]
) -> None:
    runner.fake(scanner)
    (runner.workspace / name).parent.mkdir(parents=True, exist_ok=True)
    (runner.workspace / name).write_text("CVE-2024-0001\n", encoding="utf-8")
    ran = runner.run(
        "container-scan.yml", "scan", SCAN, scan_env(runner, SCANNER=scanner, IGNORE_FILE=name)
    )
    assert ran.returncode == 0, ran.output
    for call in ran.calls(scanner):
        assert any(call[i : i + 2] == expected for i in range(len(call)))


@pytest.mark.slow
def test_grype_turns_a_trivyignore_into_ignore_rules_and_gates_on_the_lowest_severity(
    runner: Runner,
) -> None:
    runner.fake("grype")
    (runner.workspace / ".trivyignore").write_text(
        "# accepted risk, see ticket 42\nCVE-2024-0001\n\nGHSA-abcd-efgh-ijkl exp:2030-01-01\n",
        encoding="utf-8",
    )
    env = scan_env(runner, SCANNER="grype", IGNORE_FILE=".trivyignore", SEVERITY="critical,medium")
    ran = runner.run("container-scan.yml", "scan", SCAN, env)
    assert ran.returncode == 0, ran.output
    reports = runner.temp / "container-scan"
    assert (reports / "grype-ignore.yaml").read_text() == (
        'ignore:\n  - vulnerability: "CVE-2024-0001"\n  - vulnerability: "GHSA-abcd-efgh-ijkl"\n'
    )
    source = ["docker:container-scan.local/image:abc", "--config", f"{reports}/grype-ignore.yaml",
              "--only-fixed"]  # fmt: skip
    assert ran.calls("grype") == [
        [*source, "--output", "table", "--output", f"sarif={reports}/grype.sarif",
         "--output", f"cyclonedx-json={reports}/sbom.cdx.json"],
        [*source, "--quiet", "--output", "json", "--file", f"{reports}/grype-gate.json",
         "--fail-on", "medium"],
    ]  # fmt: skip
    assert sorted(p.name for p in reports.iterdir()) == [
        "grype-ignore.yaml",
        "grype.sarif",
        "sbom.cdx.json",
    ]
    gate = runner.run("container-scan.yml", "scan", SCAN, {**env, "FAKE_EXIT_GRYPE": "1"})
    assert gate.github_file("output")["found"] == "1"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("scanner", "name", "exists", "message"),
    [
        ("trivy", ".trivyignore", False, "ignore-file .trivyignore is not in the repository"),
        ("grype", ".trivyignore.yaml", True, "Grype cannot read .trivyignore.yaml"),
    ],
)
def test_an_ignore_file_the_scanner_cannot_use_stops_the_scan(
    runner: Runner, scanner: str, name: str, exists: bool, message: str
) -> None:
    runner.fake(scanner)
    if exists:
        (runner.workspace / name).write_text("vulnerabilities: []\n", encoding="utf-8")
    env = scan_env(runner, SCANNER=scanner, IGNORE_FILE=name)
    ran = runner.run("container-scan.yml", "scan", SCAN, env)
    assert ran.returncode == 1
    assert f"::error title=container-scan::{message}" in ran.output
    assert ran.calls(scanner) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("image", "password", "login"),
    [
        ("ghcr.io/met-example/nowcast", "", ["login", "ghcr.io", "--username", "octocat"]),
        ("registry.example.int:5000/met/nowcast", "s3cret",
         ["login", "registry.example.int:5000", "--username", "robot"]),
        ("library/python", "s3cret", ["login", "docker.io", "--username", "robot"]),
        ("nvcr.io/nvidia/pytorch", "", None),
    ],
)  # fmt: skip
def test_the_login_finds_the_registry_and_the_credentials(
    runner: Runner, image: str, password: str, login: list[str] | None
) -> None:
    runner.fake("docker")
    env = {
        "IMAGE": image,
        "REGISTRY_USERNAME": "robot" if password else "",
        "REGISTRY_PASSWORD": password,
        "GITHUB_TOKEN": "ghs_token",
    }
    ran = runner.run("container-scan.yml", "build", "Log in to the registry", env)
    assert ran.returncode == 0, ran.output
    assert ran.calls("docker") == ([[*login, "--password-stdin"]] if login else [])
    if login is None:
        assert "is used without logging in" in ran.output


@pytest.mark.slow
def test_the_image_is_signed_by_digest_and_each_sbom_attested(runner: Runner) -> None:
    runner.fake("cosign")
    reports = runner.temp / "container-scan"
    reports.mkdir()
    for name in ("sbom.cdx.json", "sbom-linux-arm64.cdx.json", "trivy.sarif"):
        (reports / name).write_text("{}", encoding="utf-8")
    image = "ghcr.io/met-example/nowcast@sha256:" + "b" * 64
    ran = runner.run(
        "container-scan.yml", "sign", "Sign and attest", {"IMAGE": image, "REPORTS": str(reports)}
    )
    assert ran.returncode == 0, ran.output
    assert ran.calls("cosign") == [
        ["sign", "--yes", "--recursive", image],
        ["attest", "--yes", "--type", "cyclonedx", "--predicate",
         f"{reports}/sbom-linux-arm64.cdx.json", image],
        ["attest", "--yes", "--type", "cyclonedx", "--predicate",
         f"{reports}/sbom.cdx.json", image],
    ]  # fmt: skip
    summary = (runner.files / "summary").read_text(encoding="utf-8")
    assert f"cosign verify {image}" in summary
    assert "--certificate-github-workflow-repository met-example/nowcast" in summary
    tagged = runner.run(
        "container-scan.yml",
        "sign",
        "Sign and attest",
        {"IMAGE": "ghcr.io/x/y:v1", "REPORTS": str(reports)},
    )
    assert tagged.returncode == 1
    assert "is not pinned by digest" in tagged.output


@pytest.mark.slow
def test_the_release_and_check_jobs_warn_about_the_deprecated_requirement(runner: Runner) -> None:
    runner.fake("python")
    env = {"REQUIREMENT": "metstandards==0.1.0", "DEPRECATED_REQUIREMENT": "metstandards==0.1.0"}
    ran = runner.run("release.yml", "version-tag", "Install metstandards", env)
    assert ran.returncode == 0, ran.output
    assert "::warning title=release::the input metstandards-requirement is deprecated" in ran.output
    assert ran.calls("python") == [["-m", "pip", "install", "metstandards==0.1.0"]]
    env = {**env, "INSTALL_COMMAND": "", "DEPRECATED_REQUIREMENT": ""}
    ran = runner.run("metstandards.yml", "check", "Install the project and metstandards", env)
    assert ran.returncode == 0, ran.output
    assert "deprecated" not in ran.output


@pytest.mark.slow
@pytest.mark.parametrize("mirror", ["", "registry.example.int/mirror/aquasecurity/trivy-db:2"])
def test_the_trivy_database_mirror_is_set_only_when_given(runner: Runner, mirror: str) -> None:
    runner.fake("trivy")
    env = {"SCANNER": "trivy", "TRIVY_DB_MIRROR": mirror}
    ran = runner.run("container-scan.yml", "scan", "Find the scanner on the runner", env)
    assert ran.returncode == 0, ran.output
    assert ran.github_file("env") == ({"TRIVY_DB_REPOSITORY": mirror} if mirror else {})
    assert ran.github_file("output")["on-path"] == "true"
    assert (runner.temp / "empty").is_dir()

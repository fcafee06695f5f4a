"""The components run for real with gitlab-ci-local's shell executor, included as ``local:``
with ``inputs:`` into a scratch repository made from the example project (see _pipeline.py).

What runs here for real: the metstandards job (fails on the example's violations, writes a Code
Quality report that validates), python-ci's pytest job, the release's version-tag job (refuses a
tag that names another version, accepts the right one), the GPU job up to its shared memory
check and its preflight (this machine has no GPU), the org audit in two shards with the merge
and Pages jobs. The jobs that need a container engine, a registry or a scanner's database
(build, push, Trivy, Grype, cosign) run their scripts with stand-ins for those programs that
record how they were called; what they would do is not run here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ._pipeline import VERSION, Pipeline, job_lines

SCHEMA = (
    Path(__file__).resolve().parents[2]
    / "src/metstandards/reporters/gitlab-code-quality.schema.json"
)
#: metstandards from this environment, nothing installed by the jobs.
INSTALLED = {"install-requirement": ""}

pytestmark = pytest.mark.slow


def _passed(output: str, job: str) -> bool:
    return re.search(rf"^ PASS  {re.escape(job)}(?:\s|$)", output, re.M) is not None


def _failed(output: str, job: str) -> bool:
    return re.search(rf"^ FAIL  {re.escape(job)}(?:\s|$)", output, re.M) is not None


def test_metstandards_job_fails_on_the_examples_violations_with_a_valid_code_quality_report(
    pipeline: Pipeline,
) -> None:
    # pip-audit needs its vulnerability service; it is out of reach here.
    pipeline.include("metstandards", {**INSTALLED, "install-command": "", "skip": "pip-audit"})
    run = pipeline.run("metstandards")
    assert _failed(run.stdout, "metstandards"), run.stdout
    printed = "\n".join(job_lines(run.stdout, "metstandards"))
    assert "src/nowcast/train.py:27:13: MS202" in printed
    reports = pipeline.root / "metstandards-reports"
    assert sorted(p.name for p in reports.iterdir()) == [
        "gl-code-quality-report.json",
        "metstandards.junit.xml",
        "metstandards.md",
    ]
    issues = json.loads((reports / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    jsonschema.validate(issues, json.loads(SCHEMA.read_text(encoding="utf-8")))
    found = {(issue["check_name"], issue["location"]["path"]) for issue in issues}
    assert {("MS202", "src/nowcast/train.py"), ("MS101", "src/nowcast/data.py")} <= found
    assert ("ruff:NPY002", "src/nowcast/data.py") in found
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    assert {issue["severity"] for issue in issues} <= {"minor", "major", "critical"}
    # The artifacts GitLab keeps, also of a failed job.
    kept = pipeline.artifacts("metstandards") / "metstandards-reports"
    assert (kept / "gl-code-quality-report.json").is_file()


def test_a_check_that_did_not_run_fails_the_job_unless_tolerated(pipeline: Pipeline) -> None:
    """Only pip-audit runs, and cannot reach its service: exit status 3."""
    only_pip_audit = "lint complexity version-tag ruff mypy bandit repository"
    inputs = {**INSTALLED, "install-command": "", "skip": only_pip_audit}
    pipeline.include("metstandards", inputs)
    strict = pipeline.run("metstandards")
    assert _failed(strict.stdout, "metstandards"), strict.stdout
    assert "which never counts as a pass" in strict.stdout

    pipeline.include("metstandards", {**inputs, "fail-on-not-run": False})
    tolerated = pipeline.run("metstandards")
    assert "tolerated because fail-on-not-run is false" in tolerated.stdout, tolerated.stdout
    assert re.search(r"^ WARN  metstandards(?:\s|$)", tolerated.stdout, re.M), tolerated.stdout


def test_python_ci_runs_pytest_with_junit_and_coverage(pipeline: Pipeline) -> None:
    pipeline.include(
        "python-ci",
        {
            "python-versions": ["3.11"],
            # The scratch repository is not installed (that would need the network): the
            # package is imported from src/, and pytest and pytest-cov are this environment's.
            "install-command": "true",
            "pytest-args": "-o pythonpath=src",
        },
    )
    jobs = pipeline.jobs()
    assert set(jobs) == {"python-ci:ruff", "python-ci:mypy", "python-ci:pytest: [3.11]"}
    run = pipeline.run("python-ci:pytest: [3.11]")
    assert _passed(run.stdout, "python-ci:pytest: [3.11]"), run.stdout
    assert "1 passed" in run.stdout
    assert re.search(r"PASS  python-ci:pytest: \[3\.11\] \d+% coverage", run.stdout), run.stdout
    reports = pipeline.root / "python-ci-reports"
    junit = (reports / "junit.xml").read_text(encoding="utf-8")
    assert 'tests="1"' in junit
    assert 'failures="0"' in junit
    assert "src/nowcast/config.py" in (reports / "coverage.xml").read_text(encoding="utf-8")


def test_release_refuses_a_tag_that_names_another_version_and_accepts_its_own(
    pipeline: Pipeline,
) -> None:
    pipeline.include("release", INSTALLED)
    on_branch = pipeline.jobs()
    assert on_branch == {}, "a branch pipeline releases nothing"
    on_tag = pipeline.jobs({"CI_COMMIT_TAG": "v0.4.0"})
    assert on_tag["release:gitlab-registry"]["when"] == "on_success"
    assert set(on_tag) == {"release:version-tag", "release:build", "release:gitlab-registry"}

    refused = pipeline.run("release:version-tag", variables={"CI_COMMIT_TAG": "v0.4.0"})
    assert _failed(refused.stdout, "release:version-tag"), refused.stdout
    assert (
        "MS502 tag v0.4.0 is version 0.4.0, but pyproject.toml [project].version is 0.3.0"
        in refused.stdout
    )
    accepted = pipeline.run("release:version-tag", variables={"CI_COMMIT_TAG": f"v{VERSION}"})
    assert _passed(accepted.stdout, "release:version-tag"), accepted.stdout
    assert f"tag v{VERSION} = version {VERSION}" in accepted.stdout


def test_release_publishes_to_pypi_only_when_asked_with_an_oidc_token(pipeline: Pipeline) -> None:
    pipeline.include("release", {**INSTALLED, "pypi": "manual", "gitlab-registry": "never"})
    jobs = pipeline.jobs({"CI_COMMIT_TAG": "1.0.0"})
    assert set(jobs) == {"release:version-tag", "release:build", "release:pypi"}
    assert jobs["release:pypi"]["when"] == "manual"
    preview = pipeline.run("--preview", variables={"CI_COMMIT_TAG": "1.0.0"}).stdout
    assert "aud: pypi" in preview
    assert "name: pypi" in preview  # the environment the trusted publisher names


def test_gpu_tests_stop_at_the_preflight_where_there_is_no_gpu(pipeline: Pipeline) -> None:
    pipeline.include(
        "gpu-tests",
        {**INSTALLED, "matrix": ["local"], "install-command": "true", "gpu-count": 2},
    )
    run = pipeline.run("gpu-tests: [local]")
    assert _failed(run.stdout, "gpu-tests: [local]"), run.stdout
    printed = "\n".join(job_lines(run.stdout, "gpu-tests: [local]"))
    assert "FAIL  nvidia-smi" in printed or "FAIL  rocm-smi" in printed, printed
    assert "GPU preflight failed" in printed
    assert not (pipeline.root / "gpu-tests-reports" / "junit.xml").exists(), "pytest ran"


def test_gpu_tests_stop_first_when_shared_memory_is_too_small(pipeline: Pipeline) -> None:
    pipeline.include(
        "gpu-tests",
        {**INSTALLED, "matrix": ["local"], "install-command": "true", "shm-size": "64000g"},
    )
    run = pipeline.run("gpu-tests: [local]")
    assert _failed(run.stdout, "gpu-tests: [local]"), run.stdout
    assert "less than shm-size 64000g" in run.stdout
    assert "shm_size in the [runners.docker] section" in run.stdout
    assert "GPU preflight" not in run.stdout


def test_gpu_tests_run_sif_and_docker_uri_entries_in_apptainer(pipeline: Pipeline) -> None:
    apptainer = pipeline.tool(
        "apptainer", "print('GPU_TESTS_VENV=' + os.environ.get('GPU_TESTS_VENV', ''))"
    )
    images = ["/scratch/images/pytorch-24.05.sif", "docker://nvcr.io/nvidia/pytorch:24.05-py3"]
    pipeline.include(
        "gpu-tests",
        {
            **INSTALLED,
            "matrix": images,
            "gpu-vendor": "nvidia",
            "apptainer-args": "--bind /scratch/data",
            "cache-dir": "/scratch/ml-ci/cache",
        },
    )
    assert set(pipeline.jobs()) == {f"gpu-tests: [{image}]" for image in images}
    printed = {}
    for image in images:
        run = pipeline.run(f"gpu-tests: [{image}]")
        assert _passed(run.stdout, f"gpu-tests: [{image}]"), run.stdout
        printed[image] = run.stdout
    assert apptainer.is_file()
    root = str(pipeline.root)
    for image, call in zip(images, pipeline.calls("apptainer"), strict=True):
        *options, last_image, shell, steps = call
        assert options[:2] == ["exec", "--nv"]
        assert options[2:8] == ["--bind", root, "--bind", "/scratch/ml-ci/cache", "--pwd", root]
        assert options[8:] == ["--bind", "/scratch/data"]
        assert (last_image, shell) == (image, "sh")
        script = Path(steps).read_text(encoding="utf-8")
        assert 'metstandards gpu-preflight "$@" $GPU_TESTS_PREFLIGHT_ARGS' in script
        # The image is read-only: what the job installs goes into a venv in the checkout.
        assert f"GPU_TESTS_VENV={root}/.gpu-tests-venv" in printed[image]


#: A Trivy stand-in: writes the file --output names; the gate call fails with TRIVY_FINDINGS=1.
_TRIVY = """
if "--output" in ARGS:
    with open(ARGS[ARGS.index("--output") + 1], "w") as report:
        report.write("{}")
gate = ARGS[ARGS.index("--exit-code") + 1]
sys.exit(int(gate) if os.environ.get("TRIVY_FINDINGS") == "1" else 0)
"""
_IMAGE = "registry.example.org/weather/nowcast@sha256:" + "a" * 64


def _option(arguments: list[str], name: str) -> str:
    return arguments[arguments.index(name) + 1]


def test_container_scan_scans_an_image_by_digest_with_trivy(pipeline: Pipeline) -> None:
    pipeline.tool("trivy", _TRIVY)
    pipeline.include(
        "container-scan",
        {
            "image-ref": _IMAGE,
            "ignore-file": ".trivyignore",
            "trivy-db-repository": "registry.example.org/aquasecurity/trivy-db:2",
            "vex": "vex.json",
        },
    )
    jobs = pipeline.jobs()
    assert set(jobs) == {"container-scan:trivy"}, "image-ref: nothing to lint or build"

    run = pipeline.run("container-scan:trivy", variables={"TRIVY_FINDINGS": "1"})
    assert _failed(run.stdout, "container-scan:trivy"), run.stdout
    report, sbom, gate = pipeline.calls("trivy")
    for call in (report, sbom, gate):
        assert call[0] == "image"
        assert call[-1] == _IMAGE
        assert _option(call, "--db-repository") == "registry.example.org/aquasecurity/trivy-db:2"
        assert _option(call, "--ignorefile") == ".trivyignore"
        assert _option(call, "--vex") == "vex.json"
        assert "--ignore-unfixed" in call
    assert _option(report, "--template") == "@/contrib/gitlab.tpl"
    assert _option(report, "--severity") == "CRITICAL,HIGH"
    assert _option(sbom, "--format") == "cyclonedx"
    assert (_option(gate, "--format"), _option(gate, "--exit-code")) == ("table", "1")
    kept = pipeline.artifacts("container-scan:trivy") / "container-scan"
    assert {p.name for p in kept.iterdir()} == {
        "gl-container-scanning-report.json",
        "gl-sbom-container.cdx.json",
    }

    pipeline.include("container-scan", {"image-ref": _IMAGE, "fail-on-findings": False})
    reported = pipeline.run("container-scan:trivy", variables={"TRIVY_FINDINGS": "1"})
    assert _passed(reported.stdout, "container-scan:trivy"), reported.stdout


def test_container_scan_with_grype_gates_on_the_lowest_severity(pipeline: Pipeline) -> None:
    pipeline.tool("grype", "")
    pipeline.include(
        "container-scan",
        {"image-ref": _IMAGE, "scanner": "grype", "severity": "CRITICAL,HIGH,MEDIUM"},
    )
    assert set(pipeline.jobs()) == {"container-scan:grype"}
    run = pipeline.run("container-scan:grype")
    assert _passed(run.stdout, "container-scan:grype"), run.stdout
    ((source, *options),) = pipeline.calls("grype")
    assert source == f"registry:{_IMAGE}"
    assert _option(options, "--fail-on") == "medium"
    assert "--only-fixed" in options
    outputs = [options[i + 1] for i, option in enumerate(options) if option == "--output"]
    assert outputs[0] == "table"
    assert outputs[2].startswith("cyclonedx-json=")
    assert outputs[2].endswith("gl-sbom-container.cdx.json")


_BUILDAH = """
if ARGS[:2] == ["manifest", "push"]:
    target = ARGS[-1]
    if target.startswith("oci-archive:"):
        open(target.removeprefix("oci-archive:"), "w").close()
    if "--digestfile" in ARGS:
        with open(ARGS[ARGS.index("--digestfile") + 1], "w") as digest:
            digest.write("sha256:" + "b" * 64)
if ARGS[:1] == ["login"]:
    assert sys.stdin.read() == os.environ["CI_REGISTRY_PASSWORD"]
"""


def test_container_scan_builds_pushes_scans_and_signs_by_digest(pipeline: Pipeline) -> None:
    """The whole chain, with stand-ins for Buildah, Trivy and cosign: the build's arguments, the
    push by digest handed on in a dotenv report, the scan of that build, the signature and the
    SBOM attestation of the pushed digest."""
    pipeline.tool("buildah", _BUILDAH)
    pipeline.tool("trivy", _TRIVY)
    pipeline.tool("cosign", "")
    pipeline.include(
        "container-scan",
        {
            "build-args": "PYTHON=3.12\nLABEL=two words",
            "target": "runtime",
            "platforms": "linux/arm64,linux/amd64",
            "image-name": "$CI_REGISTRY_IMAGE",
            "sign": True,
        },
    )
    registry = {
        "CI_REGISTRY": "registry.example.org",
        "CI_REGISTRY_USER": "gitlab-ci-token",
        "CI_REGISTRY_PASSWORD": "job-token",
        "CI_REGISTRY_IMAGE": "registry.example.org/weather/nowcast-unet",
    }
    jobs = pipeline.jobs(registry)
    assert set(jobs) == {f"container-scan:{job}" for job in ("hadolint", "build", "trivy", "sign")}
    run = pipeline.run("container-scan:sign", "--needs", variables=registry)
    for job in ("build", "trivy", "sign"):
        assert _passed(run.stdout, f"container-scan:{job}"), run.stdout

    build, archive, login, push = pipeline.calls("buildah")
    assert build[:3] == ["build", "--manifest", "container-scan"]
    assert _option(build, "--platform") == "linux/arm64,linux/amd64"
    assert _option(build, "--target") == "runtime"
    assert [build[i + 1] for i, a in enumerate(build) if a == "--build-arg"] == [
        "PYTHON=3.12",
        "LABEL=two words",
    ]
    assert (_option(build, "--file"), build[-1]) == ("Dockerfile", ".")
    assert archive[:3] == ["manifest", "push", "--all"]
    assert archive[-1].startswith("oci-archive:")
    assert login[:1] == ["login"]
    assert login[-1] == "registry.example.org"
    assert push[-1].startswith("docker://registry.example.org/weather/nowcast-unet:")
    assert push[-1].endswith(":" + pipeline.head())

    scan = pipeline.calls("trivy")[0]
    assert _option(scan, "--platform") == "linux/arm64", "the first platform is scanned"
    assert _option(scan, "--input").endswith("container-scan/image.tar")
    digest = "registry.example.org/weather/nowcast-unet@sha256:" + "b" * 64
    login_call, sign, attest = pipeline.calls("cosign")
    assert login_call[:2] == ["login", "registry.example.org"]
    assert sign == ["sign", "--yes", digest]
    assert attest[:4] == ["attest", "--yes", "--type", "cyclonedx"]
    assert attest[-1] == digest


def test_org_audit_runs_in_shards_merges_and_publishes_pages(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    (other / "forecast").mkdir(parents=True)
    (other / "pyproject.toml").write_text('[project]\nname = "forecast"\nversion = "1.0.0"\n')
    (other / "forecast" / "__init__.py").write_text("import numpy as np\nX = np.random.rand()\n")
    from hooks._pre_commit import commit_all, new_repository

    commit_all(new_repository(other))
    (pipeline.root / "repos.txt").write_text(f"# what the audit covers\n{pipeline.root}\n{other}\n")
    pipeline.include(
        "org-audit",
        {**INSTALLED, "gitlab-group": "", "repos-file": "repos.txt", "shards": 2},
    )
    scheduled = {"CI_PIPELINE_SOURCE": "schedule"}
    assert pipeline.jobs() == {}, "only scheduled or started by hand"
    jobs = pipeline.jobs(scheduled)
    # GitLab calls the shards `org-audit:shard 1/2`, gitlab-ci-local `org-audit:shard: [1/2]`.
    shards = sorted(job for job in jobs if job.startswith("org-audit:shard"))
    assert len(shards) == 2
    assert [job[-4:-1] for job in shards] == ["1/2", "2/2"]
    assert set(jobs) - set(shards) == {"org-audit:report", "pages"}

    run = pipeline.run(variables=scheduled)
    for job in (*jobs,):
        assert _passed(run.stdout, job), run.stdout
    shards = sorted((pipeline.root / "org-audit" / "shards").iterdir())
    assert [p.name for p in shards] == ["shard-1.json", "shard-2.json"]
    site = pipeline.artifacts("pages") / "public"
    assert {"index.html", "audit.json", "audit.md", "audit.csv", "audit.prom", "badges"} <= {
        p.name for p in site.iterdir()
    }
    report: dict[str, Any] = json.loads((site / "audit.json").read_text(encoding="utf-8"))
    assert len(report["repositories"]) == 2, report.keys()
    assert report["trend"] is None
    assert "| Repository" in run.stdout or "Repository" in run.stdout  # the Markdown, in the log

    # The next run compares with this one (the report it keeps in GitLab's cache).
    assert (pipeline.root / ".cache/org-audit/audit.json").is_file()
    again = pipeline.run("org-audit:report", variables=scheduled)
    assert _passed(again.stdout, "org-audit:report"), again.stdout
    second = json.loads((pipeline.root / "public/audit.json").read_text(encoding="utf-8"))
    assert second["trend"] is not None

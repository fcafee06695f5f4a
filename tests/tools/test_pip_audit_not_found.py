"""When PyPI's JSON API answers "not found" for every dependency, the service is what failed (a
proxy or firewall that blocks the API answers 404 for everything), not the packages: the reason
says so, with the count, instead of repeating pip-audit's "not found on PyPI".

pip-audit here is a real program that prints what pip-audit prints in that case (its JSON
report, every dependency skipped with its own words); the real pip-audit cannot be put behind
such a proxy offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metstandards.results import Status
from metstandards.tools import pip_audit

from ._project import context, fake_tool

PINS = ["numpy==1.26.4", "requests==2.19.0", "xarray==2024.1.0"]


def _pip_audit_printing(directory: Path, skipped: list[tuple[str, str]]) -> Path:
    report = {
        "dependencies": [{"name": name, "skip_reason": reason} for name, reason in skipped],
        "fixes": [],
    }
    return fake_tool(directory, "pip-audit", f"cat <<'EOF'\n{json.dumps(report)}\nEOF\nexit 0")


def _not_found(name: str, version: str) -> tuple[str, str]:
    """pip-audit's words for a package PyPI's JSON API answered 404 for (pip_audit/_service/
    pypi.py)."""
    return name, f"Dependency not found on PyPI and could not be audited: {name} ({version})"


@pytest.mark.slow
def test_not_found_for_every_dependency_means_the_service_is_blocked(tmp_path: Path) -> None:
    skipped = [_not_found(*pin.split("==")) for pin in PINS]
    search = _pip_audit_printing(tmp_path / "bin", skipped)
    ctx = context(tmp_path / "project", {"requirements.txt": "\n".join(PINS) + "\n"})
    outcome = pip_audit.run(ctx, search=[search])
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason == (
        "the vulnerability service (PyPI's JSON API) answered 'not found' for every dependency "
        "(3 packages: numpy, requests, xarray): it is unreachable or blocked here"
    )
    assert "not found on PyPI" not in outcome.reason


@pytest.mark.slow
def test_a_long_list_is_counted_not_listed(tmp_path: Path) -> None:
    names = [f"package{n}" for n in range(8)]
    search = _pip_audit_printing(tmp_path / "bin", [_not_found(n, "1.0") for n in names])
    requirements = "".join(f"{name}==1.0\n" for name in names)
    ctx = context(tmp_path / "project", {"requirements.txt": requirements})
    reason = pip_audit.run(ctx, search=[search]).reason
    assert "(8 packages: package0, package1, package2, package3, package4 and 3 more)" in reason


@pytest.mark.slow
def test_other_reasons_keep_pip_audits_words(tmp_path: Path) -> None:
    url = "URL requirements cannot be pinned to a specific package version"
    skipped = [_not_found("numpy", "1.26.4"), ("mylib", url)]
    search = _pip_audit_printing(tmp_path / "bin", skipped)
    ctx = context(tmp_path / "project", {"requirements.txt": "numpy==1.26.4\n"})
    outcome = pip_audit.run(ctx, search=[search])
    assert outcome.status is Status.NOT_RUN
    assert outcome.reason == (
        "pip-audit could not audit any dependency: Dependency not found on PyPI and could not "
        f"be audited: numpy; {url}: mylib"
    )

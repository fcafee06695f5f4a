"""Audit documents for the report tests, valid against ``audit-report.schema.json``.

``sample()`` has a repository of every kind a reader meets: failing with every verdict and
findings, passing, on GitLab, not audited (error), a local directory without a forge, and
hostile strings wherever a repository controls them. ``showcase()`` is what the README's
screenshot shows, and ``large(n)`` a deterministic organisation of ``n`` repositories. Summaries
are computed from the repositories, as the audit does.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jsonschema

import metstandards.audit
from metstandards.audit.families import TITLES

SCHEMA = Path(metstandards.audit.__file__).parent / "audit-report.schema.json"
PASS_SCORE = 7.0
WEIGHTS = {"ci": 2.0, "secrets": 2.0}
COMMIT = "3f1c2a9b7d4e5f60718293a4b5c6d7e8f9012345"
GENERATED_AT = "2025-06-02T06:30:00Z"
PREVIOUS_AT = "2025-05-26T06:30:00Z"
#: A repository name that is also an attempt to inject markup and script into the page.
HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'

#: MS6xx code -> (name, family).
CHECKS: Mapping[str, tuple[str, str]] = {
    "MS601": ("pre-commit-standard", "ci"),
    "MS602": ("ci-runs-standard", "ci"),
    "MS603": ("tests-in-ci", "ci"),
    "MS604": ("types-and-lint-configured", "code-quality"),
    "MS605": ("project-documents", "documentation"),
    "MS606": ("release-version-matches", "release"),
    "MS607": ("container-scanned", "ci"),
    "MS608": ("gpu-tested", "ci"),
    "MS609": ("data-not-in-git", "data"),
    "MS610": ("notebooks-stripped", "data"),
    "MS611": ("no-committed-credentials", "secrets"),
    "MS612": ("contribution-templates", "documentation"),
    "MS613": ("release-automated", "release"),
}
PARTS = ("lint", "complexity", "ruff", "mypy", "bandit", "pip-audit")


def validate(document: Mapping[str, Any]) -> None:
    """Raise unless ``document`` is valid against the shipped schema."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)


def check(
    code: str,
    verdict: str = "pass",
    message: str = "",
    evidence: Sequence[tuple[str, int | None, str]] = (),
    hint: str = "",
) -> dict[str, Any]:
    name, family = CHECKS[code]
    return {
        "code": code,
        "name": name,
        "family": family,
        "verdict": verdict,
        "message": message or f"{name}: {verdict}",
        "evidence": [{"path": p, "line": line, "detail": d} for p, line, d in evidence],
        "hint": hint,
    }


def finding(
    code: str, path: str, line: int, message: str, severity: str = "warning"
) -> dict[str, Any]:
    return {"code": code, "severity": severity, "path": path, "line": line, "message": message}


def code_summary(
    findings: Sequence[Mapping[str, Any]] = (),
    *,
    total: int | None = None,
    files: int = 12,
    lines: int = 3400,
    parts: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The code-level summary; ``parts`` maps a part to its status (default: all passed)."""
    counts: dict[str, int] = {}
    for f in findings:
        counts[f["code"]] = counts.get(f["code"], 0) + 1
    statuses = parts or dict.fromkeys(PARTS, "passed")
    per_part = {p: sum(n for c, n in counts.items() if _part_of(c) == p) for p in statuses}
    return {
        "files": files,
        "lines": lines,
        "parts": [
            {
                "check": part,
                "status": "findings" if per_part[part] and status == "passed" else status,
                "reason": {"not-run": "bandit is not installed", "disabled": "off in [audit]"}.get(
                    status, ""
                ),
                "findings": per_part[part],
            }
            for part, status in statuses.items()
        ],
        "counts": counts,
        "findings": list(findings),
        "findings_total": len(findings) if total is None else total,
    }


def _part_of(code: str) -> str:
    if ":" in code:
        return code.split(":", 1)[0]
    return "complexity" if code.startswith("MS5") else "lint"


def repository(
    name: str,
    score: float | None,
    *,
    family_scores: Mapping[str, float | None] | None = None,
    lost: Mapping[str, Sequence[tuple[float, str, str, str]]] | None = None,
    checks: Sequence[Mapping[str, Any]] = (),
    code: Mapping[str, Any] | None = None,
    web_url: str | None = "github",
    commit: str | None = COMMIT,
    error: str = "",
) -> dict[str, Any]:
    """One repository entry; ``web_url="github"`` means ``https://github.com/<name>``, and an
    ``error`` makes it a repository that could not be audited."""
    if error:
        return {
            "name": name,
            "source": f"https://github.com/{name}.git",
            "web_url": f"https://github.com/{name}" if web_url == "github" else web_url,
            "commit": None,
            "status": "error",
            "error": error,
            "score": None,
            "passed": False,
            "families": [],
            "checks": [],
            "code": None,
            "seconds": 300.0,
        }
    scores = family_scores or {}
    losses = lost or {}
    return {
        "name": name,
        "source": f"https://github.com/{name}.git" if web_url == "github" else f"/srv/{name}",
        "web_url": f"https://github.com/{name}" if web_url == "github" else web_url,
        "commit": commit,
        "status": "audited",
        "error": "",
        "score": score,
        "passed": score is not None and score >= PASS_SCORE,
        "families": [
            {
                "id": family,
                "score": scores.get(family, score),
                "lost": [
                    {"points": p, "code": c, "reason": r, "hint": h}
                    for p, c, r, h in losses.get(family, ())
                ],
            }
            for family in TITLES
        ],
        "checks": list(checks),
        "code": dict(code) if code is not None else None,
        "seconds": 12.5,
    }


def document(
    repositories: Sequence[Mapping[str, Any]],
    *,
    trend: Sequence[Mapping[str, Any]] | None = None,
    shard: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """The whole document, its summary computed from ``repositories``."""
    ordered = sorted(repositories, key=lambda r: r["name"])
    audited = [r for r in ordered if r["status"] == "audited"]
    scores = [r["score"] for r in audited if r["score"] is not None]
    distribution = [0] * 11
    for score in scores:
        distribution[min(int(score), 10)] += 1
    return {
        "schema_version": 1,
        "tool": {"name": "metstandards", "version": "0.1.0"},
        "generated_at": GENERATED_AT,
        "profile": "wg3",
        "shard": None if shard is None else {"index": shard[0], "total": shard[1]},
        "pass_score": PASS_SCORE,
        "families": [
            {"id": family, "title": title, "weight": WEIGHTS.get(family, 1.0)}
            for family, title in TITLES.items()
        ],
        "summary": {
            "repositories": len(ordered),
            "audited": len(audited),
            "errors": len(ordered) - len(audited),
            "passing": sum(1 for r in audited if r["passed"]),
            "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
            "distribution": distribution,
        },
        "repositories": list(ordered),
        "trend": None
        if trend is None
        else {"previous_generated_at": PREVIOUS_AT, "repositories": list(trend)},
    }


def change(
    name: str,
    before: float | None,
    after: float | None,
    passing: Sequence[str] = (),
    failing: Sequence[str] = (),
    new: int = 0,
    fixed: int = 0,
) -> dict[str, Any]:
    return {
        "name": name,
        "score_before": before,
        "score_after": after,
        "newly_passing": list(passing),
        "newly_failing": list(failing),
        "findings_new": new,
        "findings_fixed": fixed,
    }


#: The failing repository's findings: what its drill-down lists and links.
NOWCAST_FINDINGS = (
    finding("MS202", "src/nowcast/io.py", 88, "torch.load without weights_only=True", "error"),
    finding("MS101", "src/nowcast/train.py", 12, "np.random.default_rng() without a seed"),
    finding("MS101", "src/nowcast/train.py", 40, "np.random.default_rng() without a seed"),
    finding("MS501", "src/nowcast/model.py", 201, "forward is too complex (C, 23)"),
    finding("ruff:E501", "src/nowcast/plots.py", 7, "Line too long (131 > 100)"),
)


def sample() -> dict[str, Any]:
    """A few repositories covering every verdict, state and link form, and a trend."""
    nowcast = repository(
        "metoffice/nowcast-ml",
        5.4,
        family_scores={"ci": 3.3, "release": 5.0, "data": None, "complexity": 8.7},
        lost={
            "ci": [
                (3.33, "MS603", "MS603 tests-in-ci failed: no CI job runs pytest", "add a job"),
                (3.33, "MS607", "MS607 container-scanned could not decide: timeout", "rerun"),
            ],
            "release": [(5.0, "MS606", "MS606 release-version-matches failed", "tag it")],
            "complexity": [(1.3, "MS501", "1 finding in 3.4 thousand lines", "split forward")],
        },
        checks=[
            check("MS601"),
            check("MS602"),
            check(
                "MS603",
                "fail",
                "No CI job runs the tests: the workflows run ruff and mypy only.",
                [(".github/workflows/ci.yml", 14, "job lint runs ruff, mypy"), ("", None, "job")],
                "Add a pytest step to the CI workflow (python-ci.yml runs it for you).",
            ),
            check(
                "MS606",
                "fail",
                "Tag v1.4.0 does not match the version 1.3.9 in pyproject.toml.",
                [("pyproject.toml", 3, 'version = "1.3.9"'), ("", None, "tag v1.4.0")],
                "Bump the version before tagging, or let release.yml do it.",
            ),
            check(
                "MS607",
                "error",
                "The Dockerfile's base image could not be resolved in time.",
                [("docker/Dockerfile", None, "FROM internal/base:latest")],
                "Check the registry is reachable from the audit runner.",
            ),
            check("MS608", "not-applicable", "No GPU code found."),
            check("MS611"),
        ],
        code=code_summary(
            NOWCAST_FINDINGS,
            total=57,
            parts={
                "lint": "passed",
                "complexity": "passed",
                "ruff": "passed",
                "mypy": "skipped",
                "bandit": "not-run",
                "pip-audit": "disabled",
            },
        ),
    )
    anemoi = repository(
        "ecmwf/anemoi-demo",
        9.2,
        family_scores={"documentation": 8.0, "data": 10.0},
        lost={"documentation": [(2.0, "MS612", "MS612 no issue templates", "add templates")]},
        checks=[check("MS601"), check("MS603"), check("MS605"), check("MS612", "fail", "None.")],
        code=code_summary(),
    )
    icon = repository(
        "dwd/icon-ml",
        6.1,
        web_url="https://gitlab.dkrz.de/dwd/icon-ml/",
        checks=[
            check("MS603", "fail", "No pytest in .gitlab-ci.yml.", [(".gitlab-ci.yml", 2, "")])
        ],
        code=code_summary([finding("MS401", "pkg/config space.py", 5, "learning rate 0.001")]),
    )
    broken = repository(
        "meteoswiss/archived-tool",
        None,
        error="git clone failed: repository not found or access denied",
    )
    local = repository(
        "local-project",
        10.0,
        web_url=None,
        commit=None,
        checks=[check("MS601"), check("MS611")],
        code=code_summary(files=1, lines=20),
    )
    hostile = repository(
        HOSTILE,
        2.0,
        web_url="javascript:window.pwned=3",
        checks=[
            check(
                "MS611",
                "fail",
                "</script><script>window.pwned=4</script>",
                [("a/<b>&c.py", 1, '"><img src=x onerror=window.pwned=5>')],
                "<b onmouseover=window.pwned=6>hint</b>",
            )
        ],
        code=code_summary([finding("MS301", "x/</script>.py", 1, "<iframe src=//evil>")]),
    )
    trend = [
        change("dwd/icon-ml", 4.0, 6.1, ["MS601"], [], 0, 12),
        change("ecmwf/anemoi-demo", 9.2, 9.2),
        change("local-project", None, 10.0, ["MS601", "MS611"]),
        change("meteoswiss/archived-tool", 6.0, None),
        change("metoffice/nowcast-ml", 6.2, 5.4, [], ["MS606"], 7, 2),
        change(HOSTILE, 2.5, 2.0, [], ["<script>"], 1, 0),
    ]
    return document([nowcast, anemoi, icon, broken, local, hostile], trend=trend)


def showcase() -> dict[str, Any]:
    """The sample without its hostile repository, and more repositories like a real
    organisation's: the README's screenshot."""
    rng = random.Random(7)
    kept = [r for r in sample()["repositories"] if r["name"] != HOSTILE]
    names = [
        "dmi/harmonie-emulator",
        "ecmwf/ai-models-graphcast",
        "fmi/precip-nowcast",
        "knmi/wind-downscaling",
        "met-norway/bris-ml",
        "meteofrance/pearo-ml",
        "metoffice/ensemble-calibration",
        "smhi/hydro-forecast",
    ]
    for name in names:
        families = {f: round(rng.uniform(2.5, 10), 1) for f in TITLES}
        families["data"] = rng.choice([None, 10.0, 6.0])
        scored = [s for s in families.values() if s is not None]
        kept.append(repository(name, round(sum(scored) / len(scored), 1), family_scores=families))
    trend = [c for c in sample()["trend"]["repositories"] if c["name"] != HOSTILE]
    for repo in kept[-len(names) :]:
        before = min(10.0, max(0.0, round(repo["score"] - rng.uniform(-1, 1.5), 1)))
        trend.append(change(repo["name"], before, repo["score"], new=rng.randint(0, 9)))
    return document(kept, trend=trend)


def large(
    count: int, *, findings: Sequence[int] = (0, 20, 20, 200), seed: int = 2000
) -> dict[str, Any]:
    """``count`` repositories with every kind of entry, 13 checks each and as many findings
    listed as one of ``findings`` (200 is the wg3 profile's max-findings)."""
    rng = random.Random(seed)
    repositories = []
    for i in range(count):
        name = f"org-{i % 37:02d}/model-{i:05d}"
        if rng.random() < 0.03:
            repositories.append(repository(name, None, error="clone timed out after 300 s"))
            continue
        verdicts = rng.choices(["pass", "fail", "not-applicable", "error"], [8, 3, 2, 0.2], k=13)
        checks = [
            check(
                code,
                verdict,
                f"{code} says {verdict}: something about {name}.",
                [(f"path/to/file{n}.yml", n + 1, "evidence") for n in range(2)],
                "Do this.",
            )
            for code, verdict in zip(CHECKS, verdicts, strict=True)
        ]
        listed = [
            finding(
                rng.choice(["MS101", "MS202", "MS401", "ruff:E501", "bandit:B301"]),
                f"src/pkg/module_{n}.py",
                rng.randint(1, 900),
                "a finding message here",
            )
            for n in range(rng.choice(findings))
        ]
        families = {f: rng.choice([None, *[round(rng.uniform(0, 10), 1)] * 6]) for f in TITLES}
        scored = [s for s in families.values() if s is not None]
        score = round(sum(scored) / len(scored), 1) if scored else None
        lost = {
            f: [(round(10 - s, 1), "MS603", "a reason for the lost points", "a hint")]
            for f, s in families.items()
            if s is not None and s < 10
        }
        repositories.append(
            repository(
                name,
                score,
                family_scores=families,
                lost=lost,
                checks=checks,
                code=code_summary(listed, total=len(listed) + rng.randint(0, 300)),
            )
        )
    trend = [
        change(
            r["name"], r["score"] and max(0.0, r["score"] - 0.5), r["score"], ["MS601"], [], 3, 1
        )
        for r in repositories
    ]
    return document(repositories, trend=trend)

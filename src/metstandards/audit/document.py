"""The audit report as one JSON document: built from a run, merged from shards, compared with
the previous run's, and read back.

The document is the contract between a run and everything after it: the other report formats
render it, ``metstandards audit merge`` combines the shards of a distributed run into the
document one run would have written, and ``--previous`` compares with last week's. Its schema,
``audit-report.schema.json``, ships in the package. Repositories are sorted by name, so a
document depends on what was audited, not on the order workers finished in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from metstandards import __version__
from metstandards.audit import families

SCHEMA_VERSION = 1
T = TypeVar("T")


class DocumentError(Exception):
    """A report that cannot be read or merged; the message names the file and what is wrong."""


def schema() -> dict[str, Any]:
    """The JSON Schema of the document, as shipped."""
    text = files("metstandards.audit").joinpath("audit-report.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def in_shard(name: str, index: int, total: int) -> bool:
    """Whether the repository ``name`` belongs to shard ``index`` of ``total`` (1-based): a
    stable partition by a hash of the name, the same on every machine and every run."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % total == index - 1


def shard(items: Iterable[T], name: Any, index: int, total: int) -> list[T]:
    """The items of one shard; ``name(item)`` is the repository name."""
    return [item for item in items if in_shard(name(item), index, total)]


def build(
    repositories: Sequence[Mapping[str, Any]],
    *,
    profile: str,
    pass_score: float,
    weights: Mapping[str, float],
    shard_of: tuple[int, int] | None = None,
    previous: Mapping[str, Any] | None = None,
    generated_at: str | None = None,
) -> dict[str, Any]:
    """The document of one run (or one shard of it)."""
    ordered = sorted(repositories, key=lambda entry: entry["name"])
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "metstandards", "version": __version__},
        "generated_at": generated_at or now(),
        "profile": profile,
        "shard": None if shard_of is None else {"index": shard_of[0], "total": shard_of[1]},
        "pass_score": pass_score,
        "families": [
            {"id": family, "title": title, "weight": weights.get(family, 1.0)}
            for family, title in families.TITLES.items()
        ],
        "summary": summary(ordered),
        "repositories": list(ordered),
        "trend": None if previous is None else trend(ordered, previous),
    }


def summary(repositories: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    audited = [r for r in repositories if r["status"] == "audited"]
    scores = [r["score"] for r in audited if r["score"] is not None]
    distribution = [0] * 11
    for score in scores:
        distribution[min(int(score), 10)] += 1
    return {
        "repositories": len(repositories),
        "audited": len(audited),
        "errors": len(repositories) - len(audited),
        "passing": sum(1 for r in audited if r["passed"]),
        "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
        "distribution": distribution,
    }


def trend(repositories: Sequence[Mapping[str, Any]], previous: Mapping[str, Any]) -> dict[str, Any]:
    """What changed in each repository since ``previous``: its score, the checks that newly
    pass or fail, and its findings, counted by code (up: new; down: fixed)."""
    before = {r["name"]: r for r in previous["repositories"]}
    changes = []
    for repository in repositories:
        old = before.get(repository["name"])
        changes.append(
            {
                "name": repository["name"],
                "score_before": _score(old),
                "score_after": _score(repository),
                "newly_passing": _changed(old, repository, "pass"),
                "newly_failing": _changed(old, repository, "fail"),
                **_findings_change(old, repository),
            }
        )
    return {"previous_generated_at": previous["generated_at"], "repositories": changes}


def _score(entry: Mapping[str, Any] | None) -> float | None:
    return None if entry is None or entry["status"] != "audited" else entry["score"]


def _verdicts(entry: Mapping[str, Any] | None) -> dict[str, str]:
    if entry is None or entry["status"] != "audited":
        return {}
    return {check["code"]: check["verdict"] for check in entry["checks"]}


def _changed(old: Mapping[str, Any] | None, new: Mapping[str, Any], verdict: str) -> list[str]:
    """Codes whose verdict is ``verdict`` now and was not before (never audited counts too)."""
    before, after = _verdicts(old), _verdicts(new)
    return sorted(
        code for code, now_ in after.items() if now_ == verdict and before.get(code) != verdict
    )


def _findings_change(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, int]:
    before = (old or {}).get("code") or {}
    after = new.get("code") or {}
    old_counts: Mapping[str, int] = before.get("counts", {})
    new_counts: Mapping[str, int] = after.get("counts", {})
    codes = set(old_counts) | set(new_counts)
    deltas = [new_counts.get(code, 0) - old_counts.get(code, 0) for code in codes]
    if old is None or not before or not after:  # nothing to compare with
        return {"findings_new": 0, "findings_fixed": 0}
    return {
        "findings_new": sum(d for d in deltas if d > 0),
        "findings_fixed": -sum(d for d in deltas if d < 0),
    }


def load(path: Path) -> dict[str, Any]:
    """A report written by ``metstandards audit --format json`` (or merge)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise DocumentError(f"{path}: cannot read the audit report: {error}") from None
    except json.JSONDecodeError as error:
        raise DocumentError(
            f"{path}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}"
        ) from None
    if not isinstance(document, dict) or document.get("schema_version") != SCHEMA_VERSION:
        raise DocumentError(
            f"{path}: not a metstandards audit report of schema version {SCHEMA_VERSION} "
            "(written by `metstandards audit --format json`)"
        )
    for key in ("generated_at", "repositories", "profile", "pass_score", "families"):
        if key not in document:
            raise DocumentError(f"{path}: the audit report has no {key!r}")
    return document


def merge(
    documents: Sequence[tuple[Path, Mapping[str, Any]]],
    previous: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The document one run over all shards would have written: repositories combined and
    sorted, the summary recomputed, the latest shard's time as the run's."""
    if not documents:
        raise DocumentError("nothing to merge: give the shards' JSON reports")
    first_path, first = documents[0]
    seen: dict[str, Path] = {}
    for path, document in documents:
        for key in ("profile", "pass_score", "families"):
            if document[key] != first[key]:
                raise DocumentError(
                    f"{path}: its {key} differs from {first_path}'s: shards of one run share "
                    "their settings"
                )
        for repository in document["repositories"]:
            if repository["name"] in seen:
                raise DocumentError(
                    f"{path}: repository {repository['name']} is also in {seen[repository['name']]}"
                )
            seen[repository["name"]] = path
    repositories = [r for _, document in documents for r in document["repositories"]]
    weights = {family["id"]: family["weight"] for family in first["families"]}
    return build(
        repositories,
        profile=first["profile"],
        pass_score=first["pass_score"],
        weights=weights,
        previous=previous,
        generated_at=max(document["generated_at"] for _, document in documents),
    )


def render(document: Mapping[str, Any]) -> str:
    """The document as JSON text, in a stable layout."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

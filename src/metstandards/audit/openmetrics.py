"""The audit as OpenMetrics text: labelled gauges that Prometheus scrapes (or a textfile
collector picks up), so that an existing Grafana shows the standards' adoption over time.

- ``metstandards_audit_score{repository}``: the repository's score, 0 to 10;
- ``metstandards_audit_family_score{repository,family}``: each family's score that exists;
- ``metstandards_audit_check{repository,code,verdict}``: 1 for the verdict a check has;
- ``metstandards_audit_findings{repository,family}``: findings of the code-level parts;
- ``metstandards_audit_repository_error{repository}``: 1 when it could not be audited;
- ``metstandards_audit_repositories`` and ``metstandards_audit_passing``: the totals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from metstandards.audit import families


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{key}="{_label(value)}"' for key, value in labels.items()) + "}"


def _number(value: float) -> str:
    return f"{value:g}"


def render(document: Mapping[str, Any]) -> str:
    metrics: dict[str, tuple[str, list[str]]] = {
        "metstandards_audit_score": ("The repository's score, 0 to 10.", []),
        "metstandards_audit_family_score": ("A standard family's score, 0 to 10.", []),
        "metstandards_audit_check": ("1 for the verdict a repository check has.", []),
        "metstandards_audit_findings": ("Findings of the code-level parts, by family.", []),
        "metstandards_audit_repository_error": ("1 when the repository could not be audited.", []),
    }
    for r in document["repositories"]:
        name = r["name"]
        metrics["metstandards_audit_repository_error"][1].append(
            f"{_labels(repository=name)} {1 if r['status'] == 'error' else 0}"
        )
        if r["score"] is not None:
            metrics["metstandards_audit_score"][1].append(
                f"{_labels(repository=name)} {_number(r['score'])}"
            )
        for f in r["families"]:
            if f["score"] is not None:
                metrics["metstandards_audit_family_score"][1].append(
                    f"{_labels(repository=name, family=f['id'])} {_number(f['score'])}"
                )
        for c in r["checks"]:
            metrics["metstandards_audit_check"][1].append(
                f"{_labels(repository=name, code=c['code'], verdict=c['verdict'])} 1"
            )
        if r["code"] is not None:
            by_family: Counter[str] = Counter()
            for code, count in r["code"]["counts"].items():
                by_family[families.of_code(code)] += count
            for family in families.PARTS:
                metrics["metstandards_audit_findings"][1].append(
                    f"{_labels(repository=name, family=family)} {by_family[family]}"
                )
    s = document["summary"]
    lines = []
    for metric, (help_text, samples) in metrics.items():
        lines += [f"# TYPE {metric} gauge", f"# HELP {metric} {help_text}"]
        lines += [f"{metric}{sample}" for sample in samples]
    lines += [
        "# TYPE metstandards_audit_repositories gauge",
        "# HELP metstandards_audit_repositories Repositories in the audit.",
        f"metstandards_audit_repositories {s['repositories']}",
        "# TYPE metstandards_audit_passing gauge",
        "# HELP metstandards_audit_passing Repositories at or above the pass score.",
        f"metstandards_audit_passing {s['passing']}",
        "# EOF",
    ]
    return "\n".join(lines) + "\n"

"""The audit as Markdown: fits a CI job summary and a wiki page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: What an empty cell shows.
NONE = "-"


def _cell(text: object) -> str:
    escaped = str(text).replace("\\", "\\\\").replace("|", "\\|")
    return " ".join(escaped.split())


def _score(value: float | None) -> str:
    return NONE if value is None else f"{value:.1f}"


def render(document: Mapping[str, Any]) -> str:
    s = document["summary"]
    families = [f["id"] for f in document["families"]]
    titles = {f["id"]: f["title"] for f in document["families"]}
    lines = [
        "# metstandards audit",
        "",
        f"{s['repositories']} repositories, {s['audited']} audited, **{s['passing']} passing** "
        f"(score ≥ {document['pass_score']:g}), {s['errors']} not audited; mean score "
        f"**{_score(s['mean_score'])}**. Profile `{document['profile']}`, "
        f"{document['generated_at']}.",
        "",
        "| Repository | Score | " + " | ".join(_cell(titles[f]) for f in families) + " |",
        "|---|---:|" + "---:|" * len(families),
    ]
    for r in document["repositories"]:
        if r["status"] == "error":
            cells = ["error"] + [NONE] * len(families)
        else:
            by_id = {f["id"]: f["score"] for f in r["families"]}
            mark = "✅" if r["passed"] else "❌"
            cells = [f"{mark} {_score(r['score'])}"] + [_score(by_id.get(f)) for f in families]
        lines.append(f"| {_cell(r['name'])} | " + " | ".join(cells) + " |")
    failing = [
        (r["name"], c)
        for r in document["repositories"]
        for c in r["checks"]
        if c["verdict"] in ("fail", "error")
    ]
    if failing:
        lines += [
            "",
            "## Failing checks",
            "",
            "| Repository | Check | Why | What to do |",
            "|---|---|---|---|",
        ]
        for name, c in failing:
            what = "could not decide" if c["verdict"] == "error" else c["hint"]
            why = _cell(c["message"])
            lines.append(f"| {_cell(name)} | {c['code']} {c['name']} | {why} | {_cell(what)} |")
    errors = [r for r in document["repositories"] if r["status"] == "error"]
    if errors:
        lines += ["", "## Not audited", ""]
        lines += [f"- {_cell(r['name'])}: {_cell(r['error'])}" for r in errors]
    if document["trend"] is not None:
        lines += [
            "",
            f"## Since {document['trend']['previous_generated_at']}",
            "",
            "| Repository | Score | Newly passing | Newly failing | New findings | Fixed |",
            "|---|---|---|---|---:|---:|",
        ]
        for c in document["trend"]["repositories"]:
            scores = f"{_score(c['score_before'])} → {_score(c['score_after'])}"
            passing = ", ".join(c["newly_passing"]) or NONE
            failing_now = ", ".join(c["newly_failing"]) or NONE
            lines.append(
                f"| {_cell(c['name'])} | {scores} | {passing} | {failing_now} | "
                f"{c['findings_new']} | {c['findings_fixed']} |"
            )
    return "\n".join(lines) + "\n"

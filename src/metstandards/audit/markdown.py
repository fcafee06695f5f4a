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
    sections = (_overview, _failing, _not_audited, _trend)
    return "\n\n".join(text for section in sections if (text := section(document))) + "\n"


def _overview(document: Mapping[str, Any]) -> str:
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
    lines += [_row(r, families) for r in document["repositories"]]
    return "\n".join(lines)


def _row(repository: Mapping[str, Any], families: list[str]) -> str:
    if repository["status"] == "error":
        cells = ["error"] + [NONE] * len(families)
    else:
        by_id = {f["id"]: f["score"] for f in repository["families"]}
        mark = "✅" if repository["passed"] else "❌"
        cells = [f"{mark} {_score(repository['score'])}"]
        cells += [_score(by_id.get(f)) for f in families]
    return f"| {_cell(repository['name'])} | " + " | ".join(cells) + " |"


def _failing(document: Mapping[str, Any]) -> str:
    failing = [
        (r["name"], c)
        for r in document["repositories"]
        for c in r["checks"]
        if c["verdict"] in ("fail", "error")
    ]
    if not failing:
        return ""
    lines = [
        "## Failing checks",
        "",
        "| Repository | Check | Why | What to do |",
        "|---|---|---|---|",
    ]
    for name, c in failing:
        what = "could not decide" if c["verdict"] == "error" else c["hint"]
        why = _cell(c["message"])
        lines.append(f"| {_cell(name)} | {c['code']} {c['name']} | {why} | {_cell(what)} |")
    return "\n".join(lines)


def _not_audited(document: Mapping[str, Any]) -> str:
    errors = [r for r in document["repositories"] if r["status"] == "error"]
    if not errors:
        return ""
    return "\n".join(
        ["## Not audited", "", *(f"- {_cell(r['name'])}: {_cell(r['error'])}" for r in errors)]
    )


def _trend(document: Mapping[str, Any]) -> str:
    if document["trend"] is None:
        return ""
    lines = [
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
    return "\n".join(lines)

"""The audit report as one self-contained HTML page, for people to read.

Platform teams and WG3 leads open it from a CI artifact, a file share or GitHub/GitLab Pages, so
it holds everything inline: its CSS, its script, its chart (SVG). It asks for nothing from any
host, and a Content-Security-Policy that allows only its own style and script (by hash) keeps it
so. Every string of the document (repository names, messages, paths) is untrusted and escaped,
and only http(s) addresses become links.

The overview, the repository table (whose family columns are the repository x family heatmap:
a viridis colour per score, which colour-blind readers tell apart, and the score as text in
every cell) and the trend are HTML tables, readable without JavaScript; the script sorts them
and filters the repository rows. Each repository's drill-down is a ``<details>`` whose content
is JSON in an inert ``<script type="application/json">``, turned into elements (as text, never
markup) when it first opens: pre-rendered, 2,000 repositories with the wg3 profile's 200
findings each would be a page of millions of elements that takes long to open. Nothing is
quadratic in the number of repositories.

Evidence and findings link to the file at the audited commit:
``web_url/blob/<commit>/<path>#L<line>`` (GitHub's form), or ``web_url/-/blob/...`` when the host
name says GitLab (``gitlab.com``, ``gitlab.example.org``): the document has no field that says
which forge a repository is on.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: Score colours for 0-0.9, 1-1.9 ... 9-9.9 and 10: viridis, dark to light. Perceptually ordered
#: and distinct for the common colour-vision deficiencies (no red-green contrast).
PALETTE: tuple[str, ...] = (
    "#440154",
    "#482475",
    "#414487",
    "#355f8d",
    "#2a788e",
    "#21918c",
    "#22a884",
    "#44bf70",
    "#7ad151",
    "#bddf26",
    "#fde725",
)

_ASSETS = Path(__file__).resolve().parent / "html_assets"
_COMMIT = re.compile(r"[0-9a-f]{40}")
_GENERATED = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d):\d\dZ")
_RESULT = {"passed": "Passed", "failed": "Failed", "error": "Not audited"}
_RESULT_ORDER = {"error": 0, "failed": 1, "passed": 2}
_VERDICT = {"fail": "Failed", "error": "Could not decide"}
_PART = {
    "passed": "Passed",
    "findings": "Findings",
    "not-run": "Not run",
    "skipped": "Skipped",
    "disabled": "Disabled",
}


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (WCAG relative luminance)."""
    black, white = "#000000", "#ffffff"
    return black if contrast(background, black) >= contrast(background, white) else white


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _stylesheet() -> str:
    colours = "".join(
        f".h{i} {{ background: {c}; color: {text_colour(c)}; fill: {c}; }}\n"
        for i, c in enumerate(PALETTE)
    )
    return (_ASSETS / "report.css").read_text(encoding="utf-8") + colours


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


_CSS = _stylesheet()
_JS = (_ASSETS / "report.js").read_text(encoding="utf-8")
#: Nothing but this page's own style and script; no request to any host.
CSP = (
    f"default-src 'none'; style-src '{_sha256(_CSS)}'; script-src '{_sha256(_JS)}'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


def render(document: Mapping[str, Any]) -> str:
    """The page for one audit document (``audit-report.schema.json``)."""
    families: Sequence[Mapping[str, Any]] = document["families"]
    titles = {f["id"]: str(f["title"]) for f in families}
    repositories = sorted(document["repositories"], key=lambda r: str(r["name"]).casefold())
    trend: Mapping[str, Any] | None = document["trend"]
    changes = {c["name"]: c for c in trend["repositories"]} if trend else {}
    anchors = {str(r["name"]): i for i, r in enumerate(repositories, 1)}
    generated = _when(document["generated_at"])
    page = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>metstandards audit of {_repositories(len(repositories))}, {generated}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n"
        '<a class="skip" href="#repositories">Skip to the repositories</a>\n',
        _header(document, len(repositories)),
        "<main>\n",
        _overview(document, families),
        _table(repositories, families, float(document["pass_score"])),
    ]
    if trend:
        page.append(_trend(trend, anchors))
    page += [
        '<section id="details" aria-labelledby="details-heading">\n'
        '<h2 id="details-heading">Repository details</h2>\n'
        "<p>Open a repository for the checks it failed, with evidence and what to do, the "
        "points each family lost and why, its code findings"
        f"{' and its change since the previous report' if trend else ''}.</p>\n",
        *(
            _details(i, r, titles, changes.get(r["name"]), float(document["pass_score"]))
            for i, r in enumerate(repositories, 1)
        ),
        "</section>\n</main>\n",
        _footer(document),
        f"<script>{_JS}</script>\n</body>\n</html>\n",
    ]
    return "".join(page)


def _footer(document: Mapping[str, Any]) -> str:
    return (
        f"<footer><p>Written by metstandards {escape(document['tool']['version'])} from the "
        f"audit's JSON report (schema version {int(document['schema_version'])}). Scores run "
        "from 0 (nothing of the standard met) to 10; <code>metstandards explain CODE</code> "
        "says what a rule asks for.</p></footer>\n"
    )


def _header(document: Mapping[str, Any], count: int) -> str:
    shard = document["shard"]
    facts = [
        f'Generated <time datetime="{escape(document["generated_at"])}">'
        f"{_when(document['generated_at'])}</time>",
        f"profile <strong>{escape(document['profile'])}</strong>",
        f"metstandards {escape(document['tool']['version'])}",
        f"a repository passes at a score of {_score(document['pass_score'])} or more",
    ]
    if shard:
        facts.append(
            f"shard {int(shard['index'])} of {int(shard['total'])}: this page shows only the "
            "repositories of this shard"
        )
    return (
        "<header>\n"
        f"<h1>Audit of {_repositories(count)} against the ML development standards</h1>\n"
        f'<p class="meta">{"; ".join(facts)}.</p>\n</header>\n'
    )


def _overview(document: Mapping[str, Any], families: Sequence[Mapping[str, Any]]) -> str:
    summary = document["summary"]
    mean = summary["mean_score"]
    stats = [
        ("Repositories", f"{int(summary['repositories']):,}"),
        ("Audited", f"{int(summary['audited']):,}"),
        ("Could not be audited", f"{int(summary['errors']):,}"),
        (
            "Passing",
            f"{int(summary['passing']):,} <small>of {int(summary['audited']):,} audited</small>",
        ),
        ("Mean score", "n/a" if mean is None else f"{_score(mean)} <small>of 10</small>"),
    ]
    cards = "".join(f"<div><dt>{name}</dt><dd>{value}</dd></div>\n" for name, value in stats)
    return (
        '<section aria-labelledby="overview-heading">\n'
        '<h2 id="overview-heading">Overview</h2>\n'
        f'<dl class="stats">\n{cards}</dl>\n<div class="overview">\n'
        f"{_distribution(summary['distribution'], float(document['pass_score']))}"
        f"{_family_table(document, families)}</div>\n</section>\n"
    )


def _distribution(counts: Sequence[int], pass_score: float) -> str:
    """The score distribution as SVG bars, each with its count written above it."""
    step, bar, base, top = 54, 40, 170, 24
    peak = max(*counts, 1)
    labels = [f"{i}&ndash;{i}.9" for i in range(10)] + ["10"]
    described = "; ".join(f"{label}: {int(n)}" for label, n in zip(labels, counts, strict=True))
    shapes, middle = [], 'text-anchor="middle"'
    for i, (label, n) in enumerate(zip(labels, counts, strict=True)):
        x, height = 8 + i * step, round(int(n) / peak * (base - top))
        height = max(height, 2) if n else 0
        shapes.append(
            f'<rect class="h{i}" x="{x}" y="{base - height}" width="{bar}" height="{height}"/>'
            f'<text x="{x + bar / 2:g}" y="{base - height - 5}" {middle}>{int(n)}</text>'
            f'<text x="{x + bar / 2:g}" y="{base + 16}" {middle}>{label}</text>'
        )
    whole = min(int(pass_score), 10)
    fraction = pass_score - whole
    mark = 8 + whole * step + (fraction * bar if fraction else -(step - bar) / 2)
    mark = max(mark, 1)
    shapes.append(
        f'<line class="pass" x1="{mark:g}" y1="4" x2="{mark:g}" y2="{base}"/>'
        f'<text x="{mark + 4:g}" y="15">pass score {_score(pass_score)}</text>'
        f'<line class="axis" x1="0" y1="{base}" x2="{8 + 11 * step}" y2="{base}"/>'
    )
    return (
        "<figure>\n"
        f'<svg class="chart" viewBox="0 0 {8 + 11 * step} {base + 24}" role="img" '
        'aria-labelledby="distribution-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="distribution-title">Audited repositories by score: {described}.</title>'
        f"{''.join(shapes)}</svg>\n"
        "<figcaption>Audited repositories by score: each bar counts the repositories whose score "
        "is in that range; the last counts the perfect scores of 10. Repositories right of the "
        "dashed line pass.</figcaption>\n</figure>\n"
    )


def _family_table(document: Mapping[str, Any], families: Sequence[Mapping[str, Any]]) -> str:
    """Per family, across the audited repositories: the mean score and how many pass it."""
    pass_score = float(document["pass_score"])
    scores: dict[str, list[float]] = {str(f["id"]): [] for f in families}
    for repository in document["repositories"]:
        for family in repository["families"]:
            if family["score"] is not None and family["id"] in scores:
                scores[family["id"]].append(float(family["score"]))
    rows = []
    for family in families:
        values = scores[family["id"]]
        mean = sum(values) / len(values) if values else None
        passing = sum(1 for v in values if v >= pass_score)
        rows.append(
            f'<tr><th scope="row">{escape(family["title"])}</th>'
            f'<td class="num">{float(family["weight"]):g}</td>{_heat(mean)}'
            f'<td class="num">{passing:,} of {len(values):,}</td></tr>\n'
        )
    return (
        '<table class="families">\n<caption>The standard families across the audited '
        "repositories: mean score, and how many pass the family (of those it applies to). The "
        "weight is the family's share of a repository's score.</caption>\n"
        '<thead><tr><th scope="col">Family</th><th scope="col" class="num">Weight</th>'
        '<th scope="col">Mean score</th><th scope="col" class="num">Passing</th></tr></thead>\n'
        f"<tbody>\n{''.join(rows)}</tbody>\n</table>\n"
    )


def _table(
    repositories: Sequence[Mapping[str, Any]],
    families: Sequence[Mapping[str, Any]],
    pass_score: float,
) -> str:
    """The repository table; its family columns are the repository x family heatmap."""
    headings = [
        '<th scope="col" aria-sort="ascending"><button type="button">Repository</button></th>',
        '<th scope="col" data-type="number"><button type="button">Score</button></th>',
        '<th scope="col" data-type="number"><button type="button">Result</button></th>',
        *(
            f'<th scope="col" class="family" data-type="number"><button type="button">'
            f"{escape(f['title'])}</button></th>"
            for f in families
        ),
        '<th scope="col"><button type="button">Why it was not audited</button></th>',
        '<th scope="col" class="col-details">Details</th>',
    ]
    rows = "".join(_row(i, r, families) for i, r in enumerate(repositories, 1))
    legend = "".join(
        f'<li class="h{i}">{i}{"" if i == 10 else f"&ndash;{i}.9"}</li>'
        for i in range(len(PALETTE))
    )
    return (
        '<section id="repositories" aria-labelledby="repositories-heading">\n'
        '<h2 id="repositories-heading">Repositories</h2>\n'
        f"<p>Each repository's score and its score in every standard family, from 0 to 10; it "
        f"passes at {_score(pass_score)} or more. Select a column heading to sort by it (again "
        "to reverse), and a repository's details for what it lost and why.</p>\n"
        '<ul class="legend" aria-label="Score colours">'
        f'<li class="label">Score colours:</li>{legend}'
        '<li class="na">n/a: nothing in the family applies</li></ul>\n'
        '<div id="controls" class="controls" hidden>\n'
        '<label for="filter-text">Repository name contains'
        '<input id="filter-text" type="search" autocomplete="off" spellcheck="false"></label>\n'
        '<label for="filter-show">Show<select id="filter-show">'
        '<option value="all">All repositories</option>'
        '<option value="failed">Failing only (below the pass score)</option>'
        '<option value="error">Errors only (could not be audited)</option>'
        '<option value="passed">Passing only</option></select></label>\n'
        '<output id="filter-shown" for="filter-text filter-show" aria-live="polite"></output>\n'
        "</div>\n"
        '<div class="scroll" role="region" aria-labelledby="repositories-caption" tabindex="0">\n'
        '<table id="repositories-table" class="sortable">\n'
        '<caption id="repositories-caption">Repositories by score and standard family</caption>\n'
        f"<thead><tr>{''.join(headings)}</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n"
        "</div>\n</section>\n"
    )


def _row(index: int, repository: Mapping[str, Any], families: Sequence[Mapping[str, Any]]) -> str:
    state = _state(repository)
    name = escape(repository["name"])
    base = _base(repository["web_url"])
    linked = f'<a href="{escape(base)}">{name}</a>' if base else name
    scores = {f["id"]: f["score"] for f in repository["families"]}
    cells = [
        f'<th scope="row">{linked}</th>',
        _heat(repository["score"], missing=state == "error"),
        f'<td data-sort="{_RESULT_ORDER[state]}">{_RESULT[state]}</td>',
        *(_heat(scores.get(f["id"]), missing=f["id"] not in scores) for f in families),
        f'<td class="why">{escape(repository["error"])}</td>',
        f'<td class="col-details"><a href="#repo-{index}">Details'
        f'<span class="vh"> of {name}</span></a></td>',
    ]
    return f'<tr id="row-{index}" class="{state}" data-state="{state}">{"".join(cells)}</tr>\n'


def _heat(score: float | None, *, missing: bool = False) -> str:
    """A heatmap cell: the score's colour and the score as text (n/a: nothing applies)."""
    if missing:
        return '<td class="heat" data-sort=""></td>'
    if score is None:
        return '<td class="heat na" data-sort="">n/a</td>'
    return f'<td class="heat h{_bucket(score)}" data-sort="{float(score):g}">{_score(score)}</td>'


def _trend(trend: Mapping[str, Any], anchors: Mapping[str, int]) -> str:
    changes = trend["repositories"]
    changed = [c for c in changes if _changed(c)]
    counts = {"improved": 0, "worse": 0, "new": 0, "gone": 0}
    for change in changed:
        before, after = change["score_before"], change["score_after"]
        if before is None and after is not None:
            counts["new"] += 1
        elif after is None and before is not None:
            counts["gone"] += 1
        elif before is not None and after is not None and after != before:
            counts["improved" if after > before else "worse"] += 1
    rows = "".join(_trend_row(c, anchors) for c in sorted(changed, key=_by_name))
    table = (
        '<div class="scroll" role="region" aria-labelledby="trend-caption" tabindex="0">\n'
        '<table id="trend-table" class="sortable">\n'
        '<caption id="trend-caption">Repositories that changed</caption>\n<thead><tr>'
        '<th scope="col" aria-sort="ascending"><button type="button">Repository</button></th>'
        + "".join(
            f'<th scope="col" data-type="number"><button type="button">{h}</button></th>'
            for h in ("Score before", "Score now", "Change")
        )
        + '<th scope="col"><button type="button">Checks newly passing</button></th>'
        '<th scope="col"><button type="button">Checks newly failing</button></th>'
        '<th scope="col" data-type="number"><button type="button">New findings</button></th>'
        '<th scope="col" data-type="number"><button type="button">Fixed findings</button></th>'
        f"</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n</div>\n"
    )
    return (
        '<section id="trend" aria-labelledby="trend-heading">\n'
        '<h2 id="trend-heading">Change since the previous report</h2>\n'
        f"<p>Compared with the report of {_when(trend['previous_generated_at'])}: "
        f"higher score {counts['improved']:,}, lower score {counts['worse']:,}, "
        f"not audited then {counts['new']:,}, not audited now {counts['gone']:,}, "
        f"unchanged {len(changes) - len(changed):,}.</p>\n"
        f"{table if changed else ''}</section>\n"
    )


def _trend_row(change: Mapping[str, Any], anchors: Mapping[str, int]) -> str:
    name = escape(change["name"])
    anchor = anchors.get(change["name"])
    linked = f'<a href="#repo-{anchor}">{name}</a>' if anchor else name
    before, after = change["score_before"], change["score_after"]
    return (
        f'<tr><th scope="row">{linked}</th>'
        f'<td class="num" data-sort="{_sort_value(before)}">{_score_or(before, "none")}</td>'
        f'<td class="num" data-sort="{_sort_value(after)}">{_score_or(after, "none")}</td>'
        f"{_delta_cell(before, after)}"
        f"<td>{escape(_codes(change['newly_passing']))}</td>"
        f"<td>{escape(_codes(change['newly_failing']))}</td>"
        f'<td class="num">{int(change["findings_new"]):,}</td>'
        f'<td class="num">{int(change["findings_fixed"]):,}</td></tr>\n'
    )


def _delta_cell(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return '<td class="num" data-sort=""></td>'
    delta = round(float(after) - float(before), 1)
    direction = "up" if delta > 0 else "down" if delta < 0 else ""
    return f'<td class="num {direction}" data-sort="{delta:g}">{_signed(delta)}</td>'


def _details(
    index: int,
    repository: Mapping[str, Any],
    titles: Mapping[str, str],
    change: Mapping[str, Any] | None,
    pass_score: float,
) -> str:
    """One repository's drill-down: its summary line, and its content as JSON that the script
    turns into the page's elements when it first opens. Links to it target the summary, which
    takes the focus."""
    state = _state(repository)
    data = json.dumps(
        _drill_down(repository, titles, change, pass_score),
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return (
        f'<details class="repo {state}"><summary id="repo-{index}">'
        f'<span class="name">{escape(repository["name"])}</span> '
        f'<span class="muted">{_overall(repository, state)}</span></summary>'
        '<div class="body"><noscript><p>The details of a repository need JavaScript, which is '
        "off; the audit's JSON report holds them too.</p></noscript></div>"
        f'<script type="application/json" id="repo-{index}-data">{_script_safe(data)}</script>'
        "</details>\n"
    )


def _script_safe(data: str) -> str:
    """JSON that cannot end its ``<script>`` element or open markup: ``<``, ``>`` and ``&``
    only ever occur in its strings, where JSON can spell them as ``\\u`` escapes."""
    return data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _overall(repository: Mapping[str, Any], state: str) -> str:
    if state == "error":
        return "— could not be audited"
    parts = [f"— score {_score_or(repository['score'], 'n/a')}, {_RESULT[state].lower()}"]
    verdicts = [c["verdict"] for c in repository["checks"]]
    if verdicts.count("fail"):
        parts.append(_plural(verdicts.count("fail"), "check") + " failed")
    if verdicts.count("error"):
        parts.append(_plural(verdicts.count("error"), "check") + " could not decide")
    code = repository["code"]
    if code and code["findings_total"]:
        parts.append(_plural(int(code["findings_total"]), "code finding"))
    return escape(", ".join(parts))


def _drill_down(
    repository: Mapping[str, Any],
    titles: Mapping[str, str],
    change: Mapping[str, Any] | None,
    pass_score: float,
) -> dict[str, Any]:
    """What report.js shows in a drill-down, its numbers already written as the page writes
    them. Lists of many (evidence, findings) are arrays rather than objects, to keep a page of
    2,000 repositories with hundreds of findings each small."""
    links = _Links(repository["web_url"], repository["commit"])
    checks = repository["checks"]
    return {
        "source": str(repository["source"]),
        "home": links.base,
        "commit": links.commit_id,
        "commitUrl": links.commit(),
        #: A file's address is this, its path (each segment URL-encoded), and #L<line>.
        "blob": links.blob(),
        "seconds": f"{float(repository['seconds']):.1f}",
        "error": str(repository["error"]) if repository["status"] == "error" else "",
        "checks": [
            [
                str(c["code"]),
                str(c["name"]),
                titles.get(c["family"], str(c["family"])),
                _VERDICT[c["verdict"]],
                str(c["message"]),
                [
                    [str(e["path"]), e["line"] and int(e["line"]), str(e["detail"])]
                    for e in c["evidence"]
                ],
                str(c["hint"]),
            ]
            for c in checks
            if c["verdict"] in _VERDICT
        ],
        "passed": [f"{c['code']} {c['name']}" for c in checks if c["verdict"] == "pass"],
        "notApplicable": [
            f"{c['code']} {c['name']}" for c in checks if c["verdict"] == "not-applicable"
        ],
        "lost": [
            [
                titles.get(f["id"], str(f["id"])),
                _score_or(f["score"], "n/a"),
                f"\N{MINUS SIGN}{_points(loss['points'])}",
                str(loss["code"]),
                str(loss["reason"]),
                str(loss["hint"]),
            ]
            for f in repository["families"]
            for loss in f["lost"]
        ],
        "below": [
            titles.get(f["id"], str(f["id"]))
            for f in repository["families"]
            if f["score"] is not None and float(f["score"]) < pass_score
        ],
        "code": _code(repository["code"]) if repository["status"] != "error" else None,
        "change": _change(change) if change else None,
    }


def _code(code: Mapping[str, Any] | None) -> dict[str, Any] | str:
    if code is None:
        return "The audit did not look at this repository's code."
    total, shown = int(code["findings_total"]), code["findings"]
    return {
        "summary": f"{_plural(int(code['files']), 'Python file')} and "
        f"{_plural(int(code['lines']), 'line')} of package code; {_plural(total, 'finding')}.",
        "parts": [
            [str(p["check"]), _PART[p["status"]], f"{int(p['findings']):,}", str(p["reason"])]
            for p in code["parts"]
        ],
        "counts": [
            [str(c), f"{int(n):,}"]
            for c, n in sorted(code["counts"].items(), key=lambda item: (-item[1], item[0]))
        ],
        "findingsCaption": f"The first {len(shown):,} of {total:,} findings, errors first"
        if total > len(shown)
        else "The findings, errors first",
        "findings": [
            [
                "Error" if f["severity"] == "error" else "Warning",
                str(f["path"]),
                int(f["line"]),
                str(f["code"]),
                str(f["message"]),
            ]
            for f in shown
        ],
    }


def _change(change: Mapping[str, Any]) -> str:
    before, after = change["score_before"], change["score_after"]
    if before is None or after is None:
        score = f"Score then {_score_or(before, 'none')}, now {_score_or(after, 'none')}."
    else:
        delta = round(float(after) - float(before), 1)
        score = f"Score {_score(before)} then, {_score(after)} now ({_signed(delta)})."
    return (
        f"{score} Checks newly passing: {_codes(change['newly_passing'])}. "
        f"Checks newly failing: {_codes(change['newly_failing'])}. "
        f"{_plural(int(change['findings_new']), 'new finding')}, "
        f"{int(change['findings_fixed']):,} fixed."
    )


class _Links:
    """Addresses on a repository's forge: the repository, the audited commit, its files."""

    def __init__(self, web_url: object, commit: object) -> None:
        self.base = _base(web_url)
        self.commit_id = str(commit) if commit and _COMMIT.fullmatch(str(commit)) else None
        gitlab = self.base is not None and "gitlab" in (urlsplit(self.base).hostname or "")
        self.prefix = "/-/" if gitlab else "/"

    def commit(self) -> str | None:
        if not (self.base and self.commit_id):
            return None
        return f"{self.base}{self.prefix}commit/{self.commit_id}"

    def blob(self) -> str | None:
        if not (self.base and self.commit_id):
            return None
        return f"{self.base}{self.prefix}blob/{self.commit_id}/"


def _base(web_url: object) -> str | None:
    """``web_url`` when it is an http(s) address (anything else is never a link), without a
    trailing slash."""
    if not isinstance(web_url, str):
        return None
    parts = urlsplit(web_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return web_url.strip().rstrip("/")


def _state(repository: Mapping[str, Any]) -> str:
    if repository["status"] == "error":
        return "error"
    return "passed" if repository["passed"] else "failed"


def _changed(change: Mapping[str, Any]) -> bool:
    return bool(
        change["score_before"] != change["score_after"]
        or change["newly_passing"]
        or change["newly_failing"]
        or change["findings_new"]
        or change["findings_fixed"]
    )


def _by_name(item: Mapping[str, Any]) -> str:
    return str(item["name"]).casefold()


def _bucket(score: float) -> int:
    """The distribution's bucket: 0 for [0, 1) ... 9 for [9, 10), 10 for 10."""
    return max(0, min(10, math.floor(float(score) + 1e-9)))


def _score(score: float) -> str:
    """One decimal, rounded down: a score shown at the pass score has reached it."""
    return f"{math.floor(float(score) * 10 + 1e-6) / 10:.1f}"


def _score_or(score: float | None, missing: str) -> str:
    return missing if score is None else _score(score)


def _sort_value(score: float | None) -> str:
    return "" if score is None else f"{float(score):g}"


def _signed(delta: float) -> str:
    return f"+{delta:.1f}" if delta > 0 else f"\N{MINUS SIGN}{-delta:.1f}" if delta < 0 else "0.0"


def _points(points: float) -> str:
    return f"{float(points):.2f}".rstrip("0").rstrip(".")


def _codes(codes: Sequence[str]) -> str:
    return ", ".join(str(c) for c in codes) if codes else "none"


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _repositories(count: int) -> str:
    return f"{count:,} repositor{'y' if count == 1 else 'ies'}"


def _when(value: object) -> str:
    """``2025-06-01T12:00:00Z`` as ``2025-06-01 12:00 UTC``; anything else as it is, escaped."""
    match = _GENERATED.fullmatch(str(value))
    return f"{match[1]} {match[2]} UTC" if match else escape(str(value))

"""An SVG badge per repository: its score, coloured by whether it passes, for its README.

The colours are a blue (passes) and an orange (below the pass score), told apart without red
and green; the score is always written in the badge.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

_PASS, _FAIL, _NONE = "#1f6feb", "#d4700b", "#6e7781"
_CHAR = 6.5  # average glyph width of 11 px Verdana, as badges measure text


def _width(text: str) -> int:
    return int(len(text) * _CHAR) + 10


def render_badge(entry: Mapping[str, Any], pass_score: float) -> str:
    label = "metstandards"
    if entry["status"] == "error" or entry["score"] is None:
        value, colour = "not audited", _NONE
    else:
        value = f"{entry['score']:.1f}/10"
        colour = _PASS if entry["passed"] else _FAIL
    left, right = _width(label), _width(value)
    total = left + right
    title = escape(f"{entry['name']}: {label} {value} (passes at {pass_score:g})")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label="{title}"><title>{title}</title>'
        f'<rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" '
        'font-size="11">'
        f'<text x="{left / 2}" y="14">{label}</text>'
        f'<text x="{left + right / 2}" y="14">{escape(value)}</text></g></svg>\n'
    )


def file_name(name: str) -> str:
    """The badge's file name for a repository name: ``org/repo`` -> ``org--repo.svg``."""
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in name.replace("/", "--"))
    return safe.strip(".") + ".svg"


def render_all(document: Mapping[str, Any]) -> dict[str, str]:
    """File name -> SVG for every repository."""
    return {
        file_name(r["name"]): render_badge(r, document["pass_score"])
        for r in document["repositories"]
    }

"""The terminal summary of an audit: one line per repository, then the totals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _printable(text: str) -> str:
    """A name as a terminal shows it on one line: control characters escaped."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def render(document: Mapping[str, Any]) -> str:
    repositories = document["repositories"]
    names = {r["name"]: _printable(r["name"]) for r in repositories}
    width = max((len(name) for name in names.values()), default=10)
    lines = [f"{'Repository'.ljust(width)}  Score  Result"]
    for r in repositories:
        name = names[r["name"]].ljust(width)
        if r["status"] == "error":
            lines.append(f"{name}      -  error: {_printable(r['error'])}")
            continue
        score = "-" if r["score"] is None else f"{r['score']:.1f}"
        failed = [c["code"] for c in r["checks"] if c["verdict"] in ("fail", "error")]
        result = "passed" if r["passed"] else "below " + f"{document['pass_score']:g}"
        if failed:
            result += f" (failing: {', '.join(failed)})"
        lines.append(f"{name}  {score:>5}  {result}")
    s = document["summary"]
    mean = "-" if s["mean_score"] is None else f"{s['mean_score']:.1f}"
    lines += [
        "",
        f"{s['repositories']} repositories: {s['audited']} audited, {s['passing']} passing "
        f"(score {document['pass_score']:g} or more), {s['errors']} not audited; "
        f"mean score {mean}.",
    ]
    return "\n".join(lines) + "\n"

"""One finding per problem: where a metstandards rule and a wrapped tool flag the same site for
the same reason, the report keeps the metstandards finding and names the other tool's code in it.

``pickle.loads(blob)`` is MS202, bandit's B301 and ruff's S301: three findings for one line
would count one problem three times and make a team fix, suppress and baseline it three times.
Which codes mean the same thing is data, the profile's ``[duplicates]`` table: a rule code and
the tools' codes it stands for. A tool's finding is folded into a rule's finding when both are in
the same file and the tool's line lies within the rule finding's lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from metstandards.findings import Finding
from metstandards.results import Outcome, Status


def fold(findings: Iterable[Finding], same: Mapping[str, Sequence[str]]) -> list[Finding]:
    """``findings`` with every tool finding that ``same`` maps to a rule finding at its site
    folded into that finding, whose message then ends with "(also bandit B301, ...)"."""
    return sorted(_folding(findings, same).values())


def _folding(
    findings: Iterable[Finding], same: Mapping[str, Sequence[str]]
) -> dict[Finding, Finding]:
    """Each finding that stays, as it is shown (with "(also ...)" where others were folded
    into it); a folded-away finding is not a key. By the finding itself, not its place: two
    findings of one code may start at the same place (MS501's module and project averages)."""
    by_site: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    owner = {tool_code: rule for rule, codes in same.items() for tool_code in codes}
    listed = list(findings)
    for finding in listed:
        if finding.code in same:
            by_site[(finding.path, finding.code)].append(finding)
    also: dict[Finding, list[str]] = defaultdict(list)
    kept: list[Finding] = []
    for finding in listed:
        rule = owner.get(finding.code)
        target = next(
            (
                candidate
                for candidate in by_site.get((finding.path, rule or ""), ())
                if candidate.line <= finding.line <= candidate.end_line
            ),
            None,
        )
        if target is None:
            kept.append(finding)
        else:
            also[target].append(finding.code.replace(":", " ", 1))
    return {
        f: replace(f, message=f"{f.message} (also {', '.join(sorted(set(also[f])))})")
        if f in also
        else f
        for f in kept
    }


def fold_outcomes(
    outcomes: Sequence[Outcome], same: Mapping[str, Sequence[str]]
) -> list[Outcome]:
    """Every outcome with its findings folded (see :func:`fold`); a check whose findings were
    all folded away passed, and its note says where they went."""
    folded = _folding([f for outcome in outcomes for f in outcome.findings], same)
    result = []
    for outcome in outcomes:
        if not outcome.findings:
            result.append(outcome)
            continue
        kept = tuple(folded[f] for f in outcome.findings if f in folded)
        gone = len(outcome.findings) - len(kept)
        if not gone and kept == outcome.findings:
            result.append(outcome)
            continue
        note = outcome.reason
        if gone:
            moved = f"{gone} finding{'s' if gone != 1 else ''} shown as the metstandards rule's"
            note = f"{note}; {moved}" if note else moved
        status = Status.FINDINGS if kept else Status.PASSED
        result.append(replace(outcome, findings=kept, status=status, reason=note))
    return result

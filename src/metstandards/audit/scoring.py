"""Scores: 0 to 10 per standard family and per repository, with the reason for every point lost.

A family is scored from up to two components, averaged when both apply:

- **its repository checks** (MS6xx): 10 times the share of its applicable checks that pass. A
  check that fails, or could not decide (error: never a pass), loses its share, with the check's
  message as the reason and its hint as the fix;
- **its findings**, for the code-level standards: 10 with none, 0 at ``zero-at-per-kloc``
  findings per 1,000 lines of package code (``tools-zero-at-per-kloc`` for the code-quality
  family of the wrapped tools), linearly between. A family whose part of ``check``
  did not run scores 0 for this component, with the reason: what did not run is not a pass.

A component that does not apply (no applicable check, no package code) is left out; a family
with neither has no score. The repository's score is the mean of its family scores weighted by
``[audit-weights]``. Everything is rounded to one decimal, and the points lost add up to what
the score lacks of 10.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from metstandards.audit import families
from metstandards.repository.check import Result, Verdict


@dataclass(frozen=True)
class Loss:
    """Points a family lost: how many, to which code, why, and what to do."""

    points: float
    code: str
    reason: str
    hint: str


@dataclass(frozen=True)
class FamilyScore:
    family: str
    #: None when nothing in the family applies to the repository.
    score: float | None
    lost: tuple[Loss, ...] = ()


@dataclass(frozen=True)
class CodeSummary:
    """What the code-level parts found in one repository."""

    #: Lines of package code.
    lines: int
    #: Findings by code.
    counts: Mapping[str, int]
    #: The parts that ran (passed or with findings), and why each of the others did not.
    ran: frozenset[str]
    not_run: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    """The ``[audit]`` and ``[audit-weights]`` settings that scoring uses."""

    zero_at_per_kloc: float
    #: The same for the code-quality family, whose wrapped tools report many more findings.
    tools_zero_at_per_kloc: float
    weights: Mapping[str, float]
    #: The parts of ``check`` the audit runs (others are not expected to have run).
    parts: tuple[str, ...]


def score_families(
    checks: Sequence[Result], code: CodeSummary | None, policy: Policy
) -> list[FamilyScore]:
    """Every family's score for one repository, in display order."""
    scored = []
    for family in families.TITLES:
        components = [
            component
            for component in (
                _checks_component([c for c in checks if c.family == family]),
                _code_component(family, code, policy),
            )
            if component is not None
        ]
        if not components:
            scored.append(FamilyScore(family, None))
            continue
        share = 1 / len(components)
        lost = tuple(
            Loss(round(loss.points * share, 2), loss.code, loss.reason, loss.hint)
            for component in components
            for loss in component
        )
        score = max(0.0, 10.0 - sum(loss.points for loss in lost))
        scored.append(FamilyScore(family, round(score, 1), lost))
    return scored


def repository_score(scores: Sequence[FamilyScore], weights: Mapping[str, float]) -> float | None:
    """The weighted mean of the family scores that exist; None when none does."""
    present = [(s.score, weights.get(s.family, 1.0)) for s in scores if s.score is not None]
    total = sum(weight for _, weight in present)
    if not total:
        return None
    return round(sum(score * weight for score, weight in present) / total, 1)


def _checks_component(checks: Sequence[Result]) -> list[Loss] | None:
    applicable = [c for c in checks if c.verdict is not Verdict.NOT_APPLICABLE]
    if not applicable:
        return None
    share = 10 / len(applicable)
    losses = []
    for check in applicable:
        if check.verdict is Verdict.FAIL:
            reason = f"{check.code} {check.name} failed: {check.message}"
            losses.append(Loss(share, check.code, reason, check.hint))
        elif check.verdict is Verdict.ERROR:
            reason = f"{check.code} {check.name} could not decide: {check.message}"
            hint = "find out why the check could not decide; it never counts as a pass"
            losses.append(Loss(share, check.code, reason, hint))
    return losses


def _code_component(family: str, code: CodeSummary | None, policy: Policy) -> list[Loss] | None:
    parts = [part for part in families.PARTS.get(family, ()) if part in policy.parts]
    if code is None or not parts:
        return None
    missing = [part for part in parts if part not in code.ran]
    if missing:
        why = "; ".join(f"{part}: {code.not_run.get(part, 'not run')}" for part in missing)
        return [
            Loss(
                10.0,
                missing[0],
                f"{', '.join(missing)} did not run ({why}), so the family's code was not checked",
                "make the part run (see the reason); what did not run is never a pass",
            )
        ]
    if code.lines == 0:
        return None
    found: Counter[str] = Counter(
        {c: n for c, n in code.counts.items() if families.of_code(c) == family}
    )
    total = sum(found.values())
    if not total:
        return []
    kloc = code.lines / 1000
    density = total / kloc
    zero_at = (
        policy.tools_zero_at_per_kloc if family == families.DEFAULT else policy.zero_at_per_kloc
    )
    points = 10 * min(1.0, density / zero_at)
    top, top_count = found.most_common(1)[0]
    reason = (
        f"{total} finding{'s' if total != 1 else ''} in {kloc:.1f} thousand lines of package code "
        f"({density:.1f} per thousand; {zero_at:g} scores 0), most of them {top} ({top_count})"
    )
    return [Loss(points, _family_code(found), reason, _hint(top))]


def _family_code(found: Counter[str]) -> str:
    """The code a family's findings are shown under: their common prefix, else the first."""
    codes = sorted(found)
    if all(":" in c for c in codes):
        tools = {c.split(":", 1)[0] for c in codes}
        return tools.pop() if len(tools) == 1 else "tools"
    return codes[0] if len(codes) == 1 else codes[0][:3]


def _hint(code: str) -> str:
    if ":" in code:
        tool, rule = code.split(":", 1)
        return f"fix the {tool} findings, starting with {rule}; `metstandards check` lists them"
    return f"`metstandards explain {code}` says what to write instead"

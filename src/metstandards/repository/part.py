"""The ``repository`` part of ``metstandards check``: the MS6xx checks on the project's own
repository, as findings.

A repository with no tests, no CI, no README and no LICENSE used to pass ``check``; this part
makes the repository standards part of the one report. A failed check is an error finding at
its first evidence (or at ``.``, the repository itself, when the evidence is an object such as a
tag or a job). A check that could not decide makes the part "not run" with the reason, whatever
else it found: an undecided check is never a pass. The part needs the project at the top of a
git work tree, since the checks read git's metadata; elsewhere it is skipped, with why.
"""

from __future__ import annotations

from pathlib import Path

from metstandards.findings import Finding, Severity, Span
from metstandards.repository.check import Result, Verdict
from metstandards.results import CheckContext, Outcome, Status

CHECK = "repository"
#: Where a finding without a file of its own is placed: the repository itself.
REPOSITORY = "."


def check_repository(ctx: CheckContext) -> Outcome:
    from metstandards.repository.runner import run_repository_checks

    top = _top_level(ctx.root)
    if top is None:
        return Outcome.skipped(CHECK, "not a git work tree: the repository checks read git's data")
    if top != ctx.root.resolve():
        return Outcome.skipped(
            CHECK,
            f"the project is not at the top of its git repository ({top}); "
            "`metstandards audit` checks the repository",
        )
    results = run_repository_checks(ctx.root, ctx.settings)
    findings = [_finding(result) for result in results if result.verdict is Verdict.FAIL]
    undecided = [r for r in results if r.verdict is Verdict.ERROR]
    passed = sum(1 for r in results if r.verdict is Verdict.PASS)
    if undecided:
        why = "; ".join(f"{r.code} could not decide: {r.message}" for r in undecided)
        return Outcome(CHECK, Status.NOT_RUN, tuple(sorted(findings)), why)
    note = f"{passed} of {len(results)} checks passed"
    inapplicable = [r.code for r in results if r.verdict is Verdict.NOT_APPLICABLE]
    if inapplicable:
        note += f", {', '.join(inapplicable)} not applicable"
    return Outcome.ran(CHECK, findings, note=note)


def _finding(result: Result) -> Finding:
    where = next((e for e in result.evidence if e.path), None)
    path = where.path if where is not None else REPOSITORY
    line = where.line if where is not None and where.line else 1
    message = f"{result.message}; {result.hint}" if result.hint else result.message
    return Finding.at(
        path, Span(line, 1, line, 1), result.code, result.name, Severity.ERROR, message
    )


def _top_level(root: Path) -> Path | None:
    from metstandards.repository.git import GitError, run_git

    try:
        top = run_git(root, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape")
    except GitError:
        return None
    return Path(top.strip()).resolve() if top.strip() else None

from __future__ import annotations

from metstandards.repository.check import Evidence, RepositoryCheck, Result
from metstandards.repository.ci import CALLS_METSTANDARDS, ON_CHANGES, Found, describe
from metstandards.repository.view import Repository

_SHA = "3e5f5c2f6139ef87f1ed62c720f7d1f46448a68f"
_ON_CHANGES = "on:\n  push:\n    branches: [main]\n  pull_request:\n"


def _caller(ref: str, on: str = _ON_CHANGES) -> str:
    """An example workflow calling the metstandards reusable workflow at ``ref``."""
    return (
        f"{on}permissions: {{}}\n"
        "jobs:\n"
        "  metstandards:\n"
        f"    uses: metstandards/metstandards/.github/workflows/metstandards.yml@{ref} # v0.1.0\n"
        "    permissions:\n      contents: read\n      security-events: write\n"
        "      actions: read\n"
    )


_WORKFLOW = ".github/workflows/metstandards.yml"
_STEPS = (
    "on: [push, pull_request]\n"
    "jobs:\n"
    "  check:\n"
    "    runs-on: ubuntu-latest\n"
    "    steps:\n"
    "      - uses: actions/checkout@ACTION\n"
    "      - run: |\n"
    "          pip install 'metstandards[tools]==0.1.0'\n"
    "          metstandards check\n"
)
_GITLAB = (
    "include:\n"
    "  - component: $CI_SERVER_FQDN/weather/metstandards/metstandards@VERSION\n"
    "stages: [test]\n"
)
_HINT_PIN = (
    "pin each reference by its full commit SHA with the release in a comment "
    "(`@<40-hex-sha> # v4.2.0`; on GitLab an exact version, `@1.2.3`)"
)
_HINT_CALL = (
    "call the metstandards reusable workflow (or GitLab component) on pushes and pull/merge "
    "requests, pinned by full commit SHA: `metstandards init` writes "
    ".github/workflows/metstandards.yml"
)


class CiRunsStandard(RepositoryCheck):
    """CI runs metstandards on pushes and merge requests, and pins what it takes from elsewhere.

    ## What it does
    Looks through the CI (GitHub Actions workflows; GitLab CI's `.gitlab-ci.yml` and the files
    it includes locally) for a call of metstandards: the reusable workflow
    `<owner>/metstandards/.github/workflows/metstandards.yml`, the GitLab component
    `metstandards` of a project named `metstandards`, or a script step that runs
    `metstandards check` (`metstandards lint` alone leaves out the gates and wrapped tools). It
    must run on pushes or on pull/merge requests; a call only on a schedule or by hand does not
    count. A workflow only called by other workflows runs on their events.

    Then every reusable workflow, action and component taken from another repository must be
    pinned: on GitHub by a full 40-character commit SHA (`docker://` images by `@sha256:`
    digest); on GitLab an exact version (`@1.2.3`) or a full SHA, for components and for
    `include: project:` (its `ref:`). A tag (`@v4`), a branch (`@main`), a version series
    (`@1`, `@1.2`) and `~latest` fail, each named with its line; so does an `include: remote:`
    URL without a commit SHA in it. The repository's own workflows and actions (`./...`) and
    GitLab's built-in templates are not pinned and need not be.

    ## Why is this bad?
    A standard that only runs on laptops is optional: CI is where a finding blocks a merge.
    And a workflow taken at a tag runs whatever its owner (or someone who took over the
    account) pushes to that tag next, with the repository's token and secrets: the tj-actions
    compromise of 2025 leaked secrets of thousands of repositories in exactly this way.

    ## Example
    ```yaml
    on: [push, pull_request]
    jobs:
      metstandards:
        uses: metstandards/metstandards/.github/workflows/metstandards.yml@main
    ```

    ## Use instead
    ```yaml
    on: [push, pull_request]
    jobs:
      metstandards:
        uses: metstandards/metstandards/.github/workflows/metstandards.yml@<40-hex-sha> # v0.1.0
    ```
    On GitLab: `include: - component: $CI_SERVER_FQDN/<group>/metstandards/metstandards@1.2.3`.

    ## Options
    None. A CI file that cannot be read (invalid YAML) makes the check an error rather than a
    pass: it might hold an unpinned reference.
    """

    code = "MS602"
    name = "ci-runs-standard"
    family = "ci"

    PASSING = (
        {_WORKFLOW: _caller(_SHA)},
        {_WORKFLOW: _STEPS.replace("ACTION", _SHA)},
        {".gitlab-ci.yml": _GITLAB.replace("VERSION", "1.2.3")},
    )
    FAILING = (
        {"README.md": "# no CI\n"},
        {_WORKFLOW: _caller("main")},
        {_WORKFLOW: _STEPS.replace("ACTION", "v4")},
        {_WORKFLOW: _caller(_SHA, on="on:\n  schedule:\n    - cron: '0 3 * * *'\n")},
        {".gitlab-ci.yml": _GITLAB.replace("VERSION", "~latest")},
        {".gitlab-ci.yml": "test:\n  script:\n    - pytest\n"},
    )

    def check(self, repo: Repository) -> Result:
        ci = repo.ci
        calls = ci.find(CALLS_METSTANDARDS)
        on_changes = [call for call in calls if call.events & ON_CHANGES]
        unpinned = ci.unpinned()
        if ci.problems and (on_changes or not unpinned):
            return self.error(f"CI could not be read: {ci.unreadable}")
        if on_changes and not unpinned:
            first = on_changes[0]
            return self.passed(
                f"CI runs metstandards on {describe(first.events & ON_CHANGES)}: "
                f"{first.what} at {first.where}; every outside reference is pinned",
                *(Evidence(call.path, call.line, call.what) for call in on_changes),
            )
        failures, evidence, hints = [], [], []
        if not on_changes:
            failures.append(_not_called(ci.files, calls))
            evidence += [
                Evidence(call.path, call.line, f"{call.what}, on {describe(call.events)}")
                for call in calls
            ]
            hints.append(_HINT_CALL)
        if unpinned:
            first_ref, why = unpinned[0]
            failures.append(
                f"{len(unpinned)} reference(s) to code of other repositories are not pinned, "
                f"first {first_ref.written} at {first_ref.path}:{first_ref.line} ({why})"
            )
            evidence += [
                Evidence(ref.path, ref.line, f"{ref.kind} {ref.written}: {why}")
                for ref, why in unpinned
            ]
            hints.append(_HINT_PIN)
        return self.failed("; ".join(failures), *evidence, hint="; ".join(hints))


def _not_called(files: tuple[str, ...], calls: list[Found]) -> str:
    if not files:
        return "there is no CI configuration (.github/workflows/*.yml or .gitlab-ci.yml)"
    if calls:
        events = frozenset().union(*(call.events for call in calls))
        return f"CI runs metstandards only on {describe(events)}, not on pushes or merge requests"
    return f"CI never runs metstandards (looked in {_files(files)})"


def _files(files: tuple[str, ...]) -> str:
    return files[0] if len(files) == 1 else f"{files[0]} and {len(files) - 1} more CI files"

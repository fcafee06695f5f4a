from __future__ import annotations

import re

from packaging.version import InvalidVersion, Version

from metstandards.repository import shell
from metstandards.repository.check import Evidence, RepositoryCheck, Result
from metstandards.repository.git import FULL_SHA
from metstandards.repository.precommit import PATH, Hook
from metstandards.repository.view import Repository, UnreadableFile

_HINT = (
    "add the metstandards hooks to .pre-commit-config.yaml at a release, pinned by its full "
    "commit SHA with the release in a comment (`rev: <40-hex-sha>  # frozen: v0.1.0`): "
    "`metstandards init` writes them"
)
_SHA_PIN = "3e5f5c2f6139ef87f1ed62c720f7d1f46448a68f  # frozen: v0.1.0"


def _config(rev: str, hooks: str = "      - id: metstandards-lint\n") -> str:
    """An example configuration taking ``hooks`` from the metstandards repository at ``rev``."""
    return (
        "repos:\n  - repo: https://github.com/metstandards/metstandards\n"
        f"    rev: {rev}\n    hooks:\n{hooks}"
    )


def _is_metstandards(hook: Hook) -> bool:
    """A hook of the metstandards repository (its ids start with ``metstandards``), or a local
    hook whose entry runs metstandards."""
    if hook.repo == "local":
        return shell.runs(hook.entry, "metstandards") is not None
    return hook.repo != "meta" and hook.id.startswith("metstandards")


def _rev_problem(rev: str) -> str | None:
    """Why ``rev`` does not name one fixed release, or None for a full SHA or a version tag."""
    if FULL_SHA.match(rev):
        return None
    try:
        Version(rev)
    except InvalidVersion:
        if re.fullmatch(r"[0-9a-f]{7,39}", rev):
            return f"rev {rev} is an abbreviated SHA, which a later commit can come to share"
        return f"rev {rev or '(none)'} looks like a branch, which moves with every commit to it"
    return None


class PreCommitStandard(RepositoryCheck):
    """The pre-commit configuration runs the metstandards hooks, from a fixed release.

    ## What it does
    Reads `.pre-commit-config.yaml` and looks for the metstandards hooks: hooks of the
    metstandards repository (their ids start with `metstandards`: `metstandards-lint`,
    `metstandards-ruff`, `metstandards-complexity`...), at a `rev:` that is a full 40-character
    commit SHA or a release tag, or a `repo: local` hook whose `entry` runs `metstandards`. A
    hook limited to `stages: [manual]` runs only when someone asks for it, so it does not count.

    Git tags and branches cannot be told apart without the network, so a `rev:` counts as a tag
    when it is a version (`v0.1.0`, `0.1.0`); any other name (`main`, `develop`) and an
    abbreviated SHA fail. Nothing is installed or run.

    ## Why is this bad?
    The standard's rules catch a `torch.load` of an untrusted checkpoint or an unseeded
    training run while the change is on the author's machine, minutes after it was written.
    Without the hooks the same finding arrives at review, or never. A hook taken from a branch
    changes under the team: one morning every commit fails on rules nobody chose to adopt.

    ## Example
    ```yaml
    repos:
      - repo: https://github.com/metstandards/metstandards
        rev: main
        hooks:
          - id: metstandards-lint
    ```

    ## Use instead
    ```yaml
    repos:
      - repo: https://github.com/metstandards/metstandards
        rev: 3e5f5c2f6139ef87f1ed62c720f7d1f46448a68f  # frozen: v0.1.0
        hooks:
          - id: metstandards-lint
          - id: metstandards-ruff
    ```
    `metstandards init` writes this, and `pre-commit autoupdate --freeze` moves it to the next
    release.

    ## Options
    None.
    """

    code = "MS601"
    name = "pre-commit-standard"
    family = "ci"

    PASSING = (
        {PATH: _config(_SHA_PIN, "      - id: metstandards-lint\n      - id: metstandards-ruff\n")},
        {PATH: _config("v0.1.0")},
        {
            PATH: "repos:\n  - repo: local\n    hooks:\n      - id: lint\n        name: lint\n"
            "        entry: metstandards lint\n        language: system\n"
        },
    )
    FAILING = (
        {"README.md": "# forecast model\n"},
        {PATH: _config("main")},
        {PATH: _config("3e5f5c2")},
        {PATH: _config(_SHA_PIN, "      - id: metstandards-check\n        stages: [manual]\n")},
        {
            PATH: "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
            "    rev: v0.8.4\n    hooks:\n      - id: ruff\n"
        },
        {PATH: "repos: [\n"},
    )

    def check(self, repo: Repository) -> Result:
        try:
            config = repo.pre_commit
        except UnreadableFile as error:
            return self.failed(
                f"{error}, so pre-commit runs no hook at all",
                Evidence(PATH, None, error.why),
                hint=f"fix the file; {_HINT}",
            )
        if config is None:
            return self.failed(
                f"no {PATH} is tracked, so no hook checks a change before it is committed",
                Evidence(PATH, None, "not tracked"),
                hint=_HINT,
            )
        hooks = config.find(_is_metstandards)
        running = [hook for hook in hooks if not hook.manual_only]
        if not running:
            said = (
                "its metstandards hooks run only by hand (stages: [manual])"
                if hooks
                else "it runs no metstandards hook"
            )
            evidence = [Evidence(PATH, hook.line, f"hook {hook.id}: manual only") for hook in hooks]
            return self.failed(f"{PATH}: {said}", *evidence, hint=_HINT)
        loose = {
            hook.rev_line: (hook, problem)
            for hook in running
            if hook.repo != "local" and (problem := _rev_problem(hook.rev)) is not None
        }
        if loose:
            evidence = [
                Evidence(PATH, line, f"{hook.repo}: {problem}")
                for line, (hook, problem) in sorted(loose.items())
            ]
            return self.failed(
                f"{PATH} takes the metstandards hooks from {evidence[0].detail}",
                *evidence,
                hint="pin a release: its full commit SHA with the release in a comment "
                "(`pre-commit autoupdate --freeze` writes it), or its tag",
            )
        names = ", ".join(dict.fromkeys(hook.id for hook in running))
        first = running[0]
        source = "a local hook" if first.repo == "local" else f"{first.repo} at {first.rev}"
        return self.passed(
            f"{PATH} runs {names} ({source})",
            *(Evidence(PATH, hook.line, f"hook {hook.id}") for hook in running),
        )

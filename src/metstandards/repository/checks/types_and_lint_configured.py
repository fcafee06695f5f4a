from __future__ import annotations

import re
from collections.abc import Iterator

from metstandards.config import table_line
from metstandards.repository import shell
from metstandards.repository.check import Evidence, RepositoryCheck, Result
from metstandards.repository.ci import AUTOMATIC, RUNS_MYPY, RUNS_RUFF, Query
from metstandards.repository.precommit import PATH as PRE_COMMIT
from metstandards.repository.precommit import Hook
from metstandards.repository.view import Repository, UnreadableFile

#: Per tool: its configuration files, its ``[tool.*]`` table, its pre-commit hook ids (those
#: of metstandards which run it included), and the CI query that finds it run.
_TOOLS: dict[str, tuple[tuple[str, ...], frozenset[str], Query]] = {
    "ruff": (
        ("ruff.toml", ".ruff.toml"),
        frozenset({"ruff", "ruff-check", "metstandards-ruff", "metstandards-check"}),
        RUNS_RUFF,
    ),
    "mypy": (
        ("mypy.ini", ".mypy.ini"),
        frozenset({"mypy", "metstandards-check"}),
        RUNS_MYPY,
    ),
}
_PYPROJECT = '[project]\nname = "forecast"\nversion = "1.0.0"\n'


class TypesAndLintConfigured(RepositoryCheck):
    """ruff and mypy are configured for the repository, or run by its CI or pre-commit hooks.

    ## What it does
    For ruff: a `[tool.ruff]` table in `pyproject.toml`, a `ruff.toml` or `.ruff.toml`, a
    pre-commit hook running it (`ruff`/`ruff-check`, `metstandards-ruff`, or a local hook
    whose entry runs `ruff`), or CI running it (a `ruff` step, the ruff action, or the
    metstandards workflows, whose `metstandards check` and `python-ci` run ruff and mypy).
    For mypy: `[tool.mypy]`, `mypy.ini`, `.mypy.ini`, a `[mypy]` section in `setup.cfg`, a
    `mypy` hook or step, or the same workflows. CI counts on any event that runs by itself
    (push, pull/merge request, tag, schedule). A `ruff-format` hook formats and does not lint,
    so it does not count for ruff.

    ## Why is this bad?
    A unit mix-up between a function returning Kelvin and a caller expecting Celsius, an
    `Optional` grid passed where a grid is required, an unused import hiding a
    misspelt variable: the type checker and the linter catch these before a forecast run
    does. Unconfigured, each developer runs them differently, or not at all.

    ## Example
    ```toml
    # pyproject.toml: no [tool.ruff], no [tool.mypy], and no hook or CI step runs them
    [project]
    name = "forecast"
    ```

    ## Use instead
    ```toml
    [tool.ruff]
    line-length = 100

    [tool.mypy]
    strict = true
    ```

    ## Options
    None.
    """

    code = "MS604"
    name = "types-and-lint-configured"
    family = "ci"

    PASSING = (
        {"pyproject.toml": _PYPROJECT + "\n[tool.ruff]\nline-length = 100\n\n[tool.mypy]\n"},
        {"ruff.toml": "line-length = 100\n", "setup.cfg": "[mypy]\nstrict = True\n"},
        {
            PRE_COMMIT: "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
            "    rev: v0.8.4\n    hooks:\n      - id: ruff\n"
            "  - repo: https://github.com/pre-commit/mirrors-mypy\n"
            "    rev: v1.13.0\n    hooks:\n      - id: mypy\n"
        },
        {
            ".github/workflows/ci.yml": "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - run: |\n          ruff check .\n          mypy src\n"
        },
    )
    FAILING = (
        {"pyproject.toml": _PYPROJECT},
        {"pyproject.toml": _PYPROJECT + "\n[tool.ruff]\nline-length = 100\n"},
        {
            PRE_COMMIT: "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
            "    rev: v0.8.4\n    hooks:\n      - id: ruff-format\n"
        },
    )

    def check(self, repo: Repository) -> Result:
        found = {tool: list(self._evidence(repo, tool)) for tool in _TOOLS}
        missing = [tool for tool, evidence in found.items() if not evidence]
        if not missing:
            said = "; ".join(f"{tool}: {found[tool][0].detail}" for tool in _TOOLS)
            return self.passed(said, *(item for tool in _TOOLS for item in found[tool]))
        if repo.ci.problems:
            return self.error(f"CI could not be read: {repo.ci.unreadable}")
        one = len(missing) == 1
        return self.failed(
            f"{' and '.join(missing)} {'is' if one else 'are'} neither configured "
            "nor run by CI or a pre-commit hook",
            *(Evidence("pyproject.toml", None, f"no [tool.{tool}]") for tool in missing),
            *(item for tool in _TOOLS for item in found[tool]),
            hint=f"configure {' and '.join(missing)} in pyproject.toml "
            f"({', '.join(f'[tool.{tool}]' for tool in missing)}), or run "
            f"{'it' if one else 'them'} in CI: `metstandards check` runs both",
        )

    def _evidence(self, repo: Repository, tool: str) -> Iterator[Evidence]:
        files, hook_ids, query = _TOOLS[tool]
        yield from _configured(repo, tool, files)
        for hook in _hooks(repo):
            local = hook.repo == "local" and shell.runs(hook.entry, tool) is not None
            if (hook.id in hook_ids or local) and not hook.manual_only:
                yield Evidence(PRE_COMMIT, hook.line, f"pre-commit hook {hook.id}")
        for place in repo.ci.find(query):
            if place.events & AUTOMATIC:
                yield Evidence(place.path, place.line, f"CI runs {place.what}")


def _configured(repo: Repository, tool: str, files: tuple[str, ...]) -> Iterator[Evidence]:
    """Where the repository configures ``tool``: its pyproject table, its own files, and for
    mypy a ``[mypy]`` section of setup.cfg."""
    tables = repo.pyproject.get("tool")
    if isinstance(tables, dict) and tool in tables:
        line = table_line(repo.text("pyproject.toml") or "", f"tool.{tool}")
        yield Evidence("pyproject.toml", line, f"[tool.{tool}] in pyproject.toml")
    yield from (Evidence(path, None, f"configured in {path}") for path in files if repo.has(path))
    if tool == "mypy":
        line = _section_line(repo.text("setup.cfg") or "", "mypy")
        if line is not None:
            yield Evidence("setup.cfg", line, "[mypy] in setup.cfg")


def _hooks(repo: Repository) -> tuple[Hook, ...]:
    """The pre-commit hooks; a configuration pre-commit cannot read runs none."""
    try:
        config = repo.pre_commit
    except UnreadableFile:
        return ()
    return config.hooks if config is not None else ()


def _section_line(text: str, section: str) -> int | None:
    """The line of ``[section]`` in an INI file, else None."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.fullmatch(rf"\s*\[{re.escape(section)}\]\s*", line):
            return number
    return None

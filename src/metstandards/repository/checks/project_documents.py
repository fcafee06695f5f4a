from __future__ import annotations

import re
from collections.abc import Iterable

from metstandards.config import key_line
from metstandards.gates.version_tag import DEFAULT_CHANGELOG_FILES
from metstandards.repository.check import Evidence, RepositoryCheck, Result
from metstandards.repository.view import Repository

_README = re.compile(r"readme(?:\.\w+)?", re.IGNORECASE)
_LICENSE = re.compile(r"(?:licen[cs]e|copying)(?:[.-]\w+)?", re.IGNORECASE)
_DOCUMENTS = {
    "README.md": "# forecast\n\nPost-processing of 2 m temperature.\n",
    "LICENSE": "BSD 3-Clause License\n",
    "CHANGELOG.md": "# Changelog\n\n## 1.0.0\n\nFirst release.\n",
}


class ProjectDocuments(RepositoryCheck):
    """The repository has a README, a licence and a changelog.

    ## What it does
    Looks at the tracked files at the top of the repository for a README (`README`,
    `README.md`, `README.rst`..., in any case, as GitHub and GitLab show it), a licence (a
    `LICENSE`/`LICENCE`/`COPYING` file in any case and with any extension, a REUSE `LICENSES/`
    folder, or a licence declared in `pyproject.toml` as `[project] license` or
    `[tool.poetry] license`) and a changelog under one of the names the release check (MS502)
    reads: `CHANGELOG.md`, `CHANGELOG.rst`, `CHANGELOG`, `CHANGES.md`, `HISTORY.md`, `NEWS.md`.

    ## Why is this bad?
    Without a README nobody outside the team knows what the model predicts and how to run it;
    without a licence nobody, another weather service included, may legally reuse it; without
    a changelog an operational suite cannot tell what a version bump changes in its forecasts.

    ## Example
    ```text
    forecast/
      pyproject.toml
      src/forecast/...
    ```

    ## Use instead
    ```text
    forecast/
      README.md
      LICENSE
      CHANGELOG.md
      pyproject.toml
      src/forecast/...
    ```

    ## Options
    None. A changelog kept only in the documentation (`docs/changelog.rst`) does not count:
    the release check looks for it at the top of the repository.
    """

    code = "MS605"
    name = "project-documents"
    family = "documentation"

    PASSING = (
        _DOCUMENTS,
        {
            "readme.rst": "forecast\n========\n",
            "pyproject.toml": '[project]\nname = "forecast"\nlicense = "BSD-3-Clause"\n',
            "NEWS.md": "## 1.0.0\n",
        },
    )
    FAILING = (
        {"pyproject.toml": '[project]\nname = "forecast"\n'},
        {name: text for name, text in _DOCUMENTS.items() if name != "LICENSE"},
        {
            **{name: text for name, text in _DOCUMENTS.items() if name != "CHANGELOG.md"},
            "docs/changelog.rst": "1.0.0\n=====\n",
        },
    )

    def check(self, repo: Repository) -> Result:
        found = _documents(repo)
        missing = [what for what, where in found.items() if not where]
        if missing:
            return self.failed(
                f"the repository has {_and(f'no {what}' for what in missing)}",
                *(
                    Evidence("", None, f"no {what} at the top of the repository")
                    for what in missing
                ),
                hint=f"add {_and(f'a {what}' for what in missing)} at the top of the repository "
                f"(changelog names: {', '.join(DEFAULT_CHANGELOG_FILES)})",
            )
        evidence = [where[0] for where in found.values()]
        return self.passed(_and(item.path for item in evidence), *evidence)


def _documents(repo: Repository) -> dict[str, list[Evidence]]:
    """Where the repository keeps each document, by kind."""
    top = [path for path in repo.files if "/" not in path]
    return {"README": _readme(top), "licence": _licence(repo, top), "changelog": _changelog(repo)}


def _readme(top: list[str]) -> list[Evidence]:
    return [Evidence(p, None, "README") for p in top if _README.fullmatch(p)]


def _licence(repo: Repository, top: list[str]) -> list[Evidence]:
    files = [Evidence(p, None, "licence") for p in top if _LICENSE.fullmatch(p)]
    reuse = [Evidence("LICENSES", None, "REUSE licences")] if repo.under("LICENSES") else []
    return [*files, *reuse, *_declared_license(repo)]


def _changelog(repo: Repository) -> list[Evidence]:
    return [Evidence(n, None, "changelog") for n in DEFAULT_CHANGELOG_FILES if repo.has(n)]


def _declared_license(repo: Repository) -> list[Evidence]:
    pyproject = repo.pyproject
    tool = pyproject.get("tool")
    tables = {
        "project": pyproject.get("project"),
        "tool.poetry": tool.get("poetry") if isinstance(tool, dict) else None,
    }
    text = repo.text("pyproject.toml") or ""
    return [
        Evidence("pyproject.toml", key_line(text, table, "license"), f"[{table}] license")
        for table, values in tables.items()
        if isinstance(values, dict) and values.get("license")
    ]


def _and(items: Iterable[str]) -> str:
    words = list(items)
    return ", ".join(words[:-1]) + f" and {words[-1]}" if len(words) > 1 else "".join(words)

from __future__ import annotations

import json
import re
from typing import Any

from metstandards.repository.check import Evidence, RepositoryCheck, Result
from metstandards.repository.precommit import PATH, Hook, PreCommitConfig
from metstandards.repository.view import Repository, UnreadableFile

#: Notebooks are read up to this size; a larger one is judged by its size alone.
_LIMIT = 32 * 1024 * 1024
#: Hooks that strip outputs: nbstripout, nb-clean, `jupyter nbconvert --ClearOutput...`.
_STRIPPERS = re.compile(r"nbstripout|nb-clean|ClearOutputPreprocessor|clear-output", re.IGNORECASE)
_NBSTRIPOUT = (
    "repos:\n  - repo: https://github.com/kynan/nbstripout\n    rev: 0.8.1\n"
    "    hooks:\n      - id: nbstripout\n"
)


def _notebook(executed: bool) -> str:
    cell: dict[str, Any] = {
        "cell_type": "code",
        "execution_count": 3 if executed else None,
        "metadata": {},
        "outputs": [{"output_type": "stream", "name": "stdout", "text": ["285.3\n"]}]
        if executed
        else [],
        "source": ["print(t2m.mean().item())"],
    }
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _is_stripper(hook: Hook) -> bool:
    return bool(_STRIPPERS.search(f"{hook.id} {hook.repo} {hook.entry}")) and not hook.manual_only


def _residue(text: str) -> str | None:
    """What a notebook still holds from being run (outputs, execution counts), else None.
    A file that is not a notebook's JSON is left to Jupyter to complain about."""
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return None
    outputs = sum(1 for cell in cells if isinstance(cell, dict) and cell.get("outputs"))
    counts = sum(1 for cell in cells if isinstance(cell, dict) and cell.get("execution_count"))
    if not outputs and not counts:
        return None
    return f"{outputs} cell(s) with outputs, {counts} with execution counts"


class NotebooksStripped(RepositoryCheck):
    """Notebooks are committed without outputs, and pre-commit strips them.

    ## What it does
    Where notebooks (`.ipynb`) are tracked, each must hold no outputs and no execution
    counts, and `.pre-commit-config.yaml` must strip them: an `nbstripout` hook, an `nb-clean`
    hook, or a local hook running `jupyter nbconvert --ClearOutputPreprocessor.enabled=True`,
    whose `files`/`exclude` patterns (and the configuration's) let every tracked notebook
    through. A hook limited to `stages: [manual]` does not count. A notebook over 32 MB is
    not read: it holds outputs, as no stripped notebook is that large.

    ## Why is this bad?
    Outputs make every re-run a large diff nobody can review, bloat the history with
    embedded plots, and carry what was printed: paths on the HPC, station data under licence,
    a token echoed while debugging. A notebook committed after running also claims results the
    code in it may no longer produce.

    ## Example
    ```json
    {"cell_type": "code", "execution_count": 3,
     "outputs": [{"output_type": "stream", "text": ["285.3\\n"]}], ...}
    ```

    ## Use instead
    ```yaml
    # .pre-commit-config.yaml
    repos:
      - repo: https://github.com/kynan/nbstripout
        rev: 0.8.1
        hooks:
          - id: nbstripout
    ```
    and `nbstripout` once over the committed notebooks.

    ## Options
    None.
    """

    code = "MS610"
    name = "notebooks-stripped"
    family = "data"

    PASSING = (
        {"notebooks/t2m.ipynb": _notebook(executed=False), PATH: _NBSTRIPOUT},
        {
            "docs/t2m.ipynb": _notebook(executed=False),
            PATH: "repos:\n  - repo: local\n    hooks:\n      - id: clear-notebooks\n"
            "        name: clear notebooks\n        files: \\.ipynb$\n        language: python\n"
            "        entry: jupyter nbconvert --ClearOutputPreprocessor.enabled=True --inplace\n",
        },
    )
    FAILING = (
        {"notebooks/t2m.ipynb": _notebook(executed=True), PATH: _NBSTRIPOUT},
        {"notebooks/t2m.ipynb": _notebook(executed=False)},
        {
            "notebooks/t2m.ipynb": _notebook(executed=False),
            PATH: _NBSTRIPOUT.replace(
                "- id: nbstripout", "- id: nbstripout\n        files: ^docs/"
            ),
        },
    )
    NOT_APPLICABLE = ({"src/forecast/__init__.py": ""},)

    def check(self, repo: Repository) -> Result:
        notebooks = [path for path in repo.files if path.lower().endswith(".ipynb")]
        if not notebooks:
            return self.not_applicable("no notebook (.ipynb) is tracked")
        executed = [found for path in notebooks if (found := _executed(repo, path)) is not None]
        config = _config(repo)
        strippers = config.find(_is_stripper) if config is not None else []
        uncovered = [
            path
            for path in notebooks
            if config is None or not any(config.covers(hook, path) for hook in strippers)
        ]
        if not executed and not uncovered:
            hook = strippers[0]
            return self.passed(
                f"{len(notebooks)} notebook(s), none with outputs; the pre-commit hook "
                f"{hook.id} strips them",
                Evidence(PATH, hook.line, f"hook {hook.id}"),
            )
        problems = []
        if executed:
            problems.append(f"{len(executed)} of {len(notebooks)} notebook(s) hold outputs")
        if uncovered and strippers:
            problems.append(f"the pre-commit hook {strippers[0].id} does not cover {uncovered[0]}")
        elif uncovered:
            problems.append("no pre-commit hook strips the notebooks")
        return self.failed(
            "; ".join(problems),
            *executed,
            *(Evidence(path, None, "no pre-commit hook strips it") for path in uncovered),
            hint="add the nbstripout hook to .pre-commit-config.yaml and strip the committed "
            "notebooks once (`pre-commit run nbstripout --all-files`)",
        )


def _executed(repo: Repository, path: str) -> Evidence | None:
    """Evidence that the notebook ``path`` holds what running it left, else None."""
    text = repo.text(path, limit=_LIMIT)
    if text is None and repo.sizes.get(path, 0) > _LIMIT:
        return Evidence(path, None, f"over {_LIMIT // 2**20} MB, so it holds outputs")
    residue = _residue(text) if text is not None else None
    return Evidence(path, None, residue) if residue is not None else None


def _config(repo: Repository) -> PreCommitConfig | None:
    """The pre-commit configuration; one pre-commit cannot read strips nothing."""
    try:
        return repo.pre_commit
    except UnreadableFile:
        return None

"""Every action and reusable workflow from another repository is pinned by a full commit SHA with
its release in a comment (`owner/repo[/path]@<40 hex> # v1.2.3`): a tag can be moved to other
code, a commit cannot, and the comment is what Dependabot and Renovate update with the SHA."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ._files import (
    PLACEHOLDERS,
    ROOT,
    action_files,
    caller_templates,
    load,
    render,
    reusable_workflows,
    workflow_files,
)

USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)\s*(?P<comment>#.*)?$")
PINNED = re.compile(r"[\w.-]+/[\w.-]+(?:/[^@\s]+)?@[0-9a-f]{40}")
VERSION_COMMENT = re.compile(r"#\s*v\d+(?:\.\d+)*\S*")
#: Local references resolve to the same commit as the workflow itself; docker:// is an image.
LOCAL = ("./", "$/", "docker://")


def uses_in_yaml(document: dict[str, Any]) -> list[str]:
    """Every `uses:` of a workflow (jobs and their steps) or a composite action (its steps)."""
    jobs = list((document.get("jobs") or {}).values())
    steps = [step for job in jobs for step in job.get("steps", [])]
    steps += (document.get("runs") or {}).get("steps", [])
    return [item["uses"] for item in [*jobs, *steps] if "uses" in item]


def uses_lines(text: str) -> list[tuple[str, str]]:
    """(reference, comment) of each `uses:` line."""
    found = []
    for line in text.splitlines():
        if match := USES_LINE.match(line):
            found.append((match["ref"].strip("'\""), (match["comment"] or "").strip()))
    return found


def all_files() -> list[tuple[str, str]]:
    """(name, text) of every file that GitHub would run, caller templates rendered."""
    files = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in workflow_files()]
    files += [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in action_files()]
    files += [
        (str(p.relative_to(ROOT)), render(p.read_text(encoding="utf-8")))
        for p in caller_templates()
    ]
    return files


ALL_FILES = all_files()


@pytest.mark.parametrize(("name", "text"), ALL_FILES, ids=[name for name, _ in ALL_FILES])
def test_external_uses_are_pinned_by_sha_with_a_version_comment(name: str, text: str) -> None:
    lines = uses_lines(text)
    # The line scan must see exactly what GitHub sees, so that no `uses:` escapes it.
    assert sorted(ref for ref, _ in lines) == sorted(uses_in_yaml(yaml.safe_load(text)))
    unpinned = [
        f"{ref} {comment}".strip()
        for ref, comment in lines
        if not ref.startswith(LOCAL)
        and not (PINNED.fullmatch(ref) and VERSION_COMMENT.fullmatch(comment))
    ]
    assert unpinned == []


def test_one_action_is_pinned_to_one_commit_and_version_everywhere() -> None:
    pins: dict[str, set[tuple[str, str]]] = {}
    for _, text in ALL_FILES:
        for ref, comment in uses_lines(text):
            if not ref.startswith(LOCAL) and "@" in ref:
                path, sha = ref.split("@", 1)
                repository = "/".join(path.split("/")[:2])
                pins.setdefault(repository, set()).add((sha, comment))
    assert {repo: pin for repo, pin in pins.items() if len(pin) > 1} == {}


def test_each_reusable_workflow_has_a_caller_template() -> None:
    assert sorted(p.name for p in caller_templates()) == sorted(reusable_workflows())


@pytest.mark.parametrize("template", caller_templates(), ids=lambda p: p.name)
def test_caller_template_calls_its_workflow_with_the_placeholders_only(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    # `${{ ... }}` is a GitHub expression, not a placeholder of `metstandards init`.
    placeholders = set(re.findall(r"(?<!\$)\{\{[^}]*\}\}", text))
    assert placeholders <= set(PLACEHOLDERS)
    expected = f"metstandards/metstandards/.github/workflows/{template.name}@{{{{ref}}}}"
    assert (expected, "# {{version}}") in uses_lines(text)
    assert load(template)  # valid YAML before rendering, too

"""``init`` in a repository with its own ``.pre-commit-config.yaml``: every hook, its order and
every comment stay; the metstandards entry is added once and kept current; ``--force`` replaces
that entry and nothing else; the real pre-commit accepts every result."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ._init import HOOKS_REPO, SHA, VERSION, in_order, init, project, tool, tree

CONFIG = ".pre-commit-config.yaml"
PYPROJECT = '[project]\nname = "demo"\nversion = "0.1.0"\n'
OURS = [
    "metstandards-lint",
    "metstandards-ruff",
    "metstandards-complexity",
    "metstandards-version-tag",
    "metstandards-check",
]

# Sequences flush with their key, comments on their own lines and after values, and another
# top-level key after repos.
FLUSH = """\
repos:
# Notebooks are committed without their outputs
- repo: local
  hooks:
  - id: clear-notebooks
    name: clear-notebooks
    files: tools/.*\\.ipynb$
    language: system
    entry: "true"
- repo: https://github.com/pre-commit/pre-commit-hooks
  rev: v6.0.0
  hooks:
  - id: check-yaml # syntax only
    args: [--unsafe, --allow-multiple-documents]
  - id: end-of-file-fixer
- repo: https://github.com/psf/black-pre-commit-mirror
  rev: 26.5.1  # the formatter
  hooks:
  - id: black
    args:
    - --line-length=120    # wide
ci:
  autoupdate_schedule: monthly
"""

# A document marker, a comment between a key and its list, spaces inside flow lists, trailing
# spaces, a hook that runs at push, and no newline at the end.
INDENTED = (
    "---\n"
    "repos:\n"
    "  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
    "    # Ruff version.\n"
    "    rev: v0.14.14\n"
    "    hooks:\n"
    "      # Run the linter.\n"
    "      - id: ruff-check\n"
    "        args: [--fix, --exit-non-zero-on-fix]\n"
    "        types_or: [ python, pyi ]\n"
    "        stages: [pre-commit]        \n"
    "      - id: ruff-format\n"
    "  - repo: local\n"
    "    hooks:\n"
    "      - id: pytest\n"
    "        name: pytest\n"
    "        entry: pytest tests/\n"
    "        language: system\n"
    "        stages: [pre-push]\n"
    "        pass_filenames: false\n"
    "        types: [python]"
)

CRLF = FLUSH.replace("\n", "\r\n")

OUTDATED = f"""\
default_install_hook_types: [pre-commit, pre-push]
repos:
  - repo: https://github.com/psf/black-pre-commit-mirror
    rev: 26.5.1
    hooks:
      - id: black
  - repo: {HOOKS_REPO}
    rev: v0.9.0
    hooks:
      # the team's note on the lint hook
      - id: metstandards-lint
"""


def existing(tmp_path: Path, config: str | bytes, name: str = "repo") -> Path:
    return project(tmp_path / name, {"pyproject.toml": PYPROJECT, CONFIG: config})


def lines(path: Path) -> list[str]:
    return path.read_bytes().decode().splitlines(keepends=True)


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def entries_of(data: dict[str, Any], repo: str) -> list[dict[str, Any]]:
    return [entry for entry in data["repos"] if entry["repo"] == repo]


@pytest.mark.slow
@pytest.mark.parametrize("config", [FLUSH, INDENTED, CRLF], ids=["flush", "indented", "crlf"])
def test_every_line_hook_and_comment_stays_and_a_second_run_changes_nothing(
    tmp_path: Path, config: str
) -> None:
    repo = existing(tmp_path, config.encode())
    before = lines(repo / CONFIG)
    hooks_before = load(repo / CONFIG)["repos"]

    first = init(repo, "--workflows", "")
    assert first.exit_code == 0, first.output
    assert re.search(rf"^updated +{re.escape(CONFIG)} \(adds the metstandards hooks", first.output,
                     re.M), first.output  # fmt: skip
    after = lines(repo / CONFIG)
    stripped = [line.rstrip("\r\n") for line in after]
    assert in_order([line.rstrip("\r\n") for line in before], stripped)
    assert all(line.endswith("\r\n") for line in after) == config.endswith("\r\n")
    data = load(repo / CONFIG)
    assert data["repos"][:-1] == hooks_before  # every hook, in its order, with its options
    assert data["repos"][-1] == {"repo": HOOKS_REPO, "rev": SHA, "hooks": [{"id": h} for h in OURS]}
    assert f'rev: "{SHA}"  # frozen: {VERSION}' in "".join(after)

    written = tree(repo)
    second = init(repo, "--workflows", "")
    assert second.exit_code == 0, second.output
    assert re.search(rf"^unchanged +{re.escape(CONFIG)}$", second.output, re.M)
    assert second.output.endswith("Up to date: nothing to change.\n")
    assert tree(repo) == written


@pytest.mark.slow
def test_the_entry_is_indented_like_the_file(tmp_path: Path) -> None:
    flush = existing(tmp_path, FLUSH, "flush")
    indented = existing(tmp_path, INDENTED, "indented")
    for repo in (flush, indented):
        assert init(repo, "--workflows", "").exit_code == 0
    assert f'\n- repo: "{HOOKS_REPO}"\n  rev: "{SHA}"' in (flush / CONFIG).read_text()
    assert "\n  hooks:\n  - id: metstandards-lint\n" in (flush / CONFIG).read_text()
    text = (indented / CONFIG).read_text()
    assert "        types: [python]\n" in text  # the file's last line, now ended
    assert f'\n  - repo: "{HOOKS_REPO}"\n    rev: "{SHA}"' in text
    assert "\n    hooks:\n      - id: metstandards-lint\n      # ruff with" in text


@pytest.mark.slow
def test_the_recipes_other_hooks_are_named_not_added(tmp_path: Path) -> None:
    repo = existing(tmp_path, INDENTED)
    result = init(repo, "--workflows", "")
    remark = " ".join(result.output.split())
    assert "not added from the recipe: mypy (pre-commit/mirrors-mypy), zizmor" in remark
    assert "ruff-format (" not in remark  # the file runs it already
    hooks = {hook["id"] for entry in load(repo / CONFIG)["repos"] for hook in entry["hooks"]}
    assert not hooks & {"mypy", "zizmor"}


@pytest.mark.slow
def test_install_hook_types_are_added_with_default_stages_and_said(tmp_path: Path) -> None:
    repo = existing(tmp_path, INDENTED)
    result = init(repo, "--workflows", "")
    data = load(repo / CONFIG)
    assert data["default_install_hook_types"] == ["pre-commit", "pre-push"]
    assert data["default_stages"] == ["pre-commit"]
    assert (repo / CONFIG).read_text().startswith("---\n# Added by `metstandards init`")
    remark = " ".join(result.output.split())
    assert "added default_install_hook_types: [pre-commit, pre-push]" in remark
    assert "and default_stages: [pre-commit]" in remark
    assert "Hooks that name the push stage now run at push too: pytest." in remark


@pytest.mark.slow
def test_install_hook_types_without_pre_push_are_kept_and_said(tmp_path: Path) -> None:
    config = "default_install_hook_types: [pre-commit, commit-msg]\n" + FLUSH
    repo = existing(tmp_path, config)
    result = init(repo, "--workflows", "")
    assert result.exit_code == 0, result.output
    assert load(repo / CONFIG)["default_install_hook_types"] == ["pre-commit", "commit-msg"]
    assert "default_stages" not in load(repo / CONFIG)
    assert "does not list pre-push" in " ".join(result.output.split())


@pytest.mark.slow
def test_an_outdated_entry_is_brought_up_to_date_keeping_its_comment(tmp_path: Path) -> None:
    repo = existing(tmp_path, OUTDATED)
    result = init(repo, "--workflows", "")
    assert result.exit_code == 0, result.output
    assert "brings the metstandards hooks up to date; keeps its 1 other hook" in result.output
    text = (repo / CONFIG).read_text()
    assert f'    rev: "{SHA}"  # frozen: {VERSION}\n' not in text  # the file's own quoting: none
    assert f"    rev: {SHA}  # frozen: {VERSION}\n" in text
    assert "      # the team's note on the lint hook\n      - id: metstandards-lint\n" in text
    [ours] = entries_of(load(repo / CONFIG), HOOKS_REPO)
    assert [hook["id"] for hook in ours["hooks"]] == OURS
    assert init(repo, "--workflows", "").output.endswith("Up to date: nothing to change.\n")


@pytest.mark.slow
def test_a_hook_configured_differently_is_left_alone_until_forced(tmp_path: Path) -> None:
    config = OUTDATED.replace(
        "      - id: metstandards-lint\n", "      - id: metstandards-lint\n        args: [-q]\n"
    )
    repo = existing(tmp_path, config)
    refused = init(repo, "--workflows", "")
    assert refused.exit_code == 1, refused.output
    assert (repo / CONFIG).read_text() == config
    assert re.search(rf"^would change +{re.escape(CONFIG)} \(its metstandards entry differs",
                     refused.output, re.M), refused.output  # fmt: skip
    assert "metstandards-lint sets args" in " ".join(refused.output.split())
    assert "-        args: [-q]\n" in refused.output  # the diff of what --force would do
    assert "re-run with --force" in refused.output

    forced = init(repo, "--workflows", "", "--force")
    assert forced.exit_code == 0, forced.output
    assert "left as it is" not in forced.output
    assert re.search(rf"^updated +{re.escape(CONFIG)} \(replaces its metstandards entry",
                     forced.output, re.M), forced.output  # fmt: skip
    data = load(repo / CONFIG)
    assert data["repos"][0] == load_text(OUTDATED)["repos"][0]  # the other hooks, as they were
    assert data["repos"][1]["hooks"] == [{"id": hook} for hook in OURS]
    ours_start = config.index(f"  - repo: {HOOKS_REPO}")
    assert (repo / CONFIG).read_text().startswith(config[:ours_start])
    assert init(repo, "--workflows", "").exit_code == 0


def load_text(text: str) -> dict[str, Any]:
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


@pytest.mark.slow
def test_force_leaves_one_entry_of_the_metstandards_hooks(tmp_path: Path) -> None:
    local = (
        "  - repo: local\n    hooks:\n      - id: metstandards-lint\n        name: lint\n"
        "        entry: metstandards lint\n        language: system\n"
    )
    repo = existing(tmp_path, OUTDATED + local)
    assert "in 2 entries of repos" in " ".join(init(repo, "--workflows", "").output.split())
    assert init(repo, "--workflows", "", "--force").exit_code == 0
    data = load(repo / CONFIG)
    assert [entry["repo"] for entry in data["repos"]] == [
        "https://github.com/psf/black-pre-commit-mirror",
        HOOKS_REPO,
    ]


@pytest.mark.slow
def test_a_config_without_hooks_of_its_own_gets_the_whole_recipe(tmp_path: Path) -> None:
    repo = existing(tmp_path, "# the team's header\nrepos: []\n")
    result = init(repo, "--workflows", "")
    assert result.exit_code == 0, result.output
    added = "adds the metstandards hooks, ruff-format, mypy, zizmor and default_install_hook_types"
    assert added in result.output
    data = load(repo / CONFIG)
    ids = [hook["id"] for entry in data["repos"] for hook in entry["hooks"]]
    assert ids == ["metstandards-lint", *OURS[1:], "ruff-format", "mypy", "zizmor"]
    assert (repo / CONFIG).read_text().startswith("# the team's header\n")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("repos: [\n", "is not valid YAML"),
        ("- just a list\n", "is not a YAML mapping written in block style"),
        ("ci: {}\n", "has no repos: list"),
        ("repos:\n  - just-a-url\n", "an item of repos is not a mapping"),
    ],
)
def test_a_config_init_cannot_read_is_a_usage_error(
    tmp_path: Path, config: str, message: str
) -> None:
    repo = existing(tmp_path, config)
    before = tree(repo)
    result = init(repo)
    assert result.exit_code == 2
    assert f"metstandards: error: {CONFIG}" in result.output
    assert message in result.output
    assert tree(repo) == before


@pytest.mark.slow
def test_pre_commit_accepts_every_merged_config(tmp_path: Path) -> None:
    """The real pre-commit's validate-config, on each kind of merge above."""
    configs = {
        "flush": (FLUSH, ()),
        "indented": (INDENTED, ()),
        "crlf": (CRLF, ()),
        "outdated": (OUTDATED, ()),
        "forced": (OUTDATED.replace("lint\n", "lint\n        args: [-q]\n"), ("--force",)),
        "empty": ("repos: []\n", ()),
        "null": ("repos:\nci:\n  skip: []\n", ()),
    }  # fmt: skip
    written = []
    for name, (config, options) in configs.items():
        repo = existing(tmp_path, config.encode(), name)
        result = init(repo, "--workflows", "", *options)
        assert result.exit_code == 0, (name, result.output)
        assert entries_of(load(repo / CONFIG), HOOKS_REPO), name
        written.append(repo / CONFIG)
    checked = tool("pre-commit", "validate-config", *written, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr

from __future__ import annotations

from metstandards.repository.check import Evidence, RepositoryCheck, Result
from metstandards.repository.view import Repository

#: Folders (lower case) GitHub and GitLab read issue templates from.
_ISSUE_FOLDERS = frozenset(
    {"issue_template", ".github/issue_template", "docs/issue_template", ".gitlab/issue_templates"}
)
#: Folders of several pull/merge request templates; a single one is a file named for it.
_REQUEST_FOLDERS = frozenset(
    {
        "pull_request_template",
        ".github/pull_request_template",
        "docs/pull_request_template",
        ".gitlab/merge_request_templates",
    }
)
_REQUEST_PLACES = frozenset({"", ".github", "docs"})
_KINDS = {"a bug report template": ("bug",), "a feature request template": ("feature", "enhance")}
_BUG = "---\nname: Bug report\nabout: A forecast or a run went wrong\n---\n## What happened\n"
_FEATURE = "---\nname: Feature request\nabout: Something the model should do\n---\n"
_REQUEST = "## What changes, and how was it verified?\n"


def _split(path: str) -> tuple[str, str]:
    folder, _, name = path.lower().rpartition("/")
    return folder, name


def _is_issue_template(path: str) -> bool:
    folder, name = _split(path)
    return (
        folder in _ISSUE_FOLDERS
        and name.endswith((".md", ".yml", ".yaml"))
        and name not in ("config.yml", "config.yaml")
    )


def _is_request_template(path: str) -> bool:
    folder, name = _split(path)
    if folder in _REQUEST_FOLDERS:
        return name.endswith(".md")
    return folder in _REQUEST_PLACES and name.startswith("pull_request_template.")


class ContributionTemplates(RepositoryCheck):
    """The repository has bug and feature issue templates and a pull/merge request template.

    ## What it does
    Looks for issue templates in `.github/ISSUE_TEMPLATE/` (or `ISSUE_TEMPLATE/` at the top or
    in `docs/`, as GitHub reads them) and `.gitlab/issue_templates/`: one whose file name says
    bug (`bug_report.md`, `1-bug.yml`) and one that says feature or enhancement
    (`feature_request.md`); and for a pull request template (`pull_request_template.md` at the
    top, in `.github/` or `docs/`, or a `PULL_REQUEST_TEMPLATE/` folder) or a GitLab merge
    request template (`.gitlab/merge_request_templates/*.md`). GitHub and GitLab templates
    count alike, whichever host the repository is on.

    ## Why is this bad?
    A forecaster reporting "the model is off over the Alps" gives nothing to reproduce; a bug
    template asks for the version, the run and the inputs. A pull request template asks how a
    change was verified (scores before and after), which is what a reviewer of a model change
    needs and forgets to ask.

    ## Example
    ```text
    .github/
      workflows/ci.yml
    ```

    ## Use instead
    ```text
    .github/
      ISSUE_TEMPLATE/bug_report.md
      ISSUE_TEMPLATE/feature_request.md
      pull_request_template.md
    ```

    ## Options
    None.
    """

    code = "MS612"
    name = "contribution-templates"
    family = "documentation"

    PASSING = (
        {
            ".github/ISSUE_TEMPLATE/bug_report.md": _BUG,
            ".github/ISSUE_TEMPLATE/feature_request.md": _FEATURE,
            ".github/pull_request_template.md": _REQUEST,
        },
        {
            ".gitlab/issue_templates/Bug.md": _BUG,
            ".gitlab/issue_templates/Enhancement.md": _FEATURE,
            ".gitlab/merge_request_templates/Default.md": _REQUEST,
        },
    )
    FAILING = (
        {"README.md": "# forecast\n"},
        {
            ".github/ISSUE_TEMPLATE/bug_report.md": _BUG,
            ".github/pull_request_template.md": _REQUEST,
        },
        {
            ".github/ISSUE_TEMPLATE/bug_report.md": _BUG,
            ".github/ISSUE_TEMPLATE/feature_request.md": _FEATURE,
        },
    )

    def check(self, repo: Repository) -> Result:
        issues = [path for path in repo.files if _is_issue_template(path)]
        found = {
            kind: [path for path in issues if any(w in _split(path)[1] for w in words)]
            for kind, words in _KINDS.items()
        }
        found["a pull/merge request template"] = [p for p in repo.files if _is_request_template(p)]
        missing = [kind for kind, paths in found.items() if not paths]
        if missing:
            return self.failed(
                f"the repository has no {', no '.join(k.removeprefix('a ') for k in missing)}",
                *(Evidence("", None, f"no {kind.removeprefix('a ')}") for kind in missing),
                hint="add .github/ISSUE_TEMPLATE/bug_report.md, "
                ".github/ISSUE_TEMPLATE/feature_request.md and .github/pull_request_template.md "
                "(on GitLab: .gitlab/issue_templates/ and .gitlab/merge_request_templates/)",
            )
        evidence = [Evidence(paths[0], None, kind) for kind, paths in found.items()]
        return self.passed(", ".join(item.path for item in evidence), *evidence)

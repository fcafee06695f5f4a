"""``metstandards init``: bring a repository up to the standard by writing the org's files into it.

:mod:`.pin` decides which metstandards commit the files pin, :mod:`.sources` finds and fills the
shipped templates, :mod:`.plan` compares them with what the repository holds and writes only what
is safe to write, and :mod:`.summary` turns the result into the text the command prints.

A repository's own files are adopted, not replaced: :mod:`.pre_commit_config` and
:mod:`.dependabot` add init's part to the configurations it has (edited as text through
:mod:`.yaml_text`), :mod:`.existing_ci` finds a CI of its own that already runs the tests, and
:mod:`.project` with :mod:`.python_ci` fit the python-ci caller to what the project declares.

On GitLab, :mod:`.ci_platform` decides which CI init writes for and where the CI/CD components
come from, :mod:`.gitlab_ci` adds their include entries to a ``.gitlab-ci.yml`` (or writes one),
and :mod:`.existing_gitlab_ci` finds a pipeline that already runs the tests.
"""


class ScaffoldError(Exception):
    """A problem the user must fix before ``init`` can write anything (exit status 2)."""

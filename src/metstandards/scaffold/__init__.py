"""``metstandards init``: bring a repository up to the standard by writing the org's files into it.

:mod:`.pin` decides which metstandards commit the files pin, :mod:`.sources` finds and fills the
shipped templates, :mod:`.plan` compares them with what the repository holds and writes only what
is safe to write, and :mod:`.summary` turns the result into the text the command prints.
"""


class ScaffoldError(Exception):
    """A problem the user must fix before ``init`` can write anything (exit status 2)."""

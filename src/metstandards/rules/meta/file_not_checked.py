from __future__ import annotations

from metstandards.rule import Role, Rule


class FileNotChecked(Rule):
    """A file could not be checked, so none of its rules ran.

    ## What it does
    Reports a file that metstandards was asked to check but could not: a syntax error (at the
    error's position), bytes that are not valid in the file's encoding, a file over
    `max-file-size-kb`, nesting deeper than the parser can take, an unreadable file, a FIFO or
    other non-regular file, a dangling symlink or a symlink loop; a notebook that is not valid
    JSON or nbformat, or whose code cells (not their outputs) are over `max-file-size-kb`. Every
    other file is still checked.

    ## Why is this bad?
    A check that did not run must never look like a check that passed. A file the parser rejects
    is also a file Python itself will reject at import time.

    ## Example
    ```python
    def train(:
        ...
    ```

    ## Use instead
    Fix the syntax, re-encode the file as UTF-8, or exclude generated files with `extend-exclude`.

    ## Options
    `max-file-size-kb` (default 2048). MS000 cannot be ignored or suppressed: exclude the file
    instead, which states plainly that it is not checked.
    """

    code = "MS000"
    name = "file-not-checked"
    roles = frozenset(Role)
    notebooks = True
    VALID = ("x = 1\n", "")
    INVALID = ("def train(:\n    pass\n", "print('unterminated\n")

"""EX101: ``os.system(...)`` in package code."""

from __future__ import annotations

import libcst as cst

from metstandards.rule import Rule


class OsSystemCall(Rule):
    """A shell command run with `os.system`.

    ## What it does
    Flags calls of `os.system` (also imported as `from os import system` or through an alias)
    in package code. Tests may shell out as they like.

    ## Why is this bad?
    `os.system` hands a string to the shell: a path with a space or a quote breaks it, a value
    from a config file can inject commands, and the exit status is the only thing that comes
    back, so a failed step of a forecast pipeline goes unnoticed.

    ## Example
    ```python
    import os

    os.system(f"cdo mergetime {inputs} {output}")
    ```

    ## Use instead
    ```python
    import subprocess

    subprocess.run(["cdo", "mergetime", *inputs, output], check=True)
    ```

    ## Options
    None.
    """

    code = "EX101"
    name = "os-system-call"
    standard = "Shell commands kept out of code"

    VALID = (
        "import subprocess\nsubprocess.run(['ls'], check=True)\n",
        "def system(command):\n    return command\n\nsystem('ls')\n",
        {"tests/test_cli.py": "import os\nos.system('metstandards --version')\n"},
    )
    INVALID = (
        "import os\nos.system('ls')\n",
        "from os import system as run_shell\nrun_shell('ls')\n",
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.qualified_name(node.func) == "os.system":
            self.report(node, "`os.system` runs a shell string; use `subprocess.run([...])`")

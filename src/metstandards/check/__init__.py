"""``metstandards check``: lint rules, gates (MS501, MS502) and wrapped tools in one report."""

#: The parts of ``check``, in the order they run. Here, in a module that imports nothing, because
#: the command line names them in its options at start-up.
CHECKS = (
    "lint",
    "complexity",
    "version-tag",
    "ruff",
    "mypy",
    "bandit",
    "pip-audit",
    "repository",
)

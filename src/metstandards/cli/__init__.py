"""The ``metstandards`` command line. It parses arguments and calls the library; nothing else.

``_common`` holds the ``main`` group and what the commands share; each other module holds one
family of commands: ``lint`` the linter's, ``check`` the standard's gates, ``adopt`` the
adoption and CI helpers, ``audit`` the audit across repositories, ``server`` the language
server for editors. Heavy imports (libcst, pygls) happen
inside the commands that need them: a pre-commit hook pays the start-up time on every commit.
"""

# The command modules are imported for their side effect: their `@main.command` decorators
# register the commands on `main`.
from metstandards.cli import adopt, audit, check, lint, server  # noqa: F401
from metstandards.cli._common import main

__all__ = ["main"]

"""Allow ``python -m metstandards``."""

from metstandards.cli import main

main()

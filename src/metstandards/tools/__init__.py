"""The wrapped tools: ruff, mypy, bandit and pip-audit, run as the real programs.

Each module exposes ``run(ctx) -> Outcome`` and keeps the tool's own codes behind a prefix
(``ruff:F401``, ``mypy:arg-type``, ``bandit:B301``, ``pip-audit:PYSEC-...``). A tool that is
missing, stops, crashes or prints what cannot be read is reported as not run, never as passed:
a parser that silently drops what it cannot read turns a broken check into a green one.
"""

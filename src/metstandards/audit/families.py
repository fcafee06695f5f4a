"""The standard families a repository is scored in, and which codes belong to each.

The families are the WG3 standards as an audit reader thinks of them: seeded randomness, model
artifacts, secrets, configuration, complexity, releases, CI, code quality, data and
documentation. A family is scored from the repository checks (MS6xx) that name it and, for the
code-level standards, from the findings of ``check``'s parts whose codes map to it.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Family id -> title, in display order.
TITLES: Mapping[str, str] = {
    "reproducibility": "Seeded randomness",
    "artifacts": "Model artifacts round-trip",
    "secrets": "No secrets in logs or git",
    "configuration": "Configuration over constants",
    "complexity": "Bounded complexity",
    "release": "Releases match their tags",
    "ci": "CI runs the standard, tests and scans",
    "code-quality": "Lint, types and security tools",
    "data": "Data and notebooks kept out of git",
    "documentation": "Documented and open to contribution",
}

#: Code prefixes of findings and the family they score in; the longest matching prefix wins.
_PREFIXES: Mapping[str, str] = {
    "MS1": "reproducibility",
    "MS2": "artifacts",
    "MS3": "secrets",
    "MS4": "configuration",
    "MS501": "complexity",
}
#: Findings of codes no prefix claims (MS0xx, the wrapped tools, plugin rules) score here.
DEFAULT = "code-quality"

#: Which part of ``check`` produces the findings of each code-scored family: a family whose
#: part did not run cannot score as if it had no findings.
PARTS: Mapping[str, tuple[str, ...]] = {
    "reproducibility": ("lint",),
    "artifacts": ("lint",),
    "secrets": ("lint",),
    "configuration": ("lint",),
    "complexity": ("complexity",),
    "code-quality": ("lint", "ruff", "bandit", "mypy", "pip-audit"),
}


def of_code(code: str) -> str:
    """The family a finding's code scores in."""
    matches = [prefix for prefix in _PREFIXES if code.startswith(prefix)]
    return _PREFIXES[max(matches, key=len)] if matches else DEFAULT

"""The built-in repository checks, MS601-MS613: one class per module, registered through the
``metstandards.repository_checks`` entry-point group like any plugin's.

Modules whose name starts with ``_`` hold what several checks share: their settings, and which
tracked files are tests and which are package code.
"""

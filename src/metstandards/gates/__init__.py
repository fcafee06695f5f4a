"""The gates of `metstandards check`: checks over the project rather than lint rules.

Each gate module has ``CODE``, ``NAME`` and ``DOC`` (its documentation, in the rules' layout),
which ``metstandards explain`` and ``metstandards rules`` show.
"""

#: Gate code -> the module that implements it.
GATES = {
    "MS501": "metstandards.gates.complexity",
    "MS502": "metstandards.gates.version_tag",
}

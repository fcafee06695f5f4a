"""Where a bound name lives, for the MS4xx rules that look at how a name is used after it is
bound (a model that then gets checkpoint weights, a string that is then an HDF5 group key).

Without scope analysis: ``self.x`` lives in its class (bound in ``__init__``, used in another
method), any other name in its innermost function, or in the module (0) outside functions.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

MODULE = 0


def region(scopes: Sequence[cst.CSTNode], name: str) -> int:
    """The id of the class or function ``name`` is bound in, or ``MODULE``."""
    kind: type[cst.CSTNode] = cst.ClassDef if name.startswith("self.") else cst.FunctionDef
    return next((id(scope) for scope in reversed(scopes) if type(scope) is kind), MODULE)

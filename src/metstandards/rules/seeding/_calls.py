"""Reading call sites, shared by the seeding rules.

All three rules ask the same two questions of a call: what does it call (cheaply: most calls are
dismissed by their last name before any import resolution), and does it give a parameter a real
value. "Real" means anything but a missing argument or the literal ``None``: a name, attribute,
call or number may hold a seed, and ``*args``/``**kwargs`` may carry one, so those count as given
(no finding on a guess).
"""

from __future__ import annotations

from collections.abc import Set
from typing import TYPE_CHECKING

import libcst as cst

if TYPE_CHECKING:
    from metstandards.rule import Rule


def callee(rule: Rule, call: cst.Call, wanted: Set[str]) -> tuple[str, str | None] | None:
    """(own name, qualified name) of the function ``call`` calls, when its own name (``f`` in
    ``a.b.f``) is in ``wanted``; else None. An attribute chain is resolved only after its last
    name matched; a bare name is resolved first, so that import aliases
    (``from numpy.random import default_rng as make_rng``) are seen through."""
    func = call.func
    if isinstance(func, cst.Attribute):
        own = func.attr.value
        return (own, rule.qualified_name(func)) if own in wanted else None
    if isinstance(func, cst.Name):
        name = rule.qualified_name(func)
        own = name.rsplit(".", 1)[-1] if name is not None else func.value
        return (own, name) if own in wanted else None
    return None


def is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    """The value passed as ``name=...``, if any."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def passes(call: cst.Call, name: str, position: int | None = None) -> bool:
    """Whether ``call`` gives parameter ``name`` (keyword, or positional at ``position``) a value
    other than ``None``, or unpacks arguments that might."""
    positional = 0
    for arg in call.args:
        if arg.star == "**" or (arg.star == "*" and position is not None):
            return True
        if arg.keyword is not None:
            if arg.keyword.value == name:
                return not is_none(arg.value)
        elif positional == position:
            return not is_none(arg.value)
        else:
            positional += 1
    return False

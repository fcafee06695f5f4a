"""How the seeding rules read a call's arguments: a seed is given unless it is missing or `None`."""

from __future__ import annotations

import libcst as cst
import pytest

from metstandards.rules.seeding._calls import passes


def _call(source: str) -> cst.Call:
    expression = cst.parse_expression(source)
    assert isinstance(expression, cst.Call)
    return expression


@pytest.mark.parametrize(
    ("source", "given"),
    [
        ("f()", False),
        ("f(None)", False),
        ("f(seed=None)", False),
        ("f(0)", True),
        ("f(cfg.seed)", True),
        ("f(make_seed())", True),
        ("f(seed=seed)", True),
        ("f(**options)", True),
        ("f(*args)", True),
        ("f(size=3)", False),
    ],
)
def test_seed_parameter(source: str, given: bool) -> None:
    assert passes(_call(source), "seed", 0) is given


@pytest.mark.parametrize(
    ("source", "given"),
    [
        ("df.sample(10, None, False, None, 0)", True),
        ("df.sample(10, None, False, None, None)", False),
        ("df.sample(10)", False),
        ("split(x, y, *rest)", False),
        ("split(x, y, random_state=seed)", True),
    ],
)
def test_keyword_only_unless_positioned(source: str, given: bool) -> None:
    position = 4 if source.startswith("df.") else None
    assert passes(_call(source), "random_state", position) is given

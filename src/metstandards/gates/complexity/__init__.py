"""MS501: cyclomatic complexity measured by radon and judged the way xenon judges it.

Three modules: :mod:`.measure` (radon on each file, cached), :mod:`.policy` (the limits and the
ratchet: what is reported), and this one, the gate's documentation, which ``metstandards
explain MS501`` prints.
"""

from metstandards.gates.complexity.measure import (
    MODULE_AVERAGE,
    MODULE_MAINTAINABILITY,
    PROJECT,
    snapshot,
)
from metstandards.gates.complexity.policy import CODE, NAME, check_complexity

__all__ = [
    "CODE",
    "DOC",
    "MODULE_AVERAGE",
    "MODULE_MAINTAINABILITY",
    "NAME",
    "PROJECT",
    "check_complexity",
    "snapshot",
]

DOC = """Blocks, modules or the whole project more complex than the limits allow.

## What it does
Measures the cyclomatic complexity of every function, method, class, closure and inner class in
the package code with radon, and ranks it A (1-5) to F (41 and more) as `radon cc` and xenon do.
It reports, as errors:

- a block whose rank is worse than `max-absolute`, at the block;
- a module whose average block complexity ranks worse than `max-modules`, at its first line;
- a project whose average block complexity ranks worse than `max-average`, at the first line
  of the module with the largest total complexity (the one that moves the average most).

A module whose maintainability index (radon mi: A above 19, B above 9, C below) ranks worse than
`min-maintainability` is a warning. Files that are not UTF-8 or do not parse are not measured;
the report names them.

With a baseline (`metstandards baseline`, then `check --baseline`), only blocks that are new or
more complex than recorded are reported, and module and project values only when they got worse
than recorded: a legacy repository adopts the gate at once and cannot slide back.

## Why is this bad?
Training and inference code with deeply branching functions is where a configuration path is
never tested: a forgotten `elif` for one model variant silently trains on the wrong grid. Code
that is hard to read is also hard to review when an operational forecast depends on it.

## Example
```python
def to_si(field, variable, units):
    if variable == "t2m":
        if units == "degC":
            return field + 273.15
        if units == "degF":
            return (field - 32) / 1.8 + 273.15
    elif variable == "tp":
        if units == "mm":
            return field / 1000
    ...  # a branch for every other variable and unit
    return field
```

## Use instead
```python
TO_SI = {
    ("t2m", "degC"): lambda x: x + 273.15,
    ("t2m", "degF"): lambda x: (x - 32) / 1.8 + 273.15,
    ("tp", "mm"): lambda x: x / 1000,
}


def to_si(field, variable, units):
    return TO_SI.get((variable, units), lambda x: x)(field)
```

## Options
In `[tool.metstandards.complexity]`:

- `max-absolute` (default `"C"`): the worst rank a block may have.
- `max-modules` (default `"B"`): the worst rank of a module's average.
- `max-average` (default `"A"`): the worst rank of the project's average.
- `min-maintainability` (default `"B"`, one of A, B, C): modules ranking worse get a warning.
- `include-tests` (default `false`): measure test code too.
"""


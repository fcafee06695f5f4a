"""The guard in front of the parser: it refuses what would crash libcst, asks CPython only about
files that could, and lets everything else through untouched."""

from __future__ import annotations

from metstandards.engine.nesting import _suspicious, nesting_problem

TABLE = "STATIONS = [\n" + "".join(f"    ('{i:05}', {i}.5, -{i}.25),\n" for i in range(400)) + "]\n"


def test_ordinary_large_files_are_not_even_suspicious() -> None:
    """Big literal tables, long modules and deep-ish nesting cost one scan, no extra parse."""
    module = "import numpy as np\n\n" + "\n".join(
        f"def f{i}(x):\n    return np.sum([x[{i}], (x[{i} + 1] * 2)], axis=0)\n" for i in range(300)
    )
    nested = "x = " + "[" * 60 + "1" + "]" * 60 + "\n" + TABLE
    assert len(TABLE) > 4096
    for source in (TABLE, module, nested):
        assert not _suspicious(source.encode())
        assert nesting_problem(source.encode()) is None


def test_suspicious_but_harmless_files_pass_after_cpython_looks() -> None:
    long_line = "BLOB = '" + "a" * 5000 + "'\n"
    prose = '"""' + "A long note without any separators\n" * 200 + '"""\n'
    in_strings = "ART = '" + "(" * 300 + ")" * 300 + "'\n" + TABLE
    for source in (long_line, prose, in_strings):
        assert _suspicious(source.encode())
        assert nesting_problem(source.encode()) is None


def test_what_would_crash_the_parser_is_refused_with_a_position() -> None:
    brackets = ("x = 1\n" * 3 + "y = " + "(" * 250 + "1" + ")" * 250 + "\n" + TABLE).encode()
    assert nesting_problem(brackets) == ("syntax error: too many nested parentheses", 4, 205)
    chain = ("x = 1\ny = " + " + ".join(["1"] * 2000) + "\n").encode()
    reason, line, _ = nesting_problem(chain) or ("", 0, 0)
    assert reason.startswith("nesting too deep for the parser")
    assert line == 2

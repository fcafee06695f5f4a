"""IPython syntax in a cell becomes plain Python without moving any line: every result parses,
has the cell's line count, and keeps every line that was Python as it was."""

from __future__ import annotations

import ast

import pytest

from metstandards.engine.magics import lines_of, neutralise


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("%matplotlib inline\nimport xarray as xr\n", "pass\nimport xarray as xr\n"),
        ("!pip install cfgrib\nx = 1", "pass\nx = 1"),
        ("files = !ls /data\nn = len(files)\n", "files = None\nn = len(files)\n"),
        ("a, b = %who_ls\n", "a, b = None\n"),
        ("for t in range(3):\n    %time step(t)\n", "for t in range(3):\n    pass\n"),
        ("xr.open_dataset?\n??ds\nds.sel??  # help\n", "pass\npass\npass\n"),
        ("%%bash\necho $HOME\nls -l\n", "pass\npass\npass\n"),
        ("%%writefile run.sh\nrm -rf /\n", "pass\npass\n"),
        ("\n%%time\nmodel = load(p)\n", "\npass\nmodel = load(p)\n"),
        ("%%capture out\n!nvidia-smi\nx = 1\n", "pass\npass\nx = 1\n"),
        (
            "x = 2  # %%bash on a later line is a comment\n%%bash\n",
            "x = 2  # %%bash on a later line is a comment\npass\n",
        ),
    ],
)
def test_ipython_syntax_becomes_a_statement_that_does_nothing(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected
    ast.parse(expected)


@pytest.mark.parametrize(
    "cell",
    [
        'query = """\n%s\n!important\nwhy?\n"""\n',
        "values = [\n    1,\n]\nsizes = (\n%x)\n",
        "total = 1 + \\\n    !x\n",
        "text = 'it\\'s'\nrate = 5 % 2\n",
        "word = r'\\\\'\nok = x != y\n",
        "if'a' == b:\n    pass\n",
    ],
)
def test_what_is_inside_strings_brackets_or_continued_lines_is_left_alone(cell: str) -> None:
    """``%`` or ``!`` that begins a line inside a string, brackets or after a backslash is not
    a magic: the text stays as it was."""
    assert neutralise(cell) == cell


def test_a_line_after_a_closed_string_or_bracket_is_looked_at_again() -> None:
    cell = 'doc = """\nline\n"""\n!ls\nsize = f(\n    1)\n%who\n'
    assert neutralise(cell) == 'doc = """\nline\n"""\npass\nsize = f(\n    1)\npass\n'


@pytest.mark.parametrize(
    "cell",
    ["%%bash\nls", "!ls", "x = 1\r\n%time x\r\ny = 2", "%%sql\r\nSELECT 1\r\n", "a\x0cb\n!c\n"],
)
def test_the_line_count_and_endings_never_change(cell: str) -> None:
    lines = lines_of(neutralise(cell))
    assert len(lines) == len(lines_of(cell))
    assert [line[len(line.rstrip("\r\n")) :] for line in lines] == [
        line[len(line.rstrip("\r\n")) :] for line in lines_of(cell)
    ]


def test_lines_split_where_python_splits_them() -> None:
    """A form feed is no line break to Python's tokenizer, though ``str.splitlines`` says so."""
    assert lines_of("a\r\nb\rc\x0cd\ne") == ["a\r\n", "b\r", "c\x0cd\n", "e"]
    assert lines_of("") == []

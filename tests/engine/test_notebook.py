"""Jupyter notebooks through a real run: findings by cell, the rules that apply, suppressions in
cells, notebooks that cannot be read, discovery and the cache."""

from __future__ import annotations

import json

import pytest
from conftest import notebook

from metstandards.engine.runner import LintResult

from ._project import Project

UNSAFE = "import torch\nstate = torch.load(path)\n"
UNSEEDED = "import numpy as np\nrng = np.random.default_rng()\n"
SITE_PATH = "import xarray as xr\nds = xr.open_zarr('/lustre/user/era5/2020.zarr')\n"
NB = "notebooks/explore.ipynb"


def placed(result: LintResult) -> list[tuple[str, int | None, int, int, str]]:
    """(path, cell, line, column, code) of every finding."""
    return [(f.path, f.cell, f.line, f.column, f.code) for f in result.findings]


def test_findings_are_located_by_cell_and_by_line_and_column_within_it(project: Project) -> None:
    """Markdown cells count, as ruff and the notebook count cells; magics and shell escapes
    above the finding move nothing."""
    project.write(
        {
            NB: notebook(
                "md:# Radar nowcast\nLoading the checkpoint.",
                "%matplotlib inline\nimport torch",
                "md:Now the state.",
                "!pip install torch\nfiles = !ls\nxr.open_dataset?\nstate = torch.load(path)",
            )
        }
    )
    result = project.lint()
    assert placed(result) == [(NB, 4, 4, 9, "MS202")]
    (finding,) = result.findings
    assert (finding.end_line, finding.end_column) == (4, 25)
    assert finding.location == f"{NB}:cell 4:4:9"
    assert result.files_checked == 1


def test_an_import_in_one_cell_resolves_a_call_in_another(project: Project) -> None:
    project.write({NB: notebook("import pickle as pk", "x = 1", "model = pk.load(handle)")})
    assert placed(project.lint()) == [(NB, 3, 1, 9, "MS202")]


def test_findings_sort_by_cell_before_line(project: Project) -> None:
    cells = ["import torch\n\n\n\nfirst = torch.load(a)", *["x = 1"] * 8, "second = torch.load(b)"]
    project.write({NB: notebook(*cells)})
    assert [(f.cell, f.line) for f in project.lint().findings] == [(1, 5), (10, 1)]


def test_the_rules_that_check_notebooks_are_those_that_say_so(project: Project) -> None:
    """MS202 and MS402 check notebooks; MS101 (seeding is the package's business) does not."""
    project.write({NB: notebook(UNSAFE, UNSEEDED, SITE_PATH)})
    assert {f.code for f in project.lint().findings} == {"MS202", "MS402"}


def test_the_project_turns_rules_on_and_off_in_notebooks(project: Project) -> None:
    project.configure('[tool.metstandards]\nnotebook-select = ["MS1"]\nnotebook-ignore = ["MS4"]\n')
    project.write({NB: notebook(UNSAFE, UNSEEDED, SITE_PATH), "pkg/io.py": SITE_PATH})
    assert {(f.path, f.code) for f in project.lint().findings} == {
        (NB, "MS202"),
        (NB, "MS101"),
        ("pkg/io.py", "MS402"),  # Python files are not affected
    }


def test_the_longer_prefix_wins_between_notebook_select_and_ignore(project: Project) -> None:
    project.configure(
        '[tool.metstandards]\nnotebook-ignore = ["MS"]\nnotebook-select = ["MS202"]\n'
    )
    project.write({NB: notebook(UNSAFE, SITE_PATH)})
    assert {f.code for f in project.lint().findings} == {"MS202"}


def test_a_rule_the_run_does_not_select_stays_off_in_notebooks(project: Project) -> None:
    project.configure('[tool.metstandards]\nignore = ["MS2"]\nnotebook-select = ["MS202"]\n')
    project.write({NB: notebook(UNSAFE)})
    assert project.lint().findings == []


def test_project_rules_never_run_in_notebooks(project: Project) -> None:
    """A notebook's draws are not MS102's, its writes not MS201's, and a notebook that seeds
    does not seed the package."""
    project.write(
        {
            NB: notebook(
                "import numpy as np\nimport torch\nnp.random.seed(0)\ny = np.random.randint(0, 9)",
                "torch.save(model.state_dict(), 'model.pt')",
            ),
            "pkg/draw.py": "import numpy as np\ny0 = np.random.randint(0, 100)\n",
        }
    )
    assert [(path, code) for path, _, _, _, code in placed(project.lint())] == [
        ("pkg/draw.py", "MS102")
    ]


def test_suppression_comments_work_inside_cells(project: Project) -> None:
    project.write(
        {
            NB: notebook(
                "import torch",
                "state = torch.load(path)  # noqa: MS202",
                "md:text",
                "x = 1\ny = 2  # metstandards: ignore[MS202]",
                "rng = make()  # metstandards: ignore[MS101]",
            )
        }
    )
    result = project.lint()
    # The unused suppression is reported where it is; MS101 does not run in notebooks, so a
    # suppression of it is nobody's business there.
    assert placed(result) == [(NB, 4, 2, 8, "MS001")]


def test_the_file_form_of_a_suppression_covers_every_cell(project: Project) -> None:
    project.write(
        {NB: notebook("# metstandards: ignore-file[MS202]\nimport torch", "s = torch.load(p)")}
    )
    assert project.lint().findings == []


def test_notebook_ignore_of_ms001_leaves_unused_suppressions_in_notebooks_unreported(
    project: Project,
) -> None:
    project.configure('[tool.metstandards]\nnotebook-ignore = ["MS001"]\n')
    project.write({NB: notebook("x = 1  # noqa: MS202"), "pkg/a.py": "x = 1  # noqa: MS202\n"})
    assert [(path, code) for path, *_, code in placed(project.lint())] == [("pkg/a.py", "MS001")]


@pytest.mark.parametrize(
    ("content", "reason", "position"),
    [
        (b'{"cells": [\n  {"cell_type": "code",,}]}', "not a notebook: invalid JSON", (2, 24)),
        (b"[1, 2]", "the JSON has no integer `nbformat` version", (1, 1)),
        (b'{"cells": []}', "the JSON has no integer `nbformat` version", (1, 1)),
        (b'{"nbformat": "4", "cells": []}', "no integer `nbformat` version", (1, 1)),
        (
            b'{"nbformat": 5, "nbformat_minor": 0, "cells": [], "metadata": {}}',
            "notebook format 5 is not supported (at most 4)",
            (1, 1),
        ),
        (
            b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": 1}]}',
            "not a valid notebook: ",
            (1, 1),
        ),
        (b'{"nbformat": 4, "x": "caf\xe9"}', "not a notebook: not UTF-8", (1, 1)),
        (
            b'{"nbformat": 4, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "not a notebook: JSON nested too deep to read",
            (1, 1),
        ),
        (b'{"nbformat": 4, "x": ' + b"9" * 5000 + b"}", "not a notebook: invalid JSON", (1, 1)),
    ],
)
def test_a_file_that_is_no_readable_notebook_is_not_checked(
    project: Project, content: bytes, reason: str, position: tuple[int, int]
) -> None:
    project.write({NB: content})
    result = project.lint()
    (finding,) = result.findings
    assert finding.code == "MS000"
    assert reason in finding.message
    assert (finding.line, finding.column, finding.cell) == (*position, None)
    assert result.not_checked == [NB]


def test_a_syntax_error_is_located_in_its_cell(project: Project) -> None:
    project.write({NB: notebook("import torch", "md:text", "x = 1\ndef broken(:\n    pass")})
    (finding,) = project.lint().findings
    assert (finding.code, finding.cell, finding.line) == ("MS000", 3, 2)
    assert "syntax error" in finding.message


def test_a_notebook_of_another_language_has_no_python_to_check(project: Project) -> None:
    project.write({NB: notebook("library(ncdf4)\nx <- nc_open('/lustre/a.nc')", language="R")})
    result = project.lint()
    assert result.findings == []
    assert result.files_checked == 1


def test_a_format_3_notebook_is_upgraded_and_checked(project: Project) -> None:
    cell = {"cell_type": "code", "input": UNSAFE, "language": "python", "outputs": []}
    document = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {},
        "worksheets": [{"cells": [cell]}],
    }
    project.write({NB: json.dumps(document)})
    assert placed(project.lint()) == [(NB, 1, 2, 9, "MS202")]


def test_notebooks_are_found_and_excluded_like_python_files(project: Project) -> None:
    project.write({NB: notebook(UNSAFE), "scratch/try.ipynb": notebook(UNSAFE)})
    assert {f.path for f in project.lint().findings} == {NB, "scratch/try.ipynb"}
    project.configure('[tool.metstandards]\nextend-exclude = ["scratch/"]\n')
    assert {f.path for f in project.lint().findings} == {NB}
    assert {f.path for f in project.lint("scratch/try.ipynb", NB).findings} == {NB}


def test_the_cache_answers_an_unchanged_notebook_and_sees_a_changed_one(project: Project) -> None:
    project.write({NB: notebook("x = 1", UNSAFE)})
    first = project.lint(use_cache=True)
    again = project.lint(use_cache=True)
    assert again.files_from_cache == 1
    assert placed(again) == placed(first) == [(NB, 2, 2, 9, "MS202")]
    project.write({NB: notebook(UNSAFE)})
    changed = project.lint(use_cache=True)
    assert changed.files_from_cache == 0
    assert placed(changed) == [(NB, 1, 2, 9, "MS202")]


def _with_a_large_output(document: str, kib: int) -> str:
    """``document`` with a PNG output of ``kib`` KiB on its first code cell, as Jupyter saves an
    executed notebook with a plot."""
    data = json.loads(document)
    cell = next(c for c in data["cells"] if c["cell_type"] == "code")
    cell["outputs"] = [
        {
            "output_type": "display_data",
            "data": {"image/png": "iVBORw0KGgo" + "A" * (kib * 1024)},
            "metadata": {},
        }
    ]
    return json.dumps(data)


def test_the_size_limit_is_on_the_code_of_the_cells_not_on_their_outputs(
    project: Project,
) -> None:
    """An executed notebook holds its plots: megabytes that are not code."""
    project.configure("[tool.metstandards]\nmax-file-size-kb = 64\n")
    project.write({NB: _with_a_large_output(notebook(UNSAFE), kib=512)})
    assert placed(project.lint()) == [(NB, 1, 2, 9, "MS202")]


def test_a_notebook_whose_code_is_over_the_size_limit_is_not_checked(project: Project) -> None:
    project.configure("[tool.metstandards]\nmax-file-size-kb = 1\n")
    project.write({NB: notebook(UNSAFE + "x = 1  # padding\n" * 100)})
    (finding,) = project.lint().findings
    assert finding.code == "MS000"
    assert "code cells hold 1 KiB, over the max-file-size-kb limit of 1" in finding.message

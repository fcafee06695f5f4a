"""The finding record: a notebook's cell sorts before the lines within it, and survives the
cache's round trip."""

from __future__ import annotations

from metstandards.findings import Finding, Severity


def _at(path: str, line: int, cell: int | None = None) -> Finding:
    return Finding(path, line, 1, line, 2, "MS202", "unsafe-model-load", Severity.ERROR, "m", cell)


def test_findings_sort_by_path_then_cell_then_line() -> None:
    found = [_at("b.py", 1), _at("a.ipynb", 1, cell=10), _at("a.ipynb", 7, cell=2), _at("a.py", 3)]
    assert sorted(found) == [
        _at("a.ipynb", 7, cell=2),
        _at("a.ipynb", 1, cell=10),
        _at("a.py", 3),
        _at("b.py", 1),
    ]


def test_the_same_place_in_two_cells_is_two_findings() -> None:
    assert len({_at("a.ipynb", 1, cell=2), _at("a.ipynb", 1, cell=3)}) == 2


def test_the_location_names_the_cell_only_in_a_notebook() -> None:
    assert _at("pkg/a.py", 3).location == "pkg/a.py:3:1"
    assert _at("nb.ipynb", 2, cell=3).location == "nb.ipynb:cell 3:2:1"


def test_a_finding_survives_its_dictionary() -> None:
    for finding in (_at("pkg/a.py", 3), _at("nb.ipynb", 2, cell=3)):
        assert Finding.from_dict(finding.to_dict()) == finding

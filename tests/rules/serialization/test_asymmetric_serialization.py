"""MS203: what counts as a reader, which bases are followed, and what the warning says."""

from __future__ import annotations

import pytest

from metstandards.findings import Severity


def _ms203(lint_project, files):
    if isinstance(files, str):
        files = {"pkg/mod.py": files}
    return [f for f in lint_project(files, select=("MS203",)).findings]


def test_warning_names_class_writer_and_reader(lint_project) -> None:
    (finding,) = _ms203(lint_project, "class Stats:\n    def to_yaml(self):\n        return ''\n")
    assert finding.severity is Severity.WARNING
    assert (finding.line, finding.column) == (2, 9)
    assert "`Stats.to_yaml`" in finding.message
    assert "classmethod `from_yaml`" in finding.message


@pytest.mark.parametrize(
    "reader",
    [
        "    @classmethod\n    def from_yaml(cls, text):\n        return cls()\n",
        "    @staticmethod\n    def from_yaml(text):\n        return Stats()\n",
        "    from_yaml = classmethod(lambda cls, text: cls())\n",
        "    @classmethod\n    def from_checkpoint(cls, ckpt):\n        return cls()\n",
        "    def restore(self, text):\n        pass\n",
    ],
    ids=["classmethod", "staticmethod", "assignment", "named-after-source", "restore"],
)
def test_readers_of_any_kind_count(lint_project, reader) -> None:
    source = "class Stats:\n    def to_yaml(self):\n        return ''\n\n" + reader
    assert _ms203(lint_project, source) == []


def test_catalogue_readers_stay_paired(lint_project) -> None:
    source = (
        "class Ckpt:\n    def save(self, p):\n        pass\n\n"
        "    @classmethod\n    def load(cls, p):\n        return cls()\n\n"
        "    def to_dict(self):\n        return {}\n"
    )
    (finding,) = _ms203(lint_project, source)
    assert "`Ckpt.to_dict`" in finding.message


def test_module_level_reader_function_counts(lint_project) -> None:
    source = (
        "class Graph:\n    def save(self, p):\n        pass\n\n\n"
        "def load_graph(p):\n    return Graph()\n"
    )
    assert _ms203(lint_project, source) == []


def test_nested_function_named_like_a_reader_does_not_count(lint_project) -> None:
    source = (
        "class Graph:\n    def save(self, p):\n        def load(q):\n            return q\n"
        "        return load(p)\n"
    )
    assert len(_ms203(lint_project, source)) == 1


@pytest.mark.parametrize(
    "base",
    ["torch.nn.Module", "pydantic.BaseModel", "Generic[T]", "dict", "ABC", "NamedTuple"],
)
def test_third_party_bases_are_complete_stdlib_bases_are_not(lint_project, base) -> None:
    source = (
        "from abc import ABC\nfrom typing import Generic, NamedTuple, TypeVar\n"
        "import pydantic\nimport torch\n\nT = TypeVar('T')\n\n"
        f"class Thing({base}):\n    def to_json(self):\n        return ''\n"
    )
    expected = 0 if base.split(".")[0] in ("torch", "pydantic") else 1
    assert len(_ms203(lint_project, source)) == expected


def test_inherited_readers_across_modules_and_cycles(lint_project) -> None:
    files = {
        "src/pkg/base.py": (
            "class Base:\n    @classmethod\n    def from_json(cls, t):\n        return cls()\n"
        ),
        "src/pkg/child.py": (
            "from .base import Base\n\n"
            "class Child(Base):\n    def to_json(self):\n        return ''\n\n"
            "class Loop(Loop2):\n    def to_dict(self):\n        return {}\n\n"
            "class Loop2(Loop):\n    pass\n"
        ),
    }
    found = _ms203(lint_project, files)
    assert [(f.path, f.line) for f in found] == [("src/pkg/child.py", 8)]


def test_unknown_project_base_is_assumed_complete(lint_project) -> None:
    source = (
        "from pkg.missing import Base\n\nclass A(Base):\n    def save(self, p):\n        pass\n"
    )
    files = {"pkg/a.py": source}
    assert _ms203(lint_project, files) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("        print(self)\n", 0),
        ("        return dumper.node(self)\n", 0),
        ("        pass\n", 0),
        ("        with open(p, 'w') as f:\n            f.write('x')\n", 1),
        ("        p.write_text('x')\n", 1),
        ("        return yaml.safe_dump({})\n", 1),
    ],
)
def test_dump_is_a_writer_only_when_it_writes(lint_project, body, expected) -> None:
    source = f"import yaml\n\nclass Index:\n    def dump(self, p=None, dumper=None):\n{body}"
    assert len(_ms203(lint_project, source)) == expected


def test_test_code_and_private_methods_are_ignored(lint_project) -> None:
    files = {
        "tests/test_a.py": "class Fake:\n    def to_dict(self):\n        return {}\n",
        "pkg/a.py": (
            "class A:\n    def _save(self):\n        pass\n\n"
            "    def __getstate__(self):\n        return {}\n"
        ),
    }
    assert _ms203(lint_project, files) == []


def test_project_root_above_the_import_root(lint_project) -> None:
    files = {
        "demo-1.0/src/pkg/base.py": "class Base:\n    def load(self, p):\n        pass\n",
        "demo-1.0/src/pkg/child.py": (
            "from pkg.base import Base\n\n"
            "class Child(Base):\n    def save(self, p):\n        pass\n"
        ),
    }
    assert _ms203(lint_project, files) == []

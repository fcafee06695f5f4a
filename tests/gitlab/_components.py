"""The GitLab CI/CD components under test (``templates/<name>.yml``), read as GitLab reads them.

A component file is two YAML documents: the ``spec:`` header that declares the inputs, and the
jobs, in which ``$[[ inputs.name ]]`` is replaced by the value the including pipeline gives (or
the input's default). GitLab replaces a placeholder that is a whole value by the typed value (an
array, a number, a boolean) and one inside a longer string by its text; :func:`interpolate`
does the same, so that what GitLab would run can be checked against its schema.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
COMPONENTS = ("python-ci", "metstandards", "release", "gpu-tests", "container-scan", "org-audit")
#: ``$[[ inputs.name ]]``, with GitLab's optional interpolation functions (`| expand_vars`).
PLACEHOLDER = re.compile(r"\$\[\[\s*inputs\.([\w-]+)\s*(?:\|[^\]]*)?\]\]")


class Reference(list[str]):
    """A ``!reference [job, key]`` tag: GitLab resolves it, the schema accepts it as a list."""


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with GitLab's ``!reference`` tag."""


def _reference(loader: yaml.SafeLoader, node: yaml.Node) -> Reference:
    assert isinstance(node, yaml.SequenceNode)
    return Reference(loader.construct_sequence(node))


_Loader.add_constructor("!reference", _reference)


def path(name: str) -> Path:
    return TEMPLATES / f"{name}.yml"


def documents(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The component's header and its jobs, as written (placeholders left in)."""
    header, jobs = yaml.load_all(path(name).read_text(encoding="utf-8"), Loader=_Loader)
    assert isinstance(header, dict), name
    assert isinstance(jobs, dict), name
    return header, jobs


def inputs(name: str) -> dict[str, dict[str, Any]]:
    """``spec:inputs`` of the component, by input name."""
    declared: dict[str, dict[str, Any]] = documents(name)[0]["spec"]["inputs"]
    return declared


def used(name: str) -> set[str]:
    """Every input name a placeholder of the jobs' document uses."""
    text = path(name).read_text(encoding="utf-8").split("\n---\n", 1)[1]
    return set(PLACEHOLDER.findall(text))


def defaults(name: str) -> dict[str, Any]:
    return {key: spec["default"] for key, spec in inputs(name).items()}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        raise AssertionError(f"an array input inside a longer string: {value!r}")
    return str(value)


def interpolate(node: Any, values: dict[str, Any]) -> Any:
    """``node`` with every placeholder replaced as GitLab replaces it."""
    if isinstance(node, Reference):
        return Reference(interpolate(list(node), values))
    if isinstance(node, str):
        whole = PLACEHOLDER.fullmatch(node)
        if whole is not None:
            return values[whole.group(1)]
        return PLACEHOLDER.sub(lambda match: _text(values[match.group(1)]), node)
    if isinstance(node, list):
        return [interpolate(item, values) for item in node]
    if isinstance(node, dict):
        return {interpolate(key, values): interpolate(item, values) for key, item in node.items()}
    return node


def jobs_with(name: str, given: dict[str, Any] | None = None) -> dict[str, Any]:
    """The jobs' document as GitLab sees it when the component is included with ``given``."""
    values = {**defaults(name), **(given or {})}
    unknown = set(given or {}) - set(values)
    assert not unknown, f"{name} has no input {unknown}"
    jobs: dict[str, Any] = interpolate(documents(name)[1], values)
    return jobs


def plain(node: Any) -> Any:
    """``node`` with the ``!reference`` tags as the lists the schema validates them as."""
    if isinstance(node, list):
        return [plain(item) for item in node]
    if isinstance(node, dict):
        return {key: plain(item) for key, item in node.items()}
    return node

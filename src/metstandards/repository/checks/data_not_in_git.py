from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator

from metstandards.engine.patterns import Patterns
from metstandards.repository.check import Evidence, RepositoryCheck, Result
from metstandards.repository.checks._settings import MAX_FILE_MB, number
from metstandards.repository.view import AttributeLine, Repository, UnreadableFile
from metstandards.repository.yamldoc import as_list, as_mapping

_MB = 1024 * 1024
#: Data and model files by extension, tracked at any size.
_DATA = (
    ".nc",
    ".grib",
    ".grib2",
    ".grb",
    ".grb2",
    ".h5",
    ".hdf5",
    ".pt",
    ".pth",
    ".ckpt",
    ".onnx",
    ".safetensors",
    ".pkl",
    ".joblib",
)
#: NumPy arrays are data above this size; a small one is a test's expected values.
_ARRAYS = (".npy", ".npz")
_ARRAY_LIMIT = 1 * _MB
_LFS = "*.nc filter=lfs diff=lfs merge=lfs -text\n"


def lfs_patterns(lines: Iterable[AttributeLine]) -> Patterns:
    """The paths Git LFS manages, as one pattern list: each ``.gitattributes`` line that sets
    ``filter=lfs`` includes its pattern, one that unsets or changes ``filter`` excludes it, the
    last matching line winning (a deeper file's lines come later)."""
    found = []
    for line in lines:
        settings = [a for a in line.attributes if a.lstrip("-!").partition("=")[0] == "filter"]
        if not settings or line.pattern.startswith("!"):
            continue
        pattern = line.pattern
        if line.base:
            inside = "/" in pattern.rstrip("/")
            pattern = (
                f"{line.base}/{pattern.lstrip('/')}" if inside else f"{line.base}/**/{pattern}"
            )
        found.append(pattern if settings[-1] == "filter=lfs" else f"!{pattern}")
    return Patterns(found)


def dvc_outputs(repo: Repository) -> list[str]:
    """The paths DVC manages: ``outs`` of each ``*.dvc`` file and of each ``dvc.yaml`` stage,
    relative to the repository root (a file DVC cannot read manages nothing)."""
    found = []
    for path in repo.files:
        folder, _, name = path.rpartition("/")
        if not (name.endswith(".dvc") or name == "dvc.yaml"):
            continue
        try:
            data = as_mapping(repo.yaml(path))
        except UnreadableFile:
            continue
        found += [posixpath.normpath(posixpath.join(folder, out)) for out in _outs(name, data)]
    return found


def _outs(name: str, data: object) -> Iterator[str]:
    if name.endswith(".dvc"):
        outs = [as_mapping(out).get("path") for out in as_list(as_mapping(data).get("outs"))]
    else:
        stages = as_mapping(as_mapping(data).get("stages")).values()
        outs = [
            out if isinstance(out, str) else next(iter(as_mapping(out)), None)
            for stage in stages
            for out in as_list(as_mapping(stage).get("outs"))
        ]
    yield from (str(out) for out in outs if isinstance(out, str) and out)


def _problem(path: str, size: int, limit: float) -> str | None:
    """Why the tracked file ``path`` of ``size`` bytes is data, else None."""
    lower = path.lower()
    if size > limit:
        return f"{_size(size)}, over the limit of {limit / _MB:g} MB"
    if lower.endswith(_DATA):
        return f"a data or model file, {_size(size)}"
    if lower.endswith(_ARRAYS) and size > _ARRAY_LIMIT:
        return f"a NumPy array of {_size(size)}"
    if any(part.endswith(".zarr") for part in lower.split("/")[:-1]):
        return f"part of a Zarr store, {_size(size)}"
    return None


def _size(size: int) -> str:
    if size >= _MB:
        return f"{size / _MB:.1f} MB"
    return f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} bytes"


class DataNotInGit(RepositoryCheck):
    """No data or model file, and no large file, is committed to git.

    ## What it does
    Goes through the tracked files with the sizes of their git objects (what a clone
    downloads, whatever the work tree holds) and flags a file larger than `max-file-mb`
    (default 5 MB, an MB being 1,048,576 bytes), a data or model file by extension at any size
    (`.nc`, `.grib`, `.grib2`, `.grb`, `.grb2`, `.h5`, `.hdf5`, `.pt`, `.pth`, `.ckpt`,
    `.onnx`, `.safetensors`, `.pkl`, `.joblib`), a NumPy `.npy`/`.npz` over 1 MB, and any file
    of a `.zarr` store. Files Git LFS manages (a `.gitattributes` line with `filter=lfs`, in
    any `.gitattributes` of the repository) and files or folders DVC manages (the `outs` of a
    `*.dvc` file or of a `dvc.yaml` stage) are exempt. The message names each file and its
    size. `.grb2` is flagged although the catalogue does not list it: it is the same GRIB2.

    ## Why is this bad?
    Git keeps every version of every file forever: a 200 MB checkpoint committed once makes
    every clone, every CI run and every mirror 200 MB heavier, and deleting it later does not
    help. Analysis fields and checkpoints also carry licences (ECMWF, Copernicus) that a public
    repository may break, and nobody can tell which training run produced a checkpoint.

    ## Example
    ```text
    checkpoints/graphcast-2024.ckpt   # 312 MB
    data/era5_t2m_2020.nc
    ```

    ## Use instead
    ```text
    # .gitattributes
    *.ckpt filter=lfs diff=lfs merge=lfs -text
    ```
    or `dvc add data/era5_t2m_2020.nc` (committing the `.dvc` file), or a model registry.

    ## Options
    `max-file-mb` in `[repository]`: the largest tracked file, in MB (default 5).
    """

    code = "MS609"
    name = "data-not-in-git"
    family = "data"

    PASSING = (
        {"src/forecast/__init__.py": "", "tests/data/expected.npy": "NUMPY"},
        {".gitattributes": _LFS, "data/t2m.nc": "version https://git-lfs.github.com/spec/v1\n"},
        {
            "data/era5.nc.dvc": "outs:\n- md5: 0123456789abcdef\n  path: era5.nc\n",
            "data/era5.nc": "CDF",
            "dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n    outs:\n"
            "      - models/model.ckpt\n",
            "models/model.ckpt": "weights",
        },
    )
    FAILING = (
        {"data/t2m.nc": "CDF"},
        {"models/unet.pt": "weights"},
        {"store.zarr/.zarray": "{}"},
        {".gitattributes": _LFS + "data/t2m.nc -filter\n", "data/t2m.nc": "CDF"},
    )

    def check(self, repo: Repository) -> Result:
        limit = number(self.settings, "max-file-mb", MAX_FILE_MB) * _MB
        lfs = lfs_patterns(repo.gitattributes)
        dvc = dvc_outputs(repo)
        found = []
        for path, size in repo.sizes.items():
            if repo.files[path].is_symlink:
                continue
            problem = _problem(path, size, limit)
            if problem is None or lfs.verdict(path, False):
                continue
            if any(path == out or path.startswith(out + "/") for out in dvc):
                continue
            found.append(Evidence(path, None, problem))
        if found:
            return self.failed(
                f"{len(found)} data or large file(s) are committed, first {found[0].path} "
                f"({found[0].detail})",
                *found,
                hint="remove them from git (history too: `git filter-repo`), and keep data and "
                "models in Git LFS (`git lfs track '*.nc'`), DVC or a model registry",
            )
        exempt = " (LFS and DVC files exempt)" if lfs or dvc else ""
        return self.passed(
            f"no data or model file and none over {limit / _MB:g} MB among "
            f"{len(repo.sizes)} tracked files{exempt}"
        )

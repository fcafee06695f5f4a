from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, ClassVar

import libcst as cst

from metstandards.engine.imports import dotted_name
from metstandards.rule import Rule
from metstandards.rules.configuration._regions import MODULE, region

if TYPE_CHECKING:
    from metstandards.engine.context import FileContext

# The default site roots are this rule's own data, not paths this package uses.
# metstandards: ignore-file[MS402]
SITE_ROOTS = (
    "/home", "/Users", "/scratch", "/data", "/work", "/lustre", "/gpfs", "/glade", "/global",
    "/pscratch", "/p", "/perm", "/ec", "/mnt", "/net", "/nfs", "/project", "/projects",
    "/archive", "C:\\", "D:\\",
)  # fmt: skip
PUBLIC_BUCKETS = (
    "noaa-*", "gcp-public-data-*", "era5-pds", "nsf-ncar-era5", "weatherbench2", "dm_graphcast",
    "global-forecast-system", "gfs-ensemble-forecast-system", "ecmwf-forecasts",
)  # fmt: skip
_OBJECT_STORES = frozenset({"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss"})
_SERVICES = frozenset({"http", "https", "grpc", "grpcs", "redis", "rediss"})
_INTERNAL_DOMAINS = (".local", ".internal", ".intra")
#: Where a template starts: f-string fields (marked by ``_FIELD``), ``str.format`` and ``%``
#: fields, shell-style ``${VAR}``, and ``<placeholder>``.
_FIELD = "\x00"
_TEMPLATE_MARKS = frozenset({_FIELD, "{", "%", "$", "<"})
# Keywords whose value is prose or an illustration for people (argparse, click, pydantic).
_TEXT_KEYWORDS = frozenset({"help", "epilog", "description", "usage", "metavar", "examples"})
# Methods whose arguments are a message: logging, warnings, click/rich output, parser.error.
_MESSAGE_METHODS = frozenset(
    {
        "debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log",
        "echo", "print",
    }
)  # fmt: skip
# HDF5/netCDF/zarr hierarchy APIs: their first argument names a group or variable in a file.
_GROUP_METHODS = frozenset(
    {
        "create_group", "require_group", "create_dataset", "require_dataset", "createGroup",
        "createVariable",
    }
)  # fmt: skip
# String tests: `path.startswith("/scratch/")` recognises a location rather than using it.
_RECOGNISERS = frozenset({"startswith", "endswith"})
_TRACKING_SETTERS = frozenset({"set_tracking_uri", "set_registry_uri"})
_TRACKING_KEYWORDS = frozenset({"tracking_uri", "registry_uri"})
# Node types by name: tested per node without ``isinstance`` (slow on libcst's ABCs) and without
# touching libcst at import time (a run answered from the cache never loads it).
_STRINGS = frozenset({"SimpleString", "FormattedString", "ConcatenatedString"})
# What text or a key is built from (see ``_strings_in``).
_TEXT_SHAPES = _STRINGS | {"BinaryOperation", "Tuple", "List", "Set"}


def _template_start(text: str) -> int:
    """Index of the first template field in ``text``, or ``len(text)``."""
    return next((i for i, char in enumerate(text) if char in _TEMPLATE_MARKS), len(text))


def _drive_path(text: str) -> bool:
    return len(text) > 2 and text[1] == ":" and text[0].isalpha() and text[2] in "\\/"


def _normal_path(path: str) -> str:
    """``C:\\x`` and ``c:/x`` as ``C:/x``; POSIX paths unchanged."""
    if _drive_path(path):
        return path[0].upper() + ":" + path[2:].replace("\\", "/")
    return path


def site_root(text: str, roots: Iterable[str]) -> str | None:
    """The site-specific root that the absolute path ``text`` lies in, if any."""
    path = _normal_path(text[len("file://") :] if text.startswith("file://") else text)
    for root in roots:
        prefix = _normal_path(root).rstrip("/")
        if path.startswith(prefix + "/") or (path == prefix and prefix.startswith("/")):
            return root
    return None


def _listed(bucket: str, public: Iterable[str]) -> bool:
    """Whether ``bucket`` is public open data. A partly templated name (``noaa-goes{n}``)
    counts as listed when its concrete prefix already starts like a listed pattern."""
    cut = _template_start(bucket)
    if cut == len(bucket):
        return any(fnmatchcase(bucket, pattern) for pattern in public)
    prefix = bucket[:cut]
    return any(prefix.startswith(pattern.split("*", 1)[0]) for pattern in public)


def _private_host(host: str) -> bool:
    host = host.lower()
    if host.startswith("["):  # an IPv6 literal
        return True
    parts = host.split(".")
    bare_ip = len(parts) == 4 and all(part.isdigit() for part in parts)
    return host == "localhost" or bare_ip or len(parts) == 1 or host.endswith(_INTERNAL_DOMAINS)


_FROM_CONFIG = "take it from the configuration or an environment variable (e.g. `cfg.paths.data`)"


def _object_store(authority: str, public: Iterable[str]) -> tuple[str, str] | None:
    bucket = authority.split("@", 1)[0]  # abfs://container@account...
    if not bucket or _template_start(bucket) == 0 or _listed(bucket, public):
        return None
    return (
        f"the bucket `{bucket}`, which is not on the public open-data list",
        f"{_FROM_CONFIG}; if the bucket is public open data, add it to "
        "`extend-public-buckets` in `[tool.metstandards.options]`",
    )


def _service(authority: str) -> tuple[str, str] | None:
    host = authority.rsplit("@", 1)[-1]
    host = host if host.startswith("[") else host.split(":", 1)[0]
    if not host or _template_start(host) < len(host) or not _private_host(host):
        return None
    return (
        f"an endpoint on the local or internal host `{host}`",
        "take the URL from the configuration or an environment variable",
    )


def classify(text: str, roots: Iterable[str], public: Iterable[str]) -> tuple[str, str] | None:
    """Why the string ``text`` (with ``_FIELD`` where an f-string has a field) ties code to one
    site, and what to do instead; None when it does not."""
    scheme, separator, rest = text.partition("://")
    if not separator or scheme == "file":
        root = site_root(text, roots)
        if root is None:
            return None
        return f"a path into the site-specific root `{root}`", _FROM_CONFIG
    scheme = scheme.lower()
    authority = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if scheme in _OBJECT_STORES:
        return _object_store(authority, public)
    if scheme in _SERVICES:
        return _service(authority)
    return None


def _raw_text(node: cst.SimpleString | cst.FormattedString) -> str | None:
    """The text a string literal starts with, cheaply and without evaluating it; None for bytes
    and f-strings that start with a field."""
    if isinstance(node, cst.FormattedString):
        first = node.parts[0] if node.parts else None
        return first.value if isinstance(first, cst.FormattedStringText) else None
    raw = node.value
    start = raw.find(raw[-1])
    if "b" in raw[:start].lower():
        return None
    quotes = 3 if raw[start : start + 3] in ('"""', "'''") else 1
    return raw[start + quotes : start + quotes + 12]


def _may_locate(head: str) -> bool:
    """Whether a string starting with ``head`` can be a path or URI at all (most strings fail)."""
    return head[:1] == "/" or "://" in head or head[1:2] == ":"


def _text(node: cst.SimpleString | cst.FormattedString) -> str:
    """The string's value, with ``_FIELD`` for each f-string field."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else ""
    raw = "r" in node.prefix.lower()
    pieces = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            piece = part.value.replace("{{", "{").replace("}}", "}")
            pieces.append(piece if raw else piece.replace("\\\\", "\\"))
        else:
            pieces.append(_FIELD)
    return "".join(pieces)


def _strings_in(node: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """The string literals that make up a message, help text or key: strings and the shapes text
    is built from (concatenation, ``%``, ``.format``, a call's arguments, a conditional, a
    tuple). Read field by field, as libcst's generic ``children`` costs as much as a parse."""
    stack = [node]
    while stack:
        current = stack.pop()
        if type(current) is cst.SimpleString or type(current) is cst.FormattedString:
            yield current
        elif type(current) is cst.ConcatenatedString or type(current) is cst.BinaryOperation:
            stack += (current.left, current.right)
        elif type(current) is cst.Call:
            stack += (current.func, *(arg.value for arg in current.args))
        elif type(current) is cst.Attribute:
            stack.append(current.value)
        elif type(current) is cst.IfExp:
            stack += (current.body, current.orelse)
        elif type(current) is cst.Tuple or type(current) is cst.List or type(current) is cst.Set:
            stack += (element.value for element in current.elements)


def _shown(text: str) -> str:
    text = text.replace(_FIELD, "{…}")
    return text if len(text) <= 60 else text[:57] + "..."


class HardcodedPathOrEndpoint(Rule):
    """A site-specific path, private bucket or internal endpoint written into package code.

    ## What it does
    Flags a string literal (f-strings included) in package code that is:
    - an absolute path into a site-specific root of the `site-path-roots` option (`/home`,
      `/Users`, `/scratch`, `/data`, `/work`, `/lustre`, `/gpfs`, `/glade`, `/global`,
      `/pscratch`, `/p`, `/perm`, `/ec`, `/mnt`, `/net`, `/nfs`, `/project(s)`, `/archive`,
      `C:\\`, `D:\\`), also as a `file://` URI, and also as a default: of a `def`, of a
      dataclass or pydantic field, of a command-line option (`add_argument(default=...)`) or an
      environment lookup (`os.environ.get(..., default)`): a default that exists on one machine
      only is exactly the problem;
    - an object-store URI (`s3://`, `gs://`, `az://`, `abfs://`, and their aliases `s3a://`,
      `gcs://`, `abfss://`) naming a concrete bucket that is not on the `public-buckets`
      allow-list of open-data buckets (glob patterns such as `noaa-*`); a partly templated
      bucket (`f"s3://noaa-goes{sat}/..."`) counts as listed when its concrete prefix matches;
    - an `http(s)://`, `grpc(s)://` or `redis(s)://` URL whose host is `localhost`, a bare IP,
      a dotless name (`http://mlflow:5000`) or ends in `.local`, `.internal` or `.intra`;
    - any plain literal given to `mlflow.set_tracking_uri`/`set_registry_uri`, or as
      `tracking_uri=`/`registry_uri=` to any call (`MlflowClient`, Lightning's `MLFlowLogger`).

    Not flagged, because the string is not a location the code depends on:
    - system paths, `/tmp`, `/dev`, `/proc`, `/etc`, `/usr`, `/opt`, `/sys` (not in the root
      list); bare host strings that are not URLs (`host="0.0.0.0"`); public web URLs with a
      dotted host; fully templated URIs (`f"s3://{bucket}/..."`, `"s3://{}/x".format(...)`,
      `"s3://<bucket>/"`);
    - prose: docstrings and other string statements, comments, `help=`, `epilog=`,
      `description=`, `usage=`, `metavar=` and `examples=` text, the arguments of `print`,
      logging calls, `warnings.warn`, click/rich output and `parser.error`, `raise` and
      `assert` messages;
    - names inside a file: HDF5/netCDF groups and variables (the first argument of
      `create_group`/`require_group`/`create_dataset`/`require_dataset`/`createGroup`/
      `createVariable`, a `group=` argument) and any string used as a subscript key
      (`h5file["/data/t2m"]`), also when it is first bound to a name used that way
      (`group = f"/data/{ch}"; ds[group]`: in the same function, or anywhere in the module
      for a module-level name);
    - recognisers: strings compared with `==`, `!=`, `in`, or tested by `startswith`/
      `endswith` (`ipython_dir == "/home/jovyan/.ipython"` detects an environment, it does
      not depend on it);
    - test code.

    Configuration modules are not exempt (unlike MS401): a site path in `config.py` still ties
    the package to that site. There is no automatic fix: where the value should come from is
    the project's decision.

    ## Why is this bad?
    A path under `/scratch/$USER` or `/lustre/...` works on one HPC system only; a private
    bucket or an internal MLflow server ties the code to one organisation's infrastructure, and
    a `localhost` endpoint to one laptop. Partners in another weather service cannot run the
    code without editing it, and a moved directory breaks training silently at run time.

    ## Example
    ```python
    import mlflow
    import xarray as xr

    ds = xr.open_zarr("/lustre/user/era5/2020.zarr")
    mlflow.set_tracking_uri("http://mlflow.internal:5000")
    ```

    ## Use instead
    ```python
    import xarray as xr

    ds = xr.open_zarr(cfg.paths.era5)  # and let MLflow read MLFLOW_TRACKING_URI
    ```

    ## Options
    In `[tool.metstandards.options]`: `site-path-roots` (default: the roots above) and
    `public-buckets` (default: `noaa-*`, `gcp-public-data-*`, `era5-pds`, `nsf-ncar-era5`,
    `weatherbench2`, `dm_graphcast`, `global-forecast-system`, `gfs-ensemble-forecast-system`,
    `ecmwf-forecasts`; `*` and `?` are glob wildcards). `name = [...]` replaces a list,
    `extend-name = [...]` adds to it: add your own open-data bucket to `extend-public-buckets`,
    a site's own mount point to `extend-site-path-roots`.
    """

    code = "MS402"
    name = "hardcoded-path-or-endpoint"
    notebooks = True
    OPTIONS: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "site-path-roots": SITE_ROOTS,
        "public-buckets": PUBLIC_BUCKETS,
    }

    VALID = (
        "import xarray as xr\nds = xr.open_zarr(cfg.paths.era5)\n",
        "import tempfile\nout = '/tmp/forecast.nc'\ndevice = '/dev/shm/cache'\n",
        'def load(path):\n    """Read a file such as /scratch/user/data/era5.zarr."""\n',
        "import argparse\np = argparse.ArgumentParser(epilog='data lives in /lustre/x')\n"
        "p.add_argument('--data', help='e.g. /scratch/$USER/era5')\n",
        "print('writing /home/user/out.nc')\nraise ValueError(f'/data/{name} not found')\n",
        "server = dict(host='0.0.0.0', port=8080)\nname = 'mlflow.internal'\n",
        "import h5py\nwith h5py.File(path) as f:\n    grp = f.create_group('/data/obs')\n"
        "    t2m = f['/data/t2m'][:]\n",
        "import xarray as xr\nds = xr.open_dataset(path, group='/data/forecast')\n",
        "import netCDF4\n\ndef read(path, channel):\n    group = f'/data/{channel}/measured'\n"
        "    with netCDF4.Dataset(path) as ds:\n        return ds[group][:]\n",
        "url = f's3://{bucket}/era5/{year}.zarr'\nother = 's3://{}/x'.format(bucket)\n",
        "import xarray as xr\nds = xr.open_zarr('gs://weatherbench2/datasets/era5/1959-2022.zarr')\n"
        "goes = f's3://noaa-goes{sat}/ABI-L2-CMIPF/'\n",
        "URL = 'https://data.ecmwf.int/forecasts/'\ndocs = 'http://www.w3.org/2000/svg'\n",
        "on_jupyter = ipython_dir == '/home/jovyan/.ipython'\n"
        "on_hpc = cwd.startswith(('/lustre/', '/scratch/'))\n",
        {"tests/test_io.py": "PATH = '/scratch/user/test.nc'\n"},
    )
    INVALID = (
        "import xarray as xr\nds = xr.open_zarr('/lustre/user/era5/2020.zarr')\n",
        "def load(root='/scratch/ml/data'):\n    return root\n",
        "path = f'/scratch/{user}/data'\n",
        "path = 'C:\\\\Users\\\\me\\\\data.nc'\n",
        "import argparse\np = argparse.ArgumentParser()\n"
        "p.add_argument('--data', default='/perm/user/data')\n",
        "BUCKET = 's3://acme-weather-models/checkpoints/'\n",
        "store = f's3://acme-{env}/cache'\n",
        "import mlflow\nmlflow.set_tracking_uri('http://mlflow.internal:5000')\n",
        "import mlflow\nmlflow.set_tracking_uri('databricks')\n",
        "API = 'http://localhost:8080/predict'\nCACHE = 'redis://10.0.0.5:6379/0'\n",
        "SERVER = 'grpc://inference:50051'\n",
        {"pkg/config.py": "DATA_DIR = '/work/project/data'\n"},
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._roots = self.option("site-path-roots")
        self._public = self.option("public-buckets")
        # Strings that are prose or names inside a file, or were reported with the call they
        # configure (by id; the walk visits a parent before its strings).
        self._skipped: set[int] = set()
        # Strings bound to a name (``key = "/data/t2m"``) -> that name and its region; their
        # findings wait for the end of the module, in case the name is used as a group key.
        self._bound: dict[int, tuple[int, str]] = {}
        self._pending: list[tuple[tuple[int, str], cst.CSTNode, str]] = []
        self._keys: set[tuple[int, str]] = set()

    def _skip(self, node: cst.BaseExpression | None) -> None:
        if node is not None:
            self._skipped.update(map(id, _strings_in(node)))

    def _key(self, node: cst.BaseExpression) -> None:
        """``node`` names something inside a file (an HDF5/netCDF group or variable)."""
        if type(node).__name__ in _TEXT_SHAPES:
            self._skip(node)
        elif type(node) is cst.Name or type(node) is cst.Attribute:
            name = dotted_name(node)
            if name is not None:
                self._keys.add((region(self.context.scopes, name), name))

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and type(node.value).__name__ in _STRINGS:
            self._bind(node.targets[0].target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None and type(node.value).__name__ in _STRINGS:
            self._bind(node.target, node.value)

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        name = dotted_name(target)
        if name is not None:
            self._bound[id(value)] = (region(self.context.scopes, name), name)

    def visit_Expr(self, node: cst.Expr) -> None:
        if type(node.value).__name__ in _STRINGS:  # a docstring, or a string used as a comment
            self._skip(node.value)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        """``ipython_dir == "/home/jovyan/.ipython"`` recognises an environment; it does not
        make the code depend on the path."""
        for operand in (node.left, *(target.comparator for target in node.comparisons)):
            if type(operand).__name__ in _TEXT_SHAPES:
                self._skip(operand)

    def visit_Raise(self, node: cst.Raise) -> None:
        self._skip(node.exc)

    def visit_Assert(self, node: cst.Assert) -> None:
        self._skip(node.msg)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        for element in node.slice:
            index = element.slice
            if type(index) is cst.Index:
                self._key(index.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        own = func.attr.value if type(func) is cst.Attribute else None
        # Whatever is called `print` (builtins, rich) prints a message.
        printing = type(func) is cst.Name and func.value == "print"
        if printing or own in _MESSAGE_METHODS or own in _RECOGNISERS:
            for arg in node.args:
                self._skip(arg.value)
            return
        if own in _GROUP_METHODS and node.args and node.args[0].keyword is None:
            self._key(node.args[0].value)  # the group's name; a `name=` keyword is below
        tracking = own in _TRACKING_SETTERS and (self.qualified_name(func) or "").startswith(
            "mlflow."
        )
        for position, arg in enumerate(node.args):
            self._argument(node, own, tracking, position, arg)

    def _argument(
        self, call: cst.Call, own: str | None, tracking: bool, position: int, arg: cst.Arg
    ) -> None:
        """Text, group names and MLflow URIs among a call's arguments."""
        keyword = arg.keyword.value if arg.keyword is not None else None
        if keyword in _TEXT_KEYWORDS:
            self._skip(arg.value)
        elif keyword == "group" or (keyword == "name" and own in _GROUP_METHODS):
            self._key(arg.value)
        elif keyword in _TRACKING_KEYWORDS or (
            tracking and (keyword == "uri" or (position == 0 and keyword is None))
        ):
            self._tracking_uri(call, arg.value)

    def _tracking_uri(self, call: cst.Call, value: cst.BaseExpression) -> None:
        if not isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
            return
        literal = value.evaluated_value
        if not isinstance(literal, str):
            return
        self._skip(value)
        self.report(
            value,
            f"the MLflow server `{_shown(literal)}` is written into the call to "
            f"`{self.context.module.code_for_node(call.func)}`: runs elsewhere log to the wrong "
            "place or fail; leave the URI to the `MLFLOW_TRACKING_URI`/`MLFLOW_REGISTRY_URI` "
            "environment or pass it from the configuration, see `metstandards explain MS402`",
        )

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._check(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._check(node)

    def _check(self, node: cst.SimpleString | cst.FormattedString) -> None:
        head = _raw_text(node)
        if head is None or not _may_locate(head) or id(node) in self._skipped:
            return
        text = _text(node)
        found = classify(text, self._roots, self._public)
        if found is None:
            return
        what, instead = found
        message = (
            f"`{_shown(text)}` is {what}: the code works only where that exists; {instead}; "
            "see `metstandards explain MS402`"
        )
        binding = self._bound.get(id(node))
        if binding is None:
            self.report(node, message)
        else:
            self._pending.append((binding, node, message))

    def leave_Module(self, node: cst.Module) -> None:
        module_keys = {name for _, name in self._keys}
        for (where, name), string, message in self._pending:
            if (where, name) not in self._keys and not (where == MODULE and name in module_keys):
                self.report(string, message)

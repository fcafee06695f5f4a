"""MS402: which strings tie code to one site, and what the finding says."""

from __future__ import annotations

import pytest

from metstandards.rules.configuration.hardcoded_path_or_endpoint import (
    _FIELD,
    PUBLIC_BUCKETS,
    SITE_ROOTS,
    classify,
    site_root,
)


@pytest.mark.parametrize(
    ("text", "root"),
    [
        ("/scratch/user/data", "/scratch"),
        ("/scratch", "/scratch"),
        ("/p/project/deepacf/era5", "/p"),
        ("/projects/ml", "/projects"),
        ("/Users/me/era5.zarr", "/Users"),
        (f"/scratch/{_FIELD}/data", "/scratch"),
        ("file:///lustre/ml/mlruns", "/lustre"),
        ("C:\\Users\\me\\data.nc", "C:\\"),
        ("c:/Users/me/data.nc", "C:\\"),
        ("D:\\era5", "D:\\"),
        ("E:\\era5", None),
        ("C:", None),
        ("/tmp/cache", None),
        ("/dev/shm", None),
        ("/etc/hosts", None),
        ("/usr/share/proj", None),
        ("/opt/conda", None),
        ("/proc/meminfo", None),
        ("/sys/class", None),
        ("/database/x", None),
        ("/people/x", None),
        ("/home directory not found", None),
        (f"/{_FIELD}/data", None),
        ("relative/data", None),
    ],
)
def test_site_paths(text: str, root: str | None) -> None:
    assert site_root(text, SITE_ROOTS) == root
    assert (classify(text, SITE_ROOTS, PUBLIC_BUCKETS) is not None) is (root is not None)


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("s3://acme-models/ckpt/", True),
        ("gs://acme-models", True),
        ("gcs://acme-models/x", True),
        ("s3a://acme-models/x", True),
        ("az://container/blob", True),
        ("abfs://container@account.dfs.core.windows.net/x", True),
        ("abfss://noaa-mirror@account.dfs.core.windows.net/x", False),
        ("s3://noaa-gfs-bdp-pds/gfs.20240101/", False),
        ("S3://noaa-goes16/ABI/", False),
        ("gs://gcp-public-data-arco-era5/ar/", False),
        ("s3://era5-pds/2020/", False),
        ("s3://nsf-ncar-era5/", False),
        ("gs://weatherbench2/datasets/", False),
        ("gs://dm_graphcast/params/", False),
        ("s3://global-forecast-system/", False),
        ("s3://gfs-ensemble-forecast-system/", False),
        ("s3://ecmwf-forecasts/20240101/", False),
        ("s3://era5-pds-mirror/2020/", True),
        (f"s3://noaa-goes{_FIELD}/ABI/", False),
        (f"s3://acme-{_FIELD}/x", True),
        (f"s3://{_FIELD}/{_FIELD}", False),
        ("s3://{}/{}", False),
        ("s3://%s/key", False),
        ("s3://${BUCKET}/key", False),
        ("s3://<your-bucket>/key", False),
        ("s3://", False),
        ("s3:///key", False),
    ],
)
def test_buckets(text: str, flagged: bool) -> None:
    assert (classify(text, SITE_ROOTS, PUBLIC_BUCKETS) is not None) is flagged


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("http://localhost:5000", True),
        ("HTTP://LOCALHOST", True),
        ("https://127.0.0.1:8443/api", True),
        ("http://0.0.0.0:8000", True),
        ("http://[::1]:5000", True),
        ("http://mlflow:5000", True),
        ("http://user:secret@mlflow:5000", True),
        ("grpc://triton:8001", True),
        ("grpcs://inference.internal:443", True),
        ("redis://localhost:6379/0", True),
        ("rediss://cache.intra:6380", True),
        ("http://gpu-node.local/", True),
        ("https://mlflow.ecmwf.int", False),
        ("https://api.wandb.ai", False),
        ("http://www.w3.org/2000/svg", False),
        ("https://1.2.3.example.com/", False),
        (f"http://{_FIELD}:{_FIELD}", False),
        (f"http://mlflow-{_FIELD}:5000", False),
        ("http://%s:%d", False),
        ("http://", False),
        ("ftp://localhost/x", False),
        ("postgresql://localhost/db", False),
        ("localhost:5000", False),
        ("mlflow.internal", False),
    ],
)
def test_endpoints(text: str, flagged: bool) -> None:
    assert (classify(text, SITE_ROOTS, PUBLIC_BUCKETS) is not None) is flagged


def _findings(lint_project, source: str, **kwargs) -> list[tuple[int, str]]:
    result = lint_project({"pkg/io.py": source}, select=("MS402",), **kwargs)
    return [(f.line, f.message) for f in result.findings]


def test_message_names_the_literal_the_reason_and_what_to_do(lint_project) -> None:
    [(line, message)] = _findings(lint_project, "x = 1\nDATA = '/lustre/ml/era5.zarr'\n")
    assert line == 2
    assert "`/lustre/ml/era5.zarr`" in message
    assert "`/lustre`" in message
    assert "configuration or an environment variable" in message
    assert "metstandards explain MS402" in message


def test_bucket_message_says_how_to_allow_public_data(lint_project) -> None:
    [(_, message)] = _findings(lint_project, "URI = 's3://acme-open/radar/'\n")
    assert "`acme-open`" in message
    assert "extend-public-buckets" in message


def test_a_tracking_uri_is_reported_once(lint_project) -> None:
    source = "import mlflow as mf\nmf.set_tracking_uri(uri='http://localhost:5000')\n"
    [(_, message)] = _findings(lint_project, source)
    assert "MLFLOW_TRACKING_URI" in message
    assert "`mf.set_tracking_uri`" in message


def test_only_mlflow_setters_take_any_literal(lint_project) -> None:
    source = "from pkg import tracking\ntracking.set_tracking_uri('databricks')\n"
    assert _findings(lint_project, source) == []


def test_long_literals_are_shortened(lint_project) -> None:
    [(_, message)] = _findings(lint_project, f"P = '/scratch/{'x' * 200}'\n")
    assert "/scratch/xxx" in message
    assert "x" * 100 not in message


@pytest.mark.parametrize(
    "source",
    [
        "P = b'/scratch/user/data'\n",
        "import h5py\nGROUP = '/data/obs'\n\ndef read(f):\n    return f[GROUP][:]\n",
        "def read(f, name):\n    return f[f'/data/{name}'][:]\n",
        "def read(f):\n    return f.create_dataset(name='/data/t2m', shape=(3,))\n",
        "import warnings\nwarnings.warn('/scratch is deprecated, use ' + new)\n",
        "from rich import print\nprint(f'saved to /scratch/{run}')\n",
        "click.echo('/home/user/out.nc' if verbose else '')\n",
        "raise ValueError('expected /scratch/%s' % user)\n",
        "x = 1  # /scratch/user/data\n",
        "'''/scratch/user/data'''\n",
    ],
)
def test_not_a_location(lint_project, source: str) -> None:
    assert _findings(lint_project, source) == []


def test_a_group_key_in_another_function_does_not_excuse_a_path(lint_project) -> None:
    source = (
        "def paths():\n    key = '/data/ml/era5.zarr'\n    return key\n\n"
        "def read(f, key):\n    return f[key]\n"
    )
    assert [line for line, _ in _findings(lint_project, source)] == [2]


def test_replaced_roots_and_extended_buckets(lint_project) -> None:
    pyproject = (
        "\n[tool.metstandards.options]\n"
        'site-path-roots = ["/srv"]\n'
        'extend-public-buckets = ["acme-open-?"]\n'
    )
    source = "A = '/scratch/x'\nB = '/srv/x'\nC = 's3://acme-open-1/x'\nD = 's3://acme-open-12/x'\n"
    assert [line for line, _ in _findings(lint_project, source, pyproject=pyproject)] == [2, 4]

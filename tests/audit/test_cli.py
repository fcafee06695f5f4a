"""``metstandards audit`` as a platform team runs it: real git repositories (the bundled demo),
a GitHub organisation served on loopback and cloned over git's own protocol, every report from
one run, shards merged back, the trend, and every exit status."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from metstandards.audit import document
from metstandards.cli import main

from ._servers import Api, GitDaemon, Reply, make_repo, running

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _demo_module() -> Any:
    spec = importlib.util.spec_from_file_location("audit_demo", EXAMPLES / "audit_demo.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The demo's three repositories (examples/audit_demo.py), made once for the module."""
    made: list[Path] = _demo_module().main(tmp_path_factory.mktemp("demo"))
    return made


def audit(*args: str | Path) -> Result:
    result = CliRunner().invoke(main, ["audit", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def _comparable(report: dict[str, Any]) -> dict[str, Any]:
    """A report without what two runs of one audit differ in: when, and how long each took."""
    return {
        **report,
        "generated_at": None,
        "shard": None,
        "repositories": [{**r, "seconds": None} for r in report["repositories"]],
    }


def test_the_demo_gets_every_report_from_one_run(demo: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    result = audit(
        *demo,
        "--cache-dir",
        tmp_path / "cache",
        "--no-progress",
        "--report",
        f"json={out / 'audit.json'}",
        "--report",
        f"html={out / 'audit.html'}",
        "--report",
        f"markdown={out / 'audit.md'}",
        "--report",
        f"csv={out / 'audit.csv'}",
        "--report",
        f"openmetrics={out / 'audit.prom'}",
        "--report",
        f"badges={out / 'badges'}",
    )
    assert result.exit_code == 0, result.output
    assert "3 repositories: 3 audited" in result.output
    report = json.loads((out / "audit.json").read_text())
    jsonschema.validate(report, document.schema())
    by_name = {r["name"]: r for r in report["repositories"]}
    assert set(by_name) == {"nowcast-unet", "nowcast-unet-adopted", "station-qc"}
    verdicts = {
        name: {c["code"]: c["verdict"] for c in entry["checks"]} for name, entry in by_name.items()
    }
    # Adopting the standard (init, documents, templates) turns the repository checks green.
    assert verdicts["nowcast-unet"]["MS601"] == "fail"
    assert verdicts["nowcast-unet-adopted"]["MS601"] == "pass"
    assert verdicts["nowcast-unet-adopted"]["MS602"] == "pass"
    assert verdicts["station-qc"]["MS603"] == "fail"  # no tests at all
    assert by_name["nowcast-unet-adopted"]["score"] > by_name["nowcast-unet"]["score"]
    # The code-level parts ran: the example's deliberate violations are counted.
    counts = by_name["nowcast-unet"]["code"]["counts"]
    assert counts["MS202"] == 1
    assert by_name["station-qc"]["code"]["counts"]["MS202"] == 1
    assert "nowcast-unet-adopted" in (out / "audit.html").read_text()
    assert "| station-qc | ❌" in (out / "audit.md").read_text()
    rows = list(csv.DictReader((out / "audit.csv").open()))
    assert len(rows) == 3 * 13
    metrics = {f.name for f in text_string_to_metric_families((out / "audit.prom").read_text())}
    assert "metstandards_audit_score" in metrics
    assert sorted(p.name for p in (out / "badges").iterdir()) == [
        "nowcast-unet-adopted.svg",
        "nowcast-unet.svg",
        "station-qc.svg",
    ]


def test_shards_merged_equal_one_run_and_the_trend_compares_runs(
    demo: list[Path], tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    whole = tmp_path / "whole.json"
    assert audit(*demo, "--cache-dir", cache, "-f", "json", "-o", whole).exit_code == 0
    shards = []
    for index in (1, 2):
        shard = tmp_path / f"shard-{index}.json"
        done = audit(
            *demo, "--cache-dir", cache, "--shard", f"{index}/2", "-f", "json", "-o", shard
        )
        assert done.exit_code == 0, done.output
        assert json.loads(shard.read_text())["shard"] == {"index": index, "total": 2}
        shards.append(shard)
    merged = tmp_path / "merged.json"
    assert audit("merge", *shards, "-f", "json", "-o", merged).exit_code == 0
    assert _comparable(json.loads(merged.read_text())) == _comparable(json.loads(whole.read_text()))
    again = audit(*demo, "--cache-dir", cache, "--previous", whole, "-f", "json")
    trend = json.loads(again.output)["trend"]
    assert trend["previous_generated_at"] == json.loads(whole.read_text())["generated_at"]
    assert {c["name"]: c["score_before"] for c in trend["repositories"]} == {
        r["name"]: r["score"] for r in json.loads(whole.read_text())["repositories"]
    }


def test_a_repository_that_cannot_be_fetched_is_an_error_and_the_run_goes_on(
    demo: list[Path], tmp_path: Path
) -> None:
    result = audit(demo[2], "git://127.0.0.1:9/gone.git", "--cache-dir", tmp_path, "-f", "json")
    assert result.exit_code == 3
    entries = {r["name"]: r for r in json.loads(result.output)["repositories"]}
    gone = next(r for name, r in entries.items() if name != "station-qc")
    assert gone["status"] == "error"
    assert gone["error"]
    assert entries["station-qc"]["status"] == "audited"


def test_fail_under_exits_1(demo: list[Path], tmp_path: Path) -> None:
    result = audit(demo[2], "--cache-dir", tmp_path, "--fail-under", "9.5")
    assert result.exit_code == 1
    assert audit(demo[2], "--cache-dir", tmp_path, "--fail-under", "0").exit_code == 0


@pytest.fixture
def organisation(tmp_path: Path) -> Iterator[tuple[Api, str]]:
    """A GitHub organisation on loopback whose one repository is served by git daemon."""
    served = tmp_path / "served"
    make_repo(
        served / "nowcast.git", {"README.md": "# nowcast\n", "nowcast/__init__.py": "x = 1\n"}
    )
    daemon = GitDaemon(served)
    api = Api()
    listing = [
        {
            "full_name": "weather/nowcast",
            "name": "nowcast",
            "clone_url": daemon.url("nowcast.git"),
            "html_url": "https://github.example/weather/nowcast",
            "default_branch": "main",
            "archived": False,
            "fork": False,
            "topics": [],
            "visibility": "internal",
        }
    ]
    api.on("/orgs/weather/repos", Reply(listing))
    try:
        with running(api):
            yield api, daemon.url("nowcast.git")
    finally:
        daemon.stop()


def test_a_github_organisation_is_listed_cloned_and_audited(
    organisation: tuple[Api, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, _ = organisation
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret_value_never_printed")
    result = audit(
        "--github-org",
        "weather",
        "--github-api",
        api.base,
        "--cache-dir",
        tmp_path / "cache",
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.output)["repositories"]
    assert entry["name"] == "weather/nowcast"
    assert entry["status"] == "audited"
    assert entry["web_url"] == "https://github.example/weather/nowcast"
    assert len(entry["commit"]) == 40
    assert "ghp_secret_value_never_printed" not in result.output
    assert [seen.path for seen in api.seen] == ["/orgs/weather/repos"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--shard", "5/4", "."], "--shard '5/4': expected I/N"),
        (["--report", "pdf=x.pdf", "."], "--report 'pdf=x.pdf': expected FORMAT=PATH"),
        ([], "nothing to audit"),
        (["no/such/dir"], "no/such/dir"),
        (["merge", "--format", "json"], "Missing argument"),
    ],
)
def test_usage_errors_exit_2_with_a_message(args: list[str], words: str, tmp_path: Path) -> None:
    result = audit(*args, "--cache-dir", tmp_path) if args[:1] != ["merge"] else audit(*args)
    assert result.exit_code == 2
    assert words in result.output


def test_merge_names_a_report_it_cannot_read(tmp_path: Path) -> None:
    broken = tmp_path / "shard.json"
    broken.write_text("{")
    result = audit("merge", broken)
    assert result.exit_code == 2
    assert f"{broken}:1:2: not valid JSON" in result.output


def test_the_command_runs_as_installed(demo: list[Path], tmp_path: Path) -> None:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "metstandards", "audit", str(demo[2]), "--cache-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "station-qc" in done.stdout


def test_workers_end_quietly_with_the_run(demo: list[Path], tmp_path: Path) -> None:
    """The workers of a parallel audit are stopped at its end; nothing of theirs is printed."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "metstandards", "audit", *map(str, demo), "--jobs", "2",
         "--cache-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") > 3
    assert "Traceback" not in done.stderr
    assert done.stderr == ""


def test_progress_counts_repositories_on_stderr(demo: list[Path], tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["audit", *map(str, demo[1:]), "--cache-dir", str(tmp_path), "--progress"]
    )
    assert "[1/2] " in result.stderr
    assert "[2/2] " in result.stderr
    assert "ETA" in result.stderr
    assert "[1/2]" not in result.stdout

"""``metstandards audit``: every repository of an organisation against the standard, and
``metstandards audit merge``, which combines the shards of a distributed audit.

Kept apart from the other commands: it is the one that reaches the network (hosting APIs,
clones), and its reports are about many repositories, not one project's findings.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from metstandards.cli._common import STOPPED_EXIT_CODES, fail, main, report_targets

AUDIT_EXIT_CODES = f"""\b
Exit status:
  0    every repository was audited (and none is under --fail-under)
  1    a repository scores under --fail-under
  2    usage error: an unknown option or format, a source that is neither a path nor a
       URL, a hosting API that refuses the listing, a report that cannot be read or written
  3    a repository could not be audited (cloned, read or checked in time); its entry
       says why
{STOPPED_EXIT_CODES}"""

_FORMATS = ("text", "json", "html", "markdown", "csv", "openmetrics")


class _AuditGroup(click.Group):
    """``audit [run] SOURCES...``: ``run`` is the command when no other is named."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in (*self.commands, "-h", "--help"):
            args.insert(0, "run")
        return super().parse_args(ctx, args)


@main.group(cls=_AuditGroup, epilog=AUDIT_EXIT_CODES)
def audit() -> None:
    """Audit many repositories against the WG3 standard: `metstandards audit [run] SOURCES`.

    Each repository gets the repository checks (MS601-MS613), the code-level parts of `check`
    that the profile's [audit] table enables (lint, complexity, ruff, bandit by default), and a
    score from 0 to 10 per standard family and overall, with the reason for every point lost.
    `metstandards audit merge` combines the JSON reports of a sharded run.
    """


def _report_options(command: Any) -> Any:
    command = click.option(
        "--report",
        "reports",
        multiple=True,
        metavar="FORMAT=PATH",
        help="Also write FORMAT to PATH (repeatable): json, html, markdown, csv, openmetrics, "
        "or badges=DIR for one SVG badge per repository.",
    )(command)
    command = click.option(
        "--output-file", "-o", type=click.Path(path_type=Path), help="Write the report here."
    )(command)
    command = click.option(
        "--format",
        "-f",
        "output_format",
        type=click.Choice(_FORMATS),
        default="text",
        show_default=True,
        help="Report on stdout (or in --output-file).",
    )(command)
    command = click.option(
        "--fail-under",
        type=click.FloatRange(0, 10),
        help="Exit 1 when a repository scores under this (for CI).",
    )(command)
    return click.option(
        "--previous",
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        help="The JSON report of an earlier run: adds the trend (score changes, checks newly "
        "passing or failing, findings new and fixed).",
    )(command)


@audit.command(name="run", epilog=AUDIT_EXIT_CODES)
@click.argument("sources", nargs=-1)
@click.option(
    "--repos",
    "repos_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A file of sources, one path or git URL a line (# comments).",
)
@click.option("--github-org", metavar="ORG", help="Every repository of a GitHub organisation.")
@click.option(
    "--github-api",
    metavar="URL",
    default="https://api.github.com",
    show_default=True,
    help="GitHub's REST API; for GitHub Enterprise Server, https://HOST/api/v3. Token: "
    "GITHUB_TOKEN.",
)
@click.option(
    "--gitlab-group", metavar="GROUP", help="Every project of a GitLab group and its subgroups."
)
@click.option(
    "--gitlab-api",
    metavar="URL",
    default="https://gitlab.com/api/v4",
    show_default=True,
    help="GitLab's REST API; for self-hosted GitLab, https://HOST/api/v4. Token: GITLAB_TOKEN.",
)
@click.option("--include-archived", is_flag=True, help="Audit archived repositories too.")
@click.option("--include-forks", is_flag=True, help="Audit forks too.")
@click.option(
    "--topic", "topics", multiple=True, help="Only repositories with this topic (repeatable)."
)
@click.option(
    "--visibility",
    "visibilities",
    multiple=True,
    type=click.Choice(["public", "private", "internal"]),
    help="Only repositories of this visibility (repeatable).",
)
@click.option(
    "--shard",
    metavar="I/N",
    help="Audit only shard I of N (a stable partition by repository name); merge the shards' "
    "JSON with `metstandards audit merge`.",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where clones and caches are kept between runs [default: $XDG_CACHE_HOME or "
    "~/.cache, /metstandards/audit].",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Repositories audited at once.")
@click.option("--profile", default="wg3", show_default=True, help="The profile to audit against.")
@_report_options
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show progress on stderr [default: when stderr is a terminal].",
)
def run(
    sources: tuple[str, ...],
    repos_file: Path | None,
    github_org: str | None,
    github_api: str,
    gitlab_group: str | None,
    gitlab_api: str,
    include_archived: bool,
    include_forks: bool,
    topics: tuple[str, ...],
    visibilities: tuple[str, ...],
    shard: str | None,
    cache_dir: Path | None,
    jobs: int | None,
    profile: str,
    previous: Path | None,
    fail_under: float | None,
    output_format: str,
    output_file: Path | None,
    reports: tuple[str, ...],
    progress: bool | None,
) -> None:
    """Audit repositories: local paths, git URLs, a --repos file, a GitHub organisation or a
    GitLab group.

    Remote repositories are cloned shallowly into the cache directory (no hook, no LFS smudge,
    no submodule runs) and updated on the next run; nothing of a repository is imported or run.
    A repository that cannot be cloned, read or checked is reported as an error, and the run
    goes on.
    """
    from metstandards.audit import document as documents
    from metstandards.audit.formats import FORMATS
    from metstandards.audit.runner import audit_all, default_jobs
    from metstandards.audit.sources import SourceError, gather

    extra = report_targets(reports, FORMATS)
    shard_of = _shard(shard)
    options = _options(profile, cache_dir)
    before = _previous(previous)
    try:
        targets = gather(
            sources,
            repos_file=repos_file,
            github_org=github_org,
            github_api=github_api,
            gitlab_group=gitlab_group,
            gitlab_api=gitlab_api,
            include_archived=include_archived,
            include_forks=include_forks,
            topics=topics,
            visibilities=visibilities,
        )
    except SourceError as error:
        fail(str(error))
    if not targets:
        fail(
            "nothing to audit: give repository paths or URLs, --repos, --github-org or "
            "--gitlab-group"
        )
    if shard_of is not None:
        targets = documents.shard(targets, lambda t: t.name, *shard_of)
    show = _Progress(sys.stderr.isatty() if progress is None else progress)
    entries = audit_all(targets, options, jobs or default_jobs(), show)
    show.done()
    document = documents.build(
        entries,
        profile=profile,
        pass_score=float(options.audit["pass-score"]),
        weights=options.weights,
        shard_of=shard_of,
        previous=before,
    )
    _emit(document, output_format, output_file, extra, fail_under)


@audit.command(name="merge", epilog=AUDIT_EXIT_CODES)
@click.argument(
    "shards", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
@_report_options
def merge(
    shards: tuple[Path, ...],
    previous: Path | None,
    fail_under: float | None,
    output_format: str,
    output_file: Path | None,
    reports: tuple[str, ...],
) -> None:
    """Merge the JSON reports of a sharded audit into the report of the whole run."""
    from metstandards.audit import document as documents
    from metstandards.audit.formats import FORMATS

    extra = report_targets(reports, FORMATS)
    before = _previous(previous)
    try:
        merged = documents.merge([(path, documents.load(path)) for path in shards], before)
    except documents.DocumentError as error:
        fail(str(error))
    _emit(merged, output_format, output_file, extra, fail_under)


def _options(profile: str, cache_dir: Path | None) -> Any:
    from metstandards.audit.runner import Options
    from metstandards.check.settings import load_check_settings
    from metstandards.config import ConfigError

    try:
        settings = load_check_settings(profile, Path("pyproject.toml"), "", {})
    except ConfigError as error:
        fail(f"--profile: {error}")
    return Options(
        profile=profile,
        audit=settings.table("audit"),
        weights={k: float(v) for k, v in settings.table("audit-weights").items()},
        repository=settings.table("repository"),
        ruff_select=tuple(
            settings.table("ruff")["select"] or settings.table("ruff")["extend-select"]
        ),
        cache_dir=(cache_dir or _default_cache()).absolute(),
    )


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "metstandards" / "audit"


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    index, sep, total = value.partition("/")
    if not (sep and index.isdigit() and total.isdigit() and 1 <= int(index) <= int(total)):
        fail(f"--shard {value!r}: expected I/N with 1 <= I <= N, for example 2/4")
    return int(index), int(total)


def _previous(path: Path | None) -> dict[str, Any] | None:
    from metstandards.audit.document import DocumentError, load

    if path is None:
        return None
    try:
        return load(path)
    except DocumentError as error:
        fail(f"--previous: {error}")


def _emit(
    document: Mapping[str, Any],
    output_format: str,
    output_file: Path | None,
    extra: Sequence[tuple[str, Path]],
    fail_under: float | None,
) -> None:
    from metstandards.audit.formats import renderer, write

    for name, path in extra:
        try:
            write(name, document, path)
        except OSError as error:
            fail(f"cannot write {path}: {error.strerror or error}")
    text = renderer(output_format)(document)
    if output_file is None:
        click.echo(text, nl=False)
    else:
        try:
            output_file.write_text(text, encoding="utf-8")
        except OSError as error:
            fail(f"cannot write {output_file}: {error.strerror or error}")
    raise SystemExit(exit_status(document, fail_under))


def exit_status(document: Mapping[str, Any], fail_under: float | None) -> int:
    repositories = document["repositories"]
    if fail_under is not None and any(
        r["score"] is not None and r["score"] < fail_under for r in repositories
    ):
        return 1
    return 3 if any(r["status"] == "error" for r in repositories) else 0


class _Progress:
    """``[12/100] org/repo 7.4 (ETA 3 min)`` on stderr, rewritten in place."""

    def __init__(self, enabled: bool) -> None:
        import time

        self.enabled = enabled
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int, entry: Mapping[str, Any]) -> None:
        if not self.enabled:
            return
        import time

        elapsed = time.monotonic() - self.started
        left = elapsed / done * (total - done)
        eta = f"{left / 60:.0f} min" if left >= 90 else f"{left:.0f} s"
        state = "error" if entry["status"] == "error" else f"{entry['score']}"
        line = f"[{done}/{total}] {entry['name']} {state} (ETA {eta})"
        click.echo("\r\033[K" + line, nl=False, err=True)
        self.shown = True

    def done(self) -> None:
        if self.shown:
            click.echo("", err=True)

"""The adoption and CI helpers: ``init`` brings a repository up to the standard, and
``gpu-preflight`` checks that a CI job can use its GPU.

Kept apart from the lint and check commands: neither runs a rule or a check; ``init`` writes a
repository's config files from shipped templates and ``gpu-preflight`` probes the host.
"""

from __future__ import annotations

from pathlib import Path

import click

from metstandards.cli._common import INIT_EXIT_CODES, fail, main


@main.command(name="init", epilog=INIT_EXIT_CODES)
@click.argument("path", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--ref",
    help="The metstandards commit to pin, as a full 40-hex SHA [default: the latest release].",
)
@click.option(
    "--version",
    "version",
    help="The release of that commit (v1.2.3), which the workflows install; needed with --ref "
    "[default: the latest release].",
)
@click.option(
    "--hooks-repo",
    metavar="URL",
    help="Where pre-commit fetches the metstandards hooks: a git URL or a local clone "
    "[default: the GitHub repository of the latest release].",
)
@click.option(
    "--workflows",
    metavar="NAMES",
    help="Comma-separated caller workflows to write into .github/workflows/, or with --ci "
    "gitlab the components to include in .gitlab-ci.yml ('' for none) [default: "
    "metstandards,python-ci; python-ci is left out when the repository's own CI already runs "
    "its tests].",
)
@click.option(
    "--ci",
    type=click.Choice(["github", "gitlab"]),
    help="The CI to write for: GitHub Actions workflows, or a .gitlab-ci.yml that includes the "
    "metstandards CI/CD components [default: what the repository has (.gitlab-ci.yml or "
    ".github/workflows/), else the host of its git remote; github when nothing tells].",
)
@click.option(
    "--component-project",
    metavar="HOST/PATH",
    help="With --ci gitlab: the metstandards project on the GitLab the pipelines run on, which "
    "the components are included from ($CI_SERVER_FQDN stands for that GitLab) [default: the "
    "profile's [gitlab] component-project, $CI_SERVER_FQDN/metstandards/metstandards].",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace what init owns where it differs: the files it writes whole, and its own entry "
    "in .pre-commit-config.yaml (never the other hooks); in .gitlab-ci.yml, an include: that "
    "is not a list is rewritten as one.",
)
@click.option("--dry-run", is_flag=True, help="Show what would change, as diffs; write nothing.")
def init(
    path: Path,
    ref: str | None,
    version: str | None,
    hooks_repo: str | None,
    workflows: str | None,
    ci: str | None,
    component_project: str | None,
    force: bool,
    dry_run: bool,
) -> None:
    """Bring the repository at PATH (default: here) up to the WG3 standard.

    \b
    In a repository without them, init writes:
      .pre-commit-config.yaml   the recipe: the metstandards hooks with ruff-format, mypy, zizmor
      pyproject.toml            a [tool.metstandards] section appended (never a new file)
      .github/workflows/        callers of the org's reusable workflows (metstandards, python-ci)
      .github/dependabot.yml    weekly updates of the actions' and the packages' pins

    \b
    In an existing repository, what is there is kept:
      - .pre-commit-config.yaml keeps every hook, its order and its comments; init adds its own
        entry at the end of repos: (or brings it up to date), and default_install_hook_types
        when missing. It adds no formatter, mypy or zizmor where the file has hooks of its own,
        and says which of them the recipe has.
      - python-ci is not written when a workflow already runs the tests (pytest, tox, nox,
        hatch test, unittest, or a reusable workflow that tests); --workflows asks for it.
      - python-ci tests on the supported Pythons that requires-python allows, and installs
        the project's test extra only where it declares one (test, tests, testing or dev).
      - dependabot.yml gets the missing ecosystems added; a setup.py project gets no
        pyproject.toml.

    \b
    On GitLab (--ci gitlab, or a repository with a .gitlab-ci.yml or a GitLab remote), a
    .gitlab-ci.yml replaces .github/: it includes the metstandards CI/CD components
    (metstandards, python-ci) from --component-project, each pinned by commit SHA. An existing
    .gitlab-ci.yml keeps every job, key and comment: init adds its include entries (or moves
    them to the pinned release), and shows anything more as a diff for --force.

    Everything pins one metstandards commit by its SHA. Running init again changes nothing.
    A file that differs from what init writes is shown as a diff and left alone; only --force
    changes it, and only in the part init owns.
    """
    from metstandards.scaffold import ScaffoldError
    from metstandards.scaffold.pin import choose_pin, load_pin
    from metstandards.scaffold.plan import InitRequest, plan, write
    from metstandards.scaffold.sources import Sources
    from metstandards.scaffold.summary import summarize

    names = None
    if workflows is not None:
        names = tuple(name.strip() for name in workflows.split(",") if name.strip())
    try:
        sources = Sources.shipped()
        pin = choose_pin(load_pin(sources.pin), ref, version)
        request = InitRequest(
            path, pin, hooks_repo or pin.hooks_repo, names, sources, ci, component_project
        )
        changes = plan(request)
        if not dry_run:
            for change in changes:
                write(path, change, force=force)
    except ScaffoldError as error:
        fail(str(error))
    text, status = summarize(changes, dry_run=dry_run, force=force)
    click.echo(text, nl=False)
    raise SystemExit(status)


@main.command(name="gpu-preflight")
@click.option(
    "--framework",
    type=click.Choice(["auto", "torch", "jax"]),
    default="auto",
    show_default=True,
    help="auto: check torch and JAX where this interpreter has them; torch or jax: check that "
    "one only, and fail when it is not installed.",
)
@click.option(
    "--vendor",
    type=click.Choice(["auto", "nvidia", "amd"]),
    default="auto",
    show_default=True,
    help="auto: NVIDIA where nvidia-smi is on PATH, else AMD ROCm where rocm-smi or /dev/kfd is.",
)
@click.option(
    "--min-gpus",
    type=click.IntRange(min=1),
    metavar="N",
    help="Fail unless the job sees at least N GPUs (as torch or JAX sees them, else as the "
    "driver lists them).",
)
@click.option(
    "--min-memory-gib",
    type=click.FloatRange(min=0, min_open=True),
    metavar="X",
    help="Fail unless every GPU the job gets has at least X GiB of memory in total (as torch "
    "sees it, which is the MIG slice on a partitioned GPU, else as the driver lists it).",
)
@click.option(
    "--format", "-f", "output_format", type=click.Choice(["text", "json"]), default="text"
)
def gpu_preflight(
    framework: str,
    vendor: str,
    min_gpus: int | None,
    min_memory_gib: float | None,
    output_format: str,
) -> None:
    """Check that this job can use a GPU, before it spends its allocation.

    \b
    Checks, from the outside (nothing of the project is imported):
      - the driver lists GPUs (nvidia-smi, or rocm-smi for AMD);
      - the device files are there (/dev/nvidia*, or /dev/kfd and /dev/dri/renderD*);
      - CUDA_VISIBLE_DEVICES (and on AMD HIP_/ROCR_VISIBLE_DEVICES) hides no GPU;
      - torch and JAX, in a separate interpreter (this one), were built for these GPUs and
        see one;
      - NVIDIA: the driver supports the CUDA version torch and JAX were built for;
      - with --min-gpus / --min-memory-gib: enough GPUs, with enough memory each.

    Exit status 0 when every required check passes, 1 otherwise. The JSON report has
    "passed", one entry per check under "checks" and the driver's GPUs under "gpus".
    """
    from metstandards.gpu_preflight import (
        Host,
        Requirements,
        preflight,
        render_json,
        render_text,
    )

    wanted = Requirements(framework, vendor, min_gpus, min_memory_gib)
    result = preflight(Host.current(), wanted)
    render = render_json if output_format == "json" else render_text
    click.echo(render(result), nl=False)
    raise SystemExit(0 if result.passed else 1)

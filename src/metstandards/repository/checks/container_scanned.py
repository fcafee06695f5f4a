from __future__ import annotations

import re

from metstandards.repository.check import Evidence, RepositoryCheck, Result
from metstandards.repository.ci import AUTOMATIC, SCANS_IMAGES
from metstandards.repository.view import Repository

#: ``Dockerfile``, ``Dockerfile.gpu``, ``inference.Dockerfile``, not ``dockerfile.py``.
_CONTAINERFILE = re.compile(
    r"(?:dockerfile|containerfile)(?:\.(?!(?:py|md|rst|txt)$).+)?|.+\.(?:dockerfile|containerfile)",
    re.IGNORECASE,
)
#: Folders of other people's or generated files: a Dockerfile there is not the project's image.
_IGNORED = frozenset(
    {".git", ".venv", "venv", ".tox", ".nox", "node_modules", "site-packages", "build", "dist"}
)
_DOCKERFILE = "FROM python:3.12-slim\nCOPY . /app\nRUN pip install /app\n"
_SHA = "3e5f5c2f6139ef87f1ed62c720f7d1f46448a68f"


def containerfiles(repo: Repository) -> list[str]:
    """Tracked Dockerfiles and Containerfiles, at any depth, outside the ignored folders."""
    return [
        path
        for path in repo.files
        if _CONTAINERFILE.fullmatch(path.rpartition("/")[2])
        and not _IGNORED.intersection(path.split("/")[:-1])
    ]


class ContainerScanned(RepositoryCheck):
    """Where the repository builds a container image, CI scans it for vulnerabilities.

    ## What it does
    Looks for tracked `Dockerfile`s and `Containerfile`s at any depth (`Dockerfile.gpu` and
    `inference.Dockerfile` too), outside folders of other people's or generated files
    (`.venv/`, `node_modules/`, `site-packages/`, `build/`, `dist/`...). Where there is one, CI
    must scan the image: the metstandards `container-scan` reusable workflow or component, a
    Trivy step (`aquasecurity/trivy-action`, `trivy image`), a Grype step
    (`anchore/scan-action`, `grype`), a job in the Trivy or Grype image, or GitLab's
    Container-Scanning template (which runs Trivy). A scan on any event that runs by itself
    counts, a weekly schedule included; one started only by hand does not.

    ## Why is this bad?
    An inference image carries a whole operating system and a CUDA stack next to the model.
    New vulnerabilities are published for those every week, and the image runs inside the
    service's network with access to observations and the production file systems.

    ## Example
    ```text
    Dockerfile                    # and no CI job scans the image
    .github/workflows/build.yml   # builds and pushes it
    ```

    ## Use instead
    ```yaml
    on:
      push:
        branches: [main]
      pull_request:
      schedule:
        - cron: "23 5 * * 1"
    jobs:
      container-scan:
        uses: metstandards/metstandards/.github/workflows/container-scan.yml@<40-hex-sha> # v0.1.0
    ```

    ## Options
    None.
    """

    code = "MS607"
    name = "container-scanned"
    family = "ci"

    PASSING = (
        {
            "Dockerfile": _DOCKERFILE,
            ".github/workflows/container-scan.yml": "on:\n  schedule:\n    - cron: '0 5 * * 1'\n"
            "jobs:\n  scan:\n    uses: metstandards/metstandards/.github/workflows/"
            f"container-scan.yml@{_SHA}\n",
        },
        {
            "docker/inference.Dockerfile": _DOCKERFILE,
            ".gitlab-ci.yml": "scan:\n  image: aquasec/trivy:0.58.1\n  script:\n"
            "    - trivy image --exit-code 1 $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA\n",
        },
    )
    FAILING = (
        {"Dockerfile": _DOCKERFILE},
        {
            "Containerfile": _DOCKERFILE,
            ".github/workflows/build.yml": "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - run: docker build -t forecast .\n",
        },
        {
            "Dockerfile": _DOCKERFILE,
            ".github/workflows/scan.yml": "on: workflow_dispatch\njobs:\n  scan:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - run: trivy image forecast\n",
        },
    )
    NOT_APPLICABLE = (
        {"forecast.py": "print('no image')\n"},
        {".venv/lib/python3.12/site-packages/tool/Dockerfile": _DOCKERFILE},
    )

    def check(self, repo: Repository) -> Result:
        images = containerfiles(repo)
        if not images:
            return self.not_applicable("no Dockerfile or Containerfile is tracked")
        ci = repo.ci
        scans = [found for found in ci.find(SCANS_IMAGES) if found.events & AUTOMATIC]
        if scans:
            first = scans[0]
            return self.passed(
                f"{len(images)} container file(s); CI scans with {first.what} at {first.where}",
                *(Evidence(found.path, found.line, found.what) for found in scans),
            )
        if ci.problems:
            return self.error(f"CI could not be read: {ci.unreadable}")
        return self.failed(
            f"{images[0]} builds a container image, but CI never scans an image for "
            "vulnerabilities",
            *(Evidence(path, None, "container file") for path in images),
            hint="scan the image in CI on every change and weekly: call the metstandards "
            "container-scan reusable workflow, or add a Trivy step (`trivy image`)",
        )

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator

from metstandards.repository.check import Evidence, RepositoryCheck, Result
from metstandards.repository.checks._layout import package_files, test_files
from metstandards.repository.ci import AUTOMATIC, GPU_JOBS
from metstandards.repository.view import Repository

_GPU_USE = re.compile(
    r"""\.cuda\(
    |\btorch\.cuda\.
    |(?:device\s*=\s*|\.to\(\s*|torch\.device\(\s*)["']cuda(?::\d+)?["']
    |^[ \t]*(?:import|from)[ \t]+cupy\b|\bcupy\.
    |\bnumba\.cuda\b|^[ \t]*from[ \t]+numba[ \t]+import[ \t][^\n#]*\bcuda\b
    |\bjax\.devices\(\s*["']gpu["']
    """,
    re.VERBOSE | re.MULTILINE,
)
_QUICK = ("cuda", "cupy", "gpu")
_GPU_MARK = re.compile(r"\bmark\.gpu\b")
_MODEL = "import torch\n\n\ndef to_device(model):\n    return model.to('cuda')\n"
_GPU_TEST = (
    "import pytest\n\n\n@pytest.mark.gpu\ndef test_on_gpu():\n"
    "    import torch\n    assert torch.cuda.is_available()\n"
)
_GPU_WORKFLOW = (
    "on: [push, pull_request]\njobs:\n  gpu:\n    runs-on: [self-hosted, linux, gpu]\n"
    "    steps:\n      - run: pytest -m gpu\n"
)


def gpu_uses(repo: Repository, paths: list[str]) -> Iterator[Evidence]:
    """Each of ``paths`` that uses a GPU, at its first such line. Comments and strings do not
    count (a message naming ``torch.cuda``, a probe script held in a string): the search runs
    over the code with both blanked out by Python's own tokenizer."""
    for path in paths:
        text = repo.text(path)
        if text is None or not any(word in text for word in _QUICK):
            continue
        match = _GPU_USE.search(code_only(text))
        if match is not None:
            line = text.count("\n", 0, match.start()) + 1
            yield Evidence(path, line, f"uses a GPU: {match.group().strip()}")


#: Tokens whose text is not code: what they hold is blanked before the search.
_NOT_CODE = frozenset(
    {tokenize.COMMENT, tokenize.STRING}
    | {getattr(tokenize, name) for name in ("FSTRING_MIDDLE",) if hasattr(tokenize, name)}
)


#: A string that is a device name (``"cuda"``, ``'cuda:1'``, ``"gpu"``) is code's argument, not
#: prose: it is kept for the search.
_DEVICE_NAME = re.compile(r"""[rRuU]?(["'])(?:cuda(?::\d+)?|gpu)\1""")


def code_only(text: str) -> str:
    """``text`` with its comments and string contents (device names aside) replaced by spaces,
    lines and columns kept; a file the tokenizer rejects is searched with only its comments
    dropped."""
    lines = text.splitlines(keepends=True)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return re.sub(r"#[^\n]*", "", text)
    blanked = [list(line) for line in lines]
    for token in tokens:
        if token.type in _NOT_CODE and not _DEVICE_NAME.fullmatch(token.string):
            _blank(blanked, token)
    return "".join("".join(chars) for chars in blanked)


def _blank(lines: list[list[str]], token: tokenize.TokenInfo) -> None:
    """Spaces over ``token``'s text in ``lines`` (lists of characters), line breaks kept."""
    (start_row, start_col), (end_row, end_col) = token.start, token.end
    for row in range(start_row, end_row + 1):
        chars = lines[row - 1]
        first = start_col if row == start_row else 0
        last = end_col if row == end_row else len(chars)
        chars[first:last] = [" " if c != "\n" else c for c in chars[first:last]]


class GpuTested(RepositoryCheck):
    """Package code that uses a GPU is tested on a GPU in CI.

    ## What it does
    Looks through the package code (tracked Python files outside the test paths and outside
    `docs/`, `examples/`, `notebooks/`) for GPU use: `.cuda(`, `device="cuda"` or
    `"cuda:N"` (also in `.to(...)` and `torch.device(...)`), `torch.cuda.*`, `cupy`,
    `numba.cuda`, `jax.devices("gpu")`. Where there is some, CI needs a GPU job (the
    metstandards `gpu-tests` reusable workflow or component, or a job whose GitHub `runs-on`
    label or GitLab `tags` contain `gpu`) running by itself (push, pull/merge request, tag or
    schedule), and tests marked `gpu` (`@pytest.mark.gpu`) must exist for it to run.

    ## Why is this bad?
    CPU runners never execute the CUDA branch: mixed-precision casts, device placement of the
    static fields, a kernel that only exists in cupy. Those break at the first training run on
    the HPC, or worse, in the operational inference on GPU nodes, while CI stays green.

    ## Example
    ```python
    # src/forecast/model.py; no CI job runs on a GPU runner
    model = model.to("cuda")
    ```

    ## Use instead
    ```yaml
    jobs:
      gpu-tests:
        uses: metstandards/metstandards/.github/workflows/gpu-tests.yml@<40-hex-sha> # v0.1.0
        with:
          runs-on: '["self-hosted", "linux", "gpu"]'
    ```
    with the GPU tests marked `@pytest.mark.gpu`.

    ## Options
    `test-paths` and `non-package-paths` in `[repository]`: what is test code and what is
    neither tests nor package code (defaults as in `[lint]`).
    """

    code = "MS608"
    name = "gpu-tested"
    family = "ci"

    PASSING = (
        {
            "src/forecast/model.py": _MODEL,
            "tests/test_gpu.py": _GPU_TEST,
            ".github/workflows/gpu.yml": _GPU_WORKFLOW,
        },
        {
            "forecast/kernels.py": "import cupy as cp\n",
            "tests/test_kernels.py": _GPU_TEST,
            ".gitlab-ci.yml": "gpu-tests:\n  tags: [gpu-a100]\n  script:\n    - pytest -m gpu\n",
        },
    )
    FAILING = (
        {"src/forecast/model.py": _MODEL, "tests/test_gpu.py": _GPU_TEST},
        {
            "src/forecast/model.py": "import torch\nDEVICE = torch.device('cuda:0')\n",
            ".github/workflows/gpu.yml": _GPU_WORKFLOW,
        },
    )
    NOT_APPLICABLE = (
        {
            "src/forecast/model.py": "import torch\n# model.cuda() is left to the caller\n"
            "HELP = 'set CUDA_VISIBLE_DEVICES, torch.cuda.device_count() reads it'\n"
        },
        {"tests/test_gpu.py": _GPU_TEST, "src/forecast/model.py": "x = 1\n"},
        # A probe that a subprocess runs: the package itself uses no GPU.
        {
            "src/forecast/probe.py": (
                'PROBE = """\nimport torch\nprint(torch.cuda.is_available())\n"""\n'
            )
        },
    )

    def check(self, repo: Repository) -> Result:
        uses = list(gpu_uses(repo, package_files(repo, self.settings)))
        if not uses:
            return self.not_applicable("the package code never uses a GPU")
        ci = repo.ci
        jobs = [found for found in ci.find(GPU_JOBS) if found.events & AUTOMATIC]
        marked = self._marked(repo)
        if jobs and marked:
            return self.passed(
                f"{len(uses)} file(s) use a GPU; {jobs[0].what} at {jobs[0].where} runs the "
                f"{len(marked)} file(s) of tests marked gpu",
                *(Evidence(job.path, job.line, job.what) for job in jobs),
                *marked,
            )
        if not jobs and ci.problems:
            return self.error(f"CI could not be read: {ci.unreadable}")
        missing = [
            what
            for what, lacking in (
                ("CI has no job on a GPU runner", not jobs),
                ("no test is marked gpu", not marked),
            )
            if lacking
        ]
        return self.failed(
            f"{uses[0].path} uses a GPU ({len(uses)} file(s) do), but {' and '.join(missing)}",
            *uses,
            *marked,
            hint="mark the tests that need a GPU `@pytest.mark.gpu` and run them on a GPU runner "
            "with the metstandards gpu-tests reusable workflow (or a job whose runner label "
            "contains `gpu`)",
        )

    def _marked(self, repo: Repository) -> list[Evidence]:
        """The test files with tests marked ``gpu``."""
        return [
            Evidence(path, None, "tests marked gpu")
            for path in test_files(repo, self.settings)
            if _GPU_MARK.search(repo.text(path) or "")
        ]

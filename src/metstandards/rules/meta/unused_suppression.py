from __future__ import annotations

from metstandards.findings import Severity
from metstandards.rule import Role, Rule


class UnusedSuppression(Rule):
    """A suppression comment that silences nothing, or names an unknown code.

    ## What it does
    Reports `# metstandards: ignore[CODE]`, `# metstandards: ignore-file[CODE]` and
    `# noqa: CODE` comments whose code produced no finding on that line (or in that file), codes
    that no installed rule has, and `ignore` comments without any code. `# noqa` codes of other
    tools (`S301`, `F401`) are not metstandards' business and are left alone.

    ## Why is this bad?
    A stale suppression hides the next real finding on that line, and a misspelt code silences
    nothing while looking as if it did.

    ## Example
    ```python
    rng = np.random.default_rng(seed)  # metstandards: ignore[MS101]
    ```

    ## Use instead
    ```python
    rng = np.random.default_rng(seed)
    ```

    ## Options
    None. A line comment covers findings that start or end on its line; the file form covers
    the whole file. A blanket `# noqa` without codes does not silence metstandards.
    """

    code = "MS001"
    name = "unused-suppression"
    severity = Severity.WARNING
    roles = frozenset(Role)
    notebooks = True
    VALID = (
        "import torch\nstate = torch.load(path)  # metstandards: ignore[MS202]\n",
        "import pickle\nobj = pickle.loads(blob)  # noqa: S301, MS202\n",
        "x = 1  # noqa: E501\n",
    )
    INVALID = (
        "x = 1  # metstandards: ignore[MS202]\n",
        "x = 1  # noqa: MS999\n",
        "x = 1  # metstandards: ignore\n",
        "# metstandards: ignore-file[MS202]\nx = 1\n",
    )

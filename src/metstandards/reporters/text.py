"""``path:line:col: CODE message``, one finding a line, then a summary; coloured on a terminal."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from metstandards.findings import Severity

if TYPE_CHECKING:
    from metstandards.engine.runner import LintResult

_BOLD, _RED, _YELLOW, _CYAN, _RESET = "\033[1m", "\033[31m", "\033[33m", "\033[36m", "\033[0m"


def render(result: LintResult, color: bool) -> str:
    def paint(text: str, *styles: str) -> str:
        return "".join(styles) + text + _RESET if color else text

    lines = []
    for f in result.findings:
        code_style = _RED if f.severity is Severity.ERROR else _YELLOW
        location = paint(f"{f.path}:{f.line}:{f.column}:", _BOLD)
        lines.append(f"{location} {paint(f.code, code_style, _BOLD)} {f.message}")
    files = f"{result.files_checked} file{'s' if result.files_checked != 1 else ''}"
    if not result.findings:
        lines.append(paint(f"All checks passed ({files} checked).", _CYAN))
        return "\n".join(lines) + "\n"
    counts = Counter(f.code for f in result.findings)
    by_code = ", ".join(f"{code} x{count}" for code, count in sorted(counts.items()))
    total = len(result.findings)
    lines.append("")
    lines.append(
        f"Found {total} finding{'s' if total != 1 else ''} in {files} checked ({by_code})."
    )
    if result.not_checked:
        lines.append(
            paint(
                f"Not checked ({len(result.not_checked)}): " + ", ".join(result.not_checked), _RED
            )
        )
    return "\n".join(lines) + "\n"

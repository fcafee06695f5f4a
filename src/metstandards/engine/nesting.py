"""Refuse, before parsing, source nested deeply enough to crash libcst's native parser.

libcst's parser recurses on the C stack: about 2,000 nested brackets, or an expression chain of
some thousands of operators (``-1`` negated 10,000 times, a generated sum of 10,000 terms), end
the whole process with a segmentation fault, which no ``except`` can catch. CPython's own parser
refuses brackets nested deeper than 200 and stops deep chains with a clean error, so it is asked
first, but only about files that could be that deep at all: brackets nested more than 66 deep,
or 4 KiB of code without a line break or without a comma or bracket (where a long chain would
have to be). Every other file, nearly all of them, costs a few passes over its bytes in C.
"""

from __future__ import annotations

import ast

#: Brackets nested deeper than this may be over CPython's limit of 200 (each pass below can
#: remove up to three levels at once: ``[({})]``).
_BRACKET_PASSES = 200 // 3
#: A stretch of code shorter than this cannot hold a chain long enough to crash the parser.
_LONG_STRETCH = 4096
#: Deeper syntax trees are refused; the crashes start a few thousand levels deeper.
_MAX_TREE_DEPTH = 1000
_NOT_BRACKETS = bytes(set(range(256)) - set(b"()[]{}"))
_SEPARATORS = bytes.maketrans(b"()[]{};", b",,,,,,,")


def _suspicious(data: bytes) -> bool:
    """Whether ``data`` might be nested deeply enough to crash the parser (cheap, may say yes)."""
    if len(data) < _LONG_STRETCH:
        return False
    if max(map(len, data.split(b"\n"))) >= _LONG_STRETCH:
        return True
    if max(map(len, data.translate(_SEPARATORS).split(b","))) >= _LONG_STRETCH:
        return True
    brackets = data.translate(None, _NOT_BRACKETS)
    for _ in range(_BRACKET_PASSES):
        inner = brackets.replace(b"()", b"").replace(b"[]", b"").replace(b"{}", b"")
        if len(inner) == len(brackets):
            return False
        brackets = inner
    return True


def _tree_depth(tree: ast.AST) -> tuple[int, int]:
    """The depth of the deepest node and its line, without recursion."""
    deepest, line = 0, 1
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest, line = depth, getattr(node, "lineno", line)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest, line


def nesting_problem(data: bytes) -> tuple[str, int, int] | None:
    """Why ``data`` must not be given to libcst, as (reason, line, column); None when safe."""
    if not _suspicious(data):
        return None
    try:
        tree = ast.parse(data)
    except SyntaxError as error:
        return f"syntax error: {error.msg}", error.lineno or 1, error.offset or 1
    except (RecursionError, MemoryError):
        return "nesting too deep for the parser", 1, 1
    except ValueError:  # NUL bytes (Python < 3.12): libcst reports these itself, safely
        return None
    depth, line = _tree_depth(tree)
    if depth > _MAX_TREE_DEPTH:
        return f"nesting too deep for the parser ({depth} levels)", line, 1
    return None

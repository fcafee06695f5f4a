"""TOML reading on every supported Python: the standard library's ``tomllib`` from 3.11, the
``tomli`` backport (the same code, a declared dependency there) before."""

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["tomllib"]

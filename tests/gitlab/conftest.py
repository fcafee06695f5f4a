"""Fixtures of the GitLab tests: a scratch repository to run pipelines in (see _pipeline.py)."""

from __future__ import annotations

from ._pipeline import pipeline

__all__ = ["pipeline"]

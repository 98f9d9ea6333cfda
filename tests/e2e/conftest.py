"""Fixtures of the end-to-end tests (defined in e2e_support)."""

from e2e_support import federation

__all__ = ["federation"]

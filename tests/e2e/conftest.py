"""Fixtures of the end-to-end tests (defined in e2e_support and platform_support)."""

from e2e_support import federation, reporting_stack
from platform_support import platform

__all__ = ["federation", "platform", "reporting_stack"]

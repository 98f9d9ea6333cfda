"""Fixtures of the end-to-end tests (defined in e2e_support, platform_support and
jaeger_support)."""

from e2e_support import federation, reporting_stack
from jaeger_support import jaeger
from platform_support import platform

__all__ = ["federation", "jaeger", "platform", "reporting_stack"]

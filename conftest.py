"""Root conftest: shared fixtures for every test folder (unit tests ignore them)."""

from __future__ import annotations

import pytest

pytest_plugins = ["gotong_testing.fixtures"]

# What a test costs; `make test-unit` selects `unit`, so an unmarked test would run only
# in the whole suite. Every test carries exactly one of them.
COST_MARKERS = ("unit", "integration", "e2e")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse a run that collected a test without a cost marker, or with two."""
    wrong = [item.nodeid for item in items
             if sum(item.get_closest_marker(m) is not None for m in COST_MARKERS) != 1]
    if wrong:
        raise pytest.UsageError(
            f"tests need exactly one of the markers {', '.join(COST_MARKERS)}:\n  "
            + "\n  ".join(wrong))

"""The consumer name ``python -m partners`` runs under is the gateway's own."""

from __future__ import annotations

import pytest

from partners.__main__ import CONSUMER
from partners.entrypoints.consumer import GATEWAY_CONSUMER

pytestmark = pytest.mark.unit


def test_the_command_line_and_the_gateway_name_one_consumer() -> None:
    assert CONSUMER == GATEWAY_CONSUMER

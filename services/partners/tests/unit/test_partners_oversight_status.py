"""What the oversight pages call a partner's and a subscription's delivery: the worst of
its webhooks wins, and no webhook is a partner that pulls."""

from __future__ import annotations

import pytest

from partners.domain.oversight import (
    DeliveryStatus,
    PartnerStatus,
    delivery_status,
    partner_status,
    webhook_status,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("webhooks", "disabled", "failing", "expected"), [
    (0, 0, 0, DeliveryStatus.PULL),
    (2, 0, 0, DeliveryStatus.HEALTHY),
    (2, 0, 1, DeliveryStatus.FAILING),
    (3, 1, 1, DeliveryStatus.DISABLED),  # one disabled endpoint is what needs acting on
])
def test_a_partners_delivery_is_its_worst_webhooks(webhooks: int, disabled: int,
                                                    failing: int,
                                                    expected: DeliveryStatus) -> None:
    assert delivery_status(webhooks=webhooks, disabled=disabled, failing=failing) is expected


def test_a_subscriptions_delivery() -> None:
    assert webhook_status(enabled=None, failures=None) is DeliveryStatus.PULL
    assert webhook_status(enabled=True, failures=0) is DeliveryStatus.HEALTHY
    assert webhook_status(enabled=True, failures=2) is DeliveryStatus.FAILING
    assert webhook_status(enabled=False, failures=0) is DeliveryStatus.DISABLED


def test_a_partner_is_active_while_it_holds_a_consent_in_force() -> None:
    assert partner_status(1) is PartnerStatus.ACTIVE
    assert partner_status(0) is PartnerStatus.INACTIVE

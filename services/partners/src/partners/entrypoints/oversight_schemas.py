"""Answers of the staff's oversight reads (``GET /oversight/...``): pages of partners,
consents and subscriptions' delivery, each with its ``total``."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from partners.domain.oversight import DeliveryStatus, PartnerStatus

__all__ = ["ConsentPage", "DeliveryEnabledOut", "DeliveryPage", "PartnerPage"]


class _Page(BaseModel):
    total: int = Field(description="how many there are in all (every page)")
    offset: int
    limit: int


class PartnerOverview(BaseModel):
    partner_id: str
    name: str
    kind: str
    registered_at: datetime
    status: PartnerStatus = Field(description="active: it holds a consent in force (of your "
                                              "cooperative, for a cooperative admin)")
    consents_in_force: int
    consents_revoked: int
    cooperatives_in_force: int = Field(description="cooperatives whose consent it holds")
    delivery: DeliveryStatus = Field(description="the worst of its webhooks: disabled, "
                                                 "failing, healthy; pull when it has none")
    webhooks: int
    webhooks_disabled: int
    webhooks_failing: int


class PartnerPage(_Page):
    items: list[PartnerOverview]


class ConsentOverview(BaseModel):
    consent_id: str
    partner_id: str
    partner_name: str
    partner_kind: str
    cooperative_id: str
    cooperative_name: str | None
    categories: list[str]
    from_date: date
    include_history: bool
    until_date: date | None
    granted_at: datetime
    granted_by: str
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None
    version: int


class ConsentPage(_Page):
    items: list[ConsentOverview]


class DeliveredEvent(BaseModel):
    position: int = Field(description="its position in the partner's feed")
    webhook_id: str = Field(description="the partner event's id (webhook-id)")
    type: str
    time: datetime = Field(description="when the event happened")
    attempted_at: datetime = Field(description="when the partner's endpoint accepted it")


class DeliveryOverview(BaseModel):
    partner_id: str
    partner_name: str
    partner_kind: str
    subscription_id: str
    protocol: str = Field(description="HTTP (a webhook) or GOTONG-PULL (no push delivery)")
    default_webhook: bool
    sink: str | None = Field(description="the webhook's URL; the federation office's only")
    status: DeliveryStatus
    enabled: bool | None = Field(description="false: disabled after failing for days")
    failures: int | None = Field(description="consecutive failed attempts at the next event")
    failing_since: datetime | None
    next_attempt_at: datetime | None
    last_error: str | None
    delivered_position: int | None
    last_delivered: DeliveredEvent | None = Field(
        description="the last event accepted (of your cooperative, for a cooperative admin)")
    pending: int | None = Field(description="feed events after the delivered position, "
                                            "still served (of your cooperative, for its "
                                            "admin); the filters may pass over some")
    pending_capped: bool = Field(description="true: there are more than pending says")
    failed_24h: int | None = Field(description="failed attempts in the last 24 hours (at "
                                               "your cooperative's events, for its admin)")


class DeliveryPage(_Page):
    items: list[DeliveryOverview]


class DeliveryEnabledOut(BaseModel):
    """A disabled delivery the federation office re-enabled."""

    subscription_id: str
    partner_id: str
    enabled: bool

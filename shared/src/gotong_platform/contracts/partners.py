"""Published events of the partner gateway (topic ``gotong.partners.events``).

A cooperative's consents to partners, as the cooperative's admin grants and revokes them:
what a partner may receive of the cooperative's data, from and until when, and who
decided it (``granted_by``, ``revoked_by``: the subject of the signed-in user's token).
Internal: the topic is read by the platform's services and the federation's audit, never
by a partner (a partner's ACLs name its own topic only, and no partner contract is made
from these events). A partner's registration is not published: its contacts are
personal data.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import Field

from gotong_platform.contracts.base import EventContract, register

__all__ = ["PARTNERS_TOPIC", "ConsentGrantedV1", "ConsentRevokedV1"]

PARTNERS_TOPIC = "gotong.partners.events"
ConsentCategory = Literal["savings", "loans", "sales", "produce", "stock", "members_aggregate",
                          "monthly_kpis"]


class _Partners(EventContract):
    source: ClassVar[str] = "partners"
    cooperative_id: str
    consent_id: str
    partner_id: str


@register
class ConsentGrantedV1(_Partners):
    """A cooperative's admin let a partner receive some categories of the cooperative's
    data: facts whose business date lies from ``from_date`` to ``until_date`` (inclusive;
    open-ended when null), recorded from ``granted_at`` on, or also before it when
    ``include_history``."""

    event_type: ClassVar[str] = "ConsentGranted"
    categories: tuple[ConsentCategory, ...] = Field(min_length=1)
    from_date: date
    include_history: bool
    until_date: date | None = None
    granted_at: datetime
    granted_by: str = Field(description="who granted it: the subject of the admin's token")


@register
class ConsentRevokedV1(_Partners):
    """The cooperative's admin withdrew the consent: nothing more is delivered under it."""

    event_type: ClassVar[str] = "ConsentRevoked"
    revoked_at: datetime
    revoked_by: str = Field(description="who revoked it: the subject of the admin's token")
    reason: str | None = None

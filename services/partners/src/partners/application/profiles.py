"""A lender's profile of a cooperative (``GET /partner/cooperatives/{id}/profile``).

Reads the partner's consents in force of that cooperative first: without one naming
``monthly_kpis`` nothing else is read, and the answer is the same as for a cooperative
the gateway does not know. Each published month is mapped as the feed maps it (the
same partner contract, the same minimisation), then assembled by
``partners.domain.profile``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from partners.application.ports import PartnerMapping
from partners.domain import Category, Consent, SourceEvent
from partners.domain.profile import ProfileMonth, lender_profile

__all__ = ["LenderProfiles", "ProfileReads"]


class ProfileReads(Protocol):
    """What a profile reads (``partners.adapters.profile``)."""

    async def consents_in_force(self, partner_id: str, cooperative_id: str) -> list[Consent]:
        """The partner's consents of the cooperative, not revoked."""
        ...

    async def published_months(self, cooperative_id: str) -> list[SourceEvent]:
        """The latest revision of each month published for the cooperative."""
        ...


@dataclass(frozen=True)
class LenderProfiles:
    reads: ProfileReads
    mapping: PartnerMapping

    async def profile(self, partner_id: str, cooperative_id: str, months: int
                      ) -> dict[str, Any] | None:
        """The profile, or None: no consent in force lets the partner read one."""
        consents = await self.reads.consents_in_force(partner_id, cooperative_id)
        if not any(Category.MONTHLY_KPIS in c.categories for c in consents):
            return None
        published = []
        for event in await self.reads.published_months(cooperative_id):
            fact = self.mapping.fact_of(event)
            if fact is not None:
                item = self.mapping.partner_event(partner_id, event, ())
                published.append(ProfileMonth(fact=fact, data=item.data))
        return lender_profile(cooperative_id, months, consents, published)

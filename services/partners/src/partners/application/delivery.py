"""Delivery: an internal event to the feed of every partner whose consent covers it.

The consumer calls ``deliver`` for each consumed event, in the runner's transaction (with
the consumed position and event id); a grant calls ``backfill`` in its command's
transaction. Both first take the cooperative's lock (``Feeds.lock_cooperative``), so a
grant and a delivery of the same cooperative happen one after the other: an event is
either archived before the grant (and the grant's backfill finds it) or delivered after
it (and the delivery reads the new consent), never lost between them; and once a
revocation commits, no delivery under that consent can commit after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from gotong_platform.db import DbConnection
from partners.application.ports import Feeds, PartnerMapping
from partners.domain import Consent, FeedItem, SourceEvent, covers, recipients

__all__ = ["Delivery"]


@dataclass(frozen=True)
class Delivery:
    mapping: PartnerMapping
    feeds: Feeds

    async def deliver(self, conn: DbConnection, event: SourceEvent) -> int:
        """Archive ``event`` if a contract is made from it, and append it to the feeds of
        the partners whose consents in force cover it; how many feeds got it."""
        fact = self.mapping.fact_of(event)
        if fact is None:
            return 0
        await self.feeds.lock_cooperative(conn, event.cooperative_id)
        await self.feeds.keep(conn, event, fact)
        consents = await self.feeds.in_force(conn, event.cooperative_id)
        items = [self.mapping.partner_event(partner, event, consent_ids)
                 for partner, consent_ids in recipients(consents, fact).items()]
        return await self.feeds.append(conn, items)

    async def lock(self, conn: DbConnection, cooperative_id: str) -> None:
        """Take the cooperative's delivery lock (before a grant or a revocation is saved)."""
        await self.feeds.lock_cooperative(conn, cooperative_id)

    async def backfill(self, conn: DbConnection, consent: Consent) -> int:
        """What a new consent covers among the archived events (its history, when it
        includes history), appended to its partner's feed; how many were appended."""
        items: list[FeedItem] = [
            self.mapping.partner_event(consent.partner_id, event, (consent.consent_id,))
            for event, fact in await self.feeds.history(conn, consent.cooperative_id,
                                                         consent.categories)
            if covers(consent, fact)]
        return await self.feeds.append(conn, items)

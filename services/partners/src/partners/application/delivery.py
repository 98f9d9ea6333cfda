"""Delivery: internal events to the feed of every partner whose consent covers them.

The consumer calls ``deliver`` with each batch it consumed (a poll's batch of one
partition, in order), in the runner's transaction (with the consumed positions and event
ids); a grant calls ``backfill`` in its command's transaction. Both first take the
cooperatives' locks (``Feeds.lock_cooperatives``), so a grant and a delivery of the same
cooperative happen one after the other: an event is either archived before the grant
(and the grant's backfill finds it) or delivered after it (and the delivery reads the new
consent), never lost between them; and once a revocation commits, no delivery under that
consent can commit after it.

A batch has the effect of its events delivered one by one in order (the runner retries a
refused batch one event per transaction): the consents cannot change under the locks
held to the end of the transaction, and each partner's items are appended in the
events' order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gotong_platform.db import DbConnection
from partners.application.ports import Feeds, PartnerMapping
from partners.domain import Consent, Fact, FeedItem, SourceEvent, covers, recipients

__all__ = ["Delivery"]


@dataclass(frozen=True)
class Delivery:
    mapping: PartnerMapping
    feeds: Feeds

    async def deliver(self, conn: DbConnection, events: Sequence[SourceEvent]) -> int:
        """Archive the events a contract is made from, and append each to the feeds of the
        partners whose consents in force cover it; how many feed items were appended."""
        facts: list[tuple[SourceEvent, Fact]] = []
        for event in events:
            fact = self.mapping.fact_of(event)
            if fact is not None:
                facts.append((event, fact))
        if not facts:
            return 0
        cooperatives = {event.cooperative_id for event, _ in facts}
        await self.feeds.lock_cooperatives(conn, cooperatives)
        await self.feeds.keep(conn, facts)
        consents: dict[str, list[Consent]] = {}
        for consent in await self.feeds.in_force(conn, cooperatives):
            consents.setdefault(consent.cooperative_id, []).append(consent)
        items: list[FeedItem] = []
        for event, fact in facts:
            to = recipients(consents.get(event.cooperative_id, ()), fact)
            if to:
                items.extend(self.mapping.partner_events(event, to))
        return await self.feeds.append(conn, items)

    async def lock(self, conn: DbConnection, cooperative_id: str) -> None:
        """Take the cooperative's delivery lock (before a grant or a revocation is saved)."""
        await self.feeds.lock_cooperatives(conn, (cooperative_id,))

    async def backfill(self, conn: DbConnection, consent: Consent) -> int:
        """What a new consent covers among the archived events (its history, when it
        includes history), appended to its partner's feed; how many were appended."""
        items: list[FeedItem] = [
            self.mapping.partner_event(consent.partner_id, event, (consent.consent_id,))
            for event, fact in await self.feeds.history(conn, consent.cooperative_id,
                                                         consent.categories)
            if covers(consent, fact)]
        return await self.feeds.append(conn, items)

"""What the gateway's use cases need from storage.

Small Protocols: the composition root (``partners.main``) plugs in the PostgreSQL
adapters of ``partners.adapters``; a unit test plugs in in-memory fakes. ``version`` is
always the number of events in the stream: the expected version of the next append.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from gotong_platform.db import DbConnection
from gotong_platform.provenance import Provenance
from partners.domain import Consent, ConsentEvent, Partner, PartnerEvent

__all__ = ["ConsentRepository", "PartnerRepository"]


class PartnerRepository(Protocol):
    """The partners' streams and their query rows."""

    async def load(self, conn: DbConnection, partner_id: str) -> tuple[Partner | None, int]:
        """The partner and its version; ``(None, 0)`` when there is none."""
        ...

    async def save(self, conn: DbConnection, before: Partner | None, version: int,
                   events: Sequence[PartnerEvent], provenance: Provenance,
                   ) -> tuple[Partner, int]:
        """Append ``events`` after ``version``: the state after them, and the new version."""
        ...


class ConsentRepository(Protocol):
    """The consents' streams and their query rows (which the delivery reads)."""

    async def load(self, conn: DbConnection, consent_id: str) -> tuple[Consent | None, int]:
        """The consent and its version; ``(None, 0)`` when there is none."""
        ...

    async def save(self, conn: DbConnection, before: Consent | None, version: int,
                   events: Sequence[ConsentEvent], provenance: Provenance,
                   ) -> tuple[Consent, int]:
        """Append ``events`` after ``version``: the state after them, and the new version."""
        ...

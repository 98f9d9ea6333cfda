"""The cooperative's business date: "today" in its own time zone (WIB, WITA or WIT).

The zone comes from the local members directory; the clock is the service's own
(``gotong_platform.calendar``), so tests set the day instead of inheriting it.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.calendar import Clock, today_in
from gotong_platform.db import DbConnection
from payments.application.ports import MembersDirectory

__all__ = ["BusinessCalendar"]


@dataclasses.dataclass(frozen=True)
class BusinessCalendar:
    directory: MembersDirectory
    clock: Clock

    async def today(self, conn: DbConnection, cooperative_id: str) -> date:
        """Today in the cooperative's time zone (the platform's default zone when unknown)."""
        facts = await self.directory.cooperative(conn, cooperative_id)
        return today_in(self.clock, facts.time_zone if facts else None)

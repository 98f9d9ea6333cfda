"""The cooperative's business date: today in its own time zone (WIB, WITA or WIT).

The zone comes from the local members directory; the clock is the service's own
(``gotong_platform.calendar``), so tests set the day instead of inheriting it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gotong_platform.calendar import Clock, TimeZone, today_in
from gotong_platform.db import DbConnection
from inventory.application.errors import CooperativeNotKnown
from inventory.application.ports import MembersDirectory

__all__ = ["BusinessCalendar", "business_date"]


def business_date(time_zone: str | None, clock: Clock) -> date:
    """Today in the cooperative's ``time_zone`` (as the directory has it).

    Inventory records nothing for a cooperative its directory does not know yet (the
    tenancy check refuses it first), hence ``CooperativeNotKnown`` rather than a default.
    """
    if time_zone not in TimeZone.__members__:
        raise CooperativeNotKnown("cooperative not found")
    return today_in(clock, time_zone)


@dataclass(frozen=True)
class BusinessCalendar:
    """The business date of a cooperative, its zone read in the caller's transaction."""

    directory: MembersDirectory
    clock: Clock

    async def today(self, conn: DbConnection, cooperative_id: str) -> date:
        return business_date(await self.directory.time_zone(conn, cooperative_id), self.clock)

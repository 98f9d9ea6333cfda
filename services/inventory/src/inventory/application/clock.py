"""The cooperative's business date: today in its own time zone (WIB, WITA or WIT).

The zone comes from the local members directory; the clock is the service's own
(``gotong_platform.calendar``), so tests set the day instead of inheriting it.
"""

from __future__ import annotations

from datetime import date

from gotong_platform.calendar import Clock, TimeZone, today_in
from gotong_platform.db import DbConnection
from gotong_platform.directory import Directory
from inventory.application.errors import CooperativeNotKnown

__all__ = ["business_date"]


async def business_date(conn: DbConnection | Directory, cooperative_id: str, clock: Clock
                        ) -> date:
    """Today's business date of the cooperative, from the local members directory (a
    connection's, or a ``Directory`` that may hold the cooperative's place in its cache).

    Inventory records nothing for a cooperative its directory does not know yet (the
    tenancy check refuses it first), hence ``CooperativeNotKnown`` rather than a default.
    """
    directory = conn if isinstance(conn, Directory) else Directory(conn)
    place = await directory.place_of(cooperative_id)
    time_zone = place.time_zone if place is not None else None
    if time_zone not in TimeZone.__members__:
        raise CooperativeNotKnown("cooperative not found")
    return today_in(clock, time_zone)

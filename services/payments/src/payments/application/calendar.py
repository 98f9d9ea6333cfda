"""The cooperative's business date: "today" in its own time zone (WIB, WITA or WIT).

The zone comes from the local members directory; the clock is the service's own
(``gotong_platform.calendar``), so tests set the day instead of inheriting it.
"""

from __future__ import annotations

from datetime import date

from gotong_platform.calendar import Clock, today_in
from gotong_platform.db import DbConnection
from gotong_platform.directory import Directory

__all__ = ["cooperative_today"]


async def cooperative_today(conn: DbConnection, cooperative_id: str, clock: Clock) -> date:
    facts = await Directory(conn).cooperative(cooperative_id)
    return today_in(clock, facts.time_zone if facts else None)

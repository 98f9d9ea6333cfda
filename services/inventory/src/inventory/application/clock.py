"""The cooperative's business date: today in its own time zone (WIB, WITA or WIT)."""

from __future__ import annotations

from datetime import date, datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

from gotong_platform.db import DbConnection
from gotong_platform.directory import Directory
from inventory.application.errors import CooperativeNotKnown

__all__ = ["business_date", "today_in"]

_IANA = MappingProxyType({
    "WIB": "Asia/Jakarta",  # UTC+7
    "WITA": "Asia/Makassar",  # UTC+8
    "WIT": "Asia/Jayapura",  # UTC+9
})


def today_in(time_zone: str) -> date:
    """Today in ``time_zone`` (WIB/WITA/WIT): WIT's day starts two hours before WIB's."""
    return datetime.now(ZoneInfo(_IANA[time_zone])).date()


async def business_date(conn: DbConnection, cooperative_id: str) -> date:
    """Today's business date of the cooperative, from the local members directory."""
    facts = await Directory(conn).cooperative(cooperative_id)
    time_zone = facts.time_zone if facts is not None else None
    if time_zone is None or time_zone not in _IANA:
        raise CooperativeNotKnown("cooperative not found")
    return today_in(time_zone)

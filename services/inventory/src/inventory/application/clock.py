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


async def business_date(conn: DbConnection | Directory, cooperative_id: str) -> date:
    """Today's business date of the cooperative, from the local members directory (a
    connection's, or a ``Directory`` that may hold the cooperative's place in its cache)."""
    directory = conn if isinstance(conn, Directory) else Directory(conn)
    place = await directory.place_of(cooperative_id)
    time_zone = place.time_zone if place is not None else None
    if time_zone is None or time_zone not in _IANA:
        raise CooperativeNotKnown("cooperative not found")
    return today_in(time_zone)

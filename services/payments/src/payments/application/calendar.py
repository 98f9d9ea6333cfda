"""The cooperative's business date: "today" in its own time zone (WIB, WITA or WIT)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

from gotong_platform.db import DbConnection
from gotong_platform.directory import Directory

__all__ = ["cooperative_today", "today_in"]

_IANA: Mapping[str, str] = MappingProxyType(
    {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"})


def today_in(time_zone: str | None) -> date:
    """Today in WIB, WITA or WIT: WIT's day starts two hours before WIB's.

    A cooperative whose registration has not reached the directory yet counts in WIB.
    """
    return datetime.now(ZoneInfo(_IANA.get(time_zone or "WIB", "Asia/Jakarta"))).date()


async def cooperative_today(conn: DbConnection, cooperative_id: str) -> date:
    facts = await Directory(conn).cooperative(cooperative_id)
    return today_in(facts.time_zone if facts else None)

"""Report queries over one read-model version (the caller sets ``search_path``).

Counts are summed from members rows; nothing is averaged. Output is plain
JSON-ready data, so a rebuild can be compared with the live model byte for byte.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from gotong_platform.db import DbConnection
from reporting.domain.regions import region_name

__all__ = ["cooperative_summary", "federation_summary", "member", "region_summary"]

_STATUSES = ("applied", "admitted", "suspended", "rejected", "exited")


def _member_counts(rows: list[asyncpg.Record]) -> dict[str, Any]:
    by_status = dict.fromkeys(_STATUSES, 0)
    matrix: dict[str, dict[str, int]] = {s: {"L": 0, "P": 0} for s in _STATUSES}
    for r in rows:
        by_status[r["status"]] = by_status.get(r["status"], 0) + r["n"]
        # gender is unknown only until the member's application event arrives
        gender = r["gender"] or "unknown"
        cell = matrix.setdefault(r["status"], {"L": 0, "P": 0})
        cell[gender] = cell.get(gender, 0) + r["n"]
    active = matrix["admitted"]
    return {
        "by_status": by_status,
        "by_status_and_gender": matrix,
        # Anggota aktif, split as the dinas asks (ODS): admitted, not suspended.
        "active": {"total": active["L"] + active["P"], "L": active["L"], "P": active["P"]},
    }


_COUNTS = """
SELECT m.status, m.gender, count(*)::int AS n
FROM members m JOIN cooperatives c USING (cooperative_id)
WHERE {where}
GROUP BY m.status, m.gender ORDER BY 1, 2
"""
_COOPS = """
SELECT c.cooperative_id, c.name, c.coop_type, c.province_code, c.regency_code, c.time_zone,
       c.in_federation, c.joined_on, c.left_on, f.last_recorded_at, f.last_business_date
FROM cooperatives c LEFT JOIN freshness f USING (cooperative_id)
WHERE {where} ORDER BY c.province_code, c.regency_code, c.name, c.cooperative_id
"""


def _coop(r: asyncpg.Record) -> dict[str, Any]:
    return {
        "cooperative_id": r["cooperative_id"], "name": r["name"], "coop_type": r["coop_type"],
        "province_code": r["province_code"], "regency_code": r["regency_code"],
        "province_name": region_name(r["province_code"]),
        "regency_name": region_name(r["regency_code"]),
        "time_zone": r["time_zone"], "in_federation": r["in_federation"],
        "joined_on": r["joined_on"].isoformat() if r["joined_on"] else None,
        "left_on": r["left_on"].isoformat() if r["left_on"] else None,
        "last_event_recorded_at":
            r["last_recorded_at"].isoformat() if r["last_recorded_at"] else None,
    }


async def cooperative_summary(conn: DbConnection, cooperative_id: str
                              ) -> dict[str, Any] | None:
    coop = await conn.fetchrow(_COOPS.format(where="c.cooperative_id = $1"), cooperative_id)
    if coop is None:
        return None
    counts = await conn.fetch(_COUNTS.format(where="m.cooperative_id = $1"), cooperative_id)
    return {"cooperative": _coop(coop), "members": _member_counts(counts)}


async def region_summary(conn: DbConnection, region: str) -> dict[str, Any]:
    """A province (2 digits) or a regency (4 digits): cooperatives whose code starts with it."""
    where = "c.regency_code LIKE $1 || '%'"
    coops = await conn.fetch(_COOPS.format(where=where), region)
    # Member totals cover cooperatives in the federation, as the federation view does,
    # so regions add up to the federation; the list still shows those that left.
    counts = await conn.fetch(_COUNTS.format(where=where + " AND c.in_federation"), region)
    per = []
    for c in coops:
        rows = await conn.fetch(_COUNTS.format(where="m.cooperative_id = $1"),
                                c["cooperative_id"])
        per.append({**_coop(c), "members": _member_counts(rows)["active"]})
    return {
        "region": region,
        "name": region_name(region),
        "cooperatives": sum(1 for c in coops if c["in_federation"]),
        "members": _member_counts(counts),
        "per_cooperative": per,
    }


async def federation_summary(conn: DbConnection) -> dict[str, Any]:
    counts = await conn.fetch(_COUNTS.format(where="c.in_federation"))
    provinces = await conn.fetch(
        """SELECT c.province_code, count(DISTINCT c.cooperative_id)::int AS cooperatives,
                  count(m.member_id) FILTER (WHERE m.status = 'admitted')::int AS active
           FROM cooperatives c LEFT JOIN members m USING (cooperative_id)
           WHERE c.in_federation GROUP BY 1 ORDER BY 1""")
    total = await conn.fetchval("SELECT count(*)::int FROM cooperatives WHERE in_federation")
    return {
        "cooperatives": total,
        "members": _member_counts(counts),
        "provinces": [dict(p) | {"name": region_name(p["province_code"])} for p in provinces],
    }


async def member(conn: DbConnection, member_id: str) -> dict[str, Any] | None:
    """Whose member she is, her status and number (the member's window checks her token
    against it)."""
    row = await conn.fetchrow("SELECT member_id, cooperative_id, status, member_no "
                              "FROM members WHERE member_id = $1", member_id)
    return dict(row) if row is not None else None

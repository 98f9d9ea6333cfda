"""Products low on stock at ``as_of``, from the maintained balances by warehouse and
product (``stock_keys``): the quantity on hand at or below the threshold, with the
names the catalogue gives them now (as the report's own query shows them)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from gotong_platform.db import DbConnection
from reporting.adapters.read_model.ledgers import STOCK_KEYS
from reporting.adapters.reports.ledger_reads import KnownNow, known_now_sql

__all__ = ["LowStock", "low_stock_known_now", "names_of"]


@dataclasses.dataclass(frozen=True)
class LowStock:
    cooperative_id: str
    warehouse_id: str
    product_id: str
    on_hand: int
    value_idr: int
    warehouse_name: str | None
    sku: str | None
    product_name: str | None
    category: str | None
    base_unit: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"cooperative_id": self.cooperative_id, "warehouse_id": self.warehouse_id,
                "warehouse_name": self.warehouse_name, "product_id": self.product_id,
                "sku": self.sku, "product_name": self.product_name,
                "category": self.category, "base_unit": self.base_unit,
                "on_hand": self.on_hand, "value_idr": self.value_idr}


_NAMES = """
SELECT l.i, l.c, l.warehouse_id, l.product_id, l.b0, l.b1, w.name, p.sku, p.name,
       p.category, p.base_unit
FROM ({balances}) l(i, c, warehouse_id, product_id, f0, f1, f2, b0, b1, b2)
LEFT JOIN products p ON p.product_id = l.product_id
LEFT JOIN warehouses w ON w.warehouse_id = l.warehouse_id
WHERE l.b2::numeric > 0 AND l.b0::numeric <= ${threshold}
ORDER BY l.i, l.c, l.warehouse_id, l.product_id
"""


async def low_stock_known_now(conn: DbConnection, sets: Sequence[KnownNow], threshold: int
                              ) -> list[tuple[int, LowStock]]:
    """Per set index, the low products of its cooperatives, every known fact counted, in
    the report's order (cooperative, warehouse, product)."""
    wanted = [s for s in sets if s.cooperatives]
    if not wanted:
        return []
    index = [n for n, s in enumerate(sets) if s.cooperatives]
    args: list[Any] = []
    for s in wanted:
        args += [list(s.cooperatives), s.start, s.as_of, s.end]
    sql = _NAMES.format(balances=known_now_sql(STOCK_KEYS, wanted, flows=False),
                        threshold=len(args) + 1)
    return [(index[r[0]], LowStock(r[1], r[2], r[3], int(r[4]), int(r[5]), r[6], r[7], r[8],
                                   r[9], r[10]))
            for r in await conn.fetch(sql, *args, threshold)]


async def names_of(conn: DbConnection, keys: Iterable[tuple[str, str]]
                   ) -> dict[tuple[str, str], tuple[str | None, ...]]:
    """(warehouse, product) -> (warehouse name, sku, product name, category, unit)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = await conn.fetch(
        "SELECT k.w, k.p, w.name, p.sku, p.name, p.category, p.base_unit "
        "FROM unnest($1::text[], $2::text[]) AS k(w, p) "
        "LEFT JOIN products p ON p.product_id = k.p "
        "LEFT JOIN warehouses w ON w.warehouse_id = k.w",
        [w for w, _ in wanted], [p for _, p in wanted])
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}

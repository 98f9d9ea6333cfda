"""The API's pool skips asyncpg's reset query but still ends what a connection left open."""

from __future__ import annotations

import pytest
from inventory_api_support import JWT_KEY

from gotong_platform.migrations import upgrade
from inventory.adapters.till import LOAD_PLACE
from inventory.main import create_api_pool
from inventory.settings import InventorySettings

pytestmark = pytest.mark.integration


async def test_a_released_connection_comes_back_without_the_transaction_it_left_open(
    database_factory,  # type: ignore[no-untyped-def]
) -> None:
    dsn = await database_factory("inventory")
    pool = await create_api_pool(
        InventorySettings(database_url=dsn, jwt_key=JWT_KEY, pool_max_size=1))
    try:
        async with pool.acquire() as conn:
            await conn.execute("BEGIN; CREATE TABLE left_open (n int)")
        async with pool.acquire() as conn:  # the same connection: the pool holds one
            assert not conn.is_in_transaction()
            assert await conn.fetchval("SELECT to_regclass('left_open')::text") is None
            assert await conn.fetchval("SELECT '{\"a\": 1}'::jsonb") == {"a": 1}  # codecs
    finally:
        await pool.close()


async def test_the_sale_load_probes_by_key_on_a_generic_plan_over_small_tables(
    database_factory,  # type: ignore[no-untyped-def]
) -> None:
    """The API's pool forces generic plans; made while the tables are nearly empty, the
    sale's load must still read events, products, levels and entries by key (a join here
    once became sequential scans of ``events`` on every sale)."""
    dsn = await database_factory("inventory")
    settings = InventorySettings(database_url=dsn, jwt_key=JWT_KEY, pool_max_size=1)
    await upgrade(settings.database_url, settings.migrations_dir)
    pool = await create_api_pool(settings)
    try:
        async with pool.acquire() as conn:
            assert await conn.fetchval("SHOW plan_cache_mode") == "force_generic_plan"
            await conn.execute(f"PREPARE load_place(text, text[], text[], text[]) AS {LOAD_PLACE}")
            plan = "\n".join(r[0] for r in await conn.fetch(
                "EXPLAIN EXECUTE load_place('warehouse-x', ARRAY['product-a', 'product-b'],"
                " ARRAY['stock-warehouse-x--product-a', 'stock-warehouse-x--product-b'],"
                " ARRAY['sale-y/1'])"))
    finally:
        await pool.close()
    assert "$1" in plan, plan  # a generic plan indeed
    assert "Seq Scan" not in plan, plan
    entries = plan[plan.index("on stock_ledger_entries"):]
    assert "entry_id = " in entries.split("->")[0], plan  # by the whole key

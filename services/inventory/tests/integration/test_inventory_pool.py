"""The API's pool skips asyncpg's reset query but still ends what a connection left open."""

from __future__ import annotations

from inventory_api_support import JWT_KEY

from inventory.main import create_api_pool
from inventory.settings import InventorySettings


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

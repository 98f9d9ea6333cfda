"""Schema migrations with Alembic (no ORM), applied when a process starts.

Each service keeps plain-SQL revisions in its own ``migrations/`` folder whose
``env.py`` calls ``run_migrations_in_env``. Alembic runs on SQLAlchemy's
asyncpg dialect, so no second PostgreSQL driver is needed. A transaction-level
advisory lock makes concurrent starts (API and relay together) take turns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.util import await_only

__all__ = [
    "create_platform_tables",
    "execute_script",
    "run_migrations_in_env",
    "sqlalchemy_url",
    "upgrade",
]

_MIGRATION_LOCK_KEY = 0x60706F6E67_02


def sqlalchemy_url(dsn: str) -> str:
    """``postgresql://...`` as SQLAlchemy's asyncpg dialect spells it."""
    for prefix in ("postgresql://", "postgres://"):
        if dsn.startswith(prefix):
            return "postgresql+asyncpg://" + dsn.removeprefix(prefix)
    return dsn


def _upgrade(connection: Connection, cfg: Config) -> None:
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


async def upgrade(dsn: str, script_location: Path) -> None:
    """Bring the database at ``dsn`` to the newest revision in ``script_location``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    engine = create_async_engine(sqlalchemy_url(dsn), poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_KEY})"))
            await conn.run_sync(_upgrade, cfg)
    finally:
        await engine.dispose()


def run_migrations_in_env(context: Any) -> None:
    """The body of every service's ``env.py``: run on the connection we were given."""
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()


def execute_script(sql: str) -> None:
    """Run a multi-statement SQL script inside an Alembic revision.

    ``op.execute`` goes through a prepared statement, which PostgreSQL allows
    only one command; asyncpg's plain ``execute`` (simple query protocol) takes
    a whole script. We are inside SQLAlchemy's greenlet here, so ``await_only``
    can drive the coroutine.
    """
    from alembic import op

    raw = op.get_bind().connection.dbapi_connection
    if raw is None:
        raise RuntimeError("no database connection for the migration")
    await_only(raw.driver_connection.execute(sql))


def create_platform_tables(*, consumer: bool = False, devices: bool = False) -> None:
    """Create the platform's tables inside a service's first revision, in one order.

    Every service that appends events gets the event store with its outbox and the
    Idempotency-Keys; with ``consumer``, the positions of the events it consumes and the
    local members directory its consumer keeps; with ``devices``, the facts field devices
    upload through ``/sync``.
    """
    # Imported here: the outbox relay's process imports this module for ``upgrade`` and
    # needs neither the HTTP edge nor the sync package.
    from gotong_platform.directory import DIRECTORY_DDL
    from gotong_platform.eventstore import CONSUMER_V1, EVENT_STORE_V1
    from gotong_platform.http.idempotency import IDEMPOTENCY_DDL
    from gotong_platform.sync import DEVICE_SYNC_DDL

    execute_script(EVENT_STORE_V1)
    execute_script(IDEMPOTENCY_DDL)
    if consumer:
        execute_script(CONSUMER_V1)
        execute_script(DIRECTORY_DDL)
    if devices:
        execute_script(DEVICE_SYNC_DDL)

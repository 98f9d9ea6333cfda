"""Composition root of the inventory service: ``create_app(settings)``.

The lifespan owns every resource (migrations, pool) and releases it on shutdown.
Nothing is built at import.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from fastapi import FastAPI

from gotong_platform.auth import TokenVerifier, verifier_from_settings
from gotong_platform.calendar import Clock, SystemClock
from gotong_platform.db import init_connection
from gotong_platform.directory import Directory
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.http.service import from_environment, install_platform
from gotong_platform.migrations import upgrade
from gotong_platform.telemetry import PlatformMetrics, configure_logging, configure_tracing
from inventory.adapters.repository import InventoryRepository
from inventory.application.catalogue import CatalogueService
from inventory.application.sales import SalesService
from inventory.application.stock import StockService
from inventory.application.transfers import TransferService
from inventory.entrypoints.api import AppContext, build_router
from inventory.settings import InventorySettings

__all__ = ["create_api_pool", "create_app", "event_store", "token_verifier"]


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Nothing to reset when a connection goes back to the API's pool."""


async def create_api_pool(settings: InventorySettings) -> asyncpg.Pool:
    """The API's pool (JSON codecs as ``gotong_platform.db.create_pool``).

    On release asyncpg still rolls back a transaction left open, but skips its default
    reset query (``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``): one round
    trip per command, and the API never takes session advisory locks, opens cursors,
    listens or changes session settings on these connections.

    Statements run on generic plans (``plan_cache_mode``): the big per-command statements
    (a sale's load, the append with its query rows) were re-planned on every execution,
    about 0.1-0.25 ms of PostgreSQL CPU per sale on a probe. Their per-key reads are
    written so a generic plan probes indexes whatever the table sizes when it was made
    (``test_inventory_pool`` checks the sale's load)."""
    pool = await asyncpg.create_pool(settings.database_url,
                                     min_size=min(2, settings.pool_max_size),
                                     max_size=settings.pool_max_size, init=init_connection,
                                     reset=_keep_session,
                                     server_settings={"plan_cache_mode": "force_generic_plan"})
    if pool is None:  # the stub allows None only for a pool that was never awaited
        raise RuntimeError("asyncpg returned no pool")
    return pool


def token_verifier(settings: InventorySettings) -> TokenVerifier:
    key = settings.jwt_key.get_secret_value() if settings.jwt_key else None
    return verifier_from_settings(key, settings.jwt_key_file,
                                  setting_prefix="GOTONG_INVENTORY_",
                                  max_lifetime=settings.max_token_lifetime())


def event_store(settings: InventorySettings, clock: Clock | None = None) -> PostgresEventStore:
    """The event store, on the service's clock (the system's unless a test sets one)."""
    return PostgresEventStore(source="inventory", topic=settings.topic,
                              clock=clock or SystemClock())


def create_app(settings: InventorySettings, *, clock: Clock | None = None) -> FastAPI:
    configure_logging(settings.log_level)
    configure_tracing("inventory", otlp_endpoint=settings.otlp_endpoint)
    metrics = PlatformMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await upgrade(settings.database_url, settings.migrations_dir)
        pool = await create_api_pool(settings)
        try:
            store = event_store(settings, clock)
            repo = InventoryRepository(store)
            # The local copy of the members directory, fed by the consumer. A registered
            # cooperative's place (regency, time zone) is kept a few seconds per process:
            # the tenancy check and the business date then cost no query.
            directory = Directory(pool, cache_ttl=settings.directory_cache_ttl_s)
            app.state.inventory = AppContext(
                pool=pool, catalogue=CatalogueService(repo), stock=StockService(repo),
                transfers=TransferService(repo), sales=SalesService(repo),
                clock=store.clock, directory=directory)
            app.state.cooperative_directory = directory
            yield
        finally:
            await pool.close()

    app = FastAPI(
        title="Gotong inventory service",
        version="0.1.0",
        description="Warehouses, catalogue and price lists, stock ledgers (lots, FEFO, "
                    "moving-average cost), the cooperative's shop, offline sync.",
        lifespan=lifespan,
    )
    return install_platform(
        app, source="inventory", verifier=token_verifier(settings), metrics=metrics,
        limits=settings.edge_limits(),
        pool=lambda: app.state.inventory.pool,
        routers=[build_router()])


# What each uvicorn worker builds (``python -m inventory api``).
app_from_environment = from_environment(create_app, InventorySettings)

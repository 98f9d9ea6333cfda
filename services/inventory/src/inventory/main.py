"""Composition root of the inventory service: ``create_app(settings)`` for the API and
``build_services(settings)`` for the consumer and maintenance commands.

Here the PostgreSQL adapters (``inventory.adapters``) are wired into the use cases
(``inventory.application``, which know them only by their ports). The lifespan owns
every resource (migrations, pool) and releases it on shutdown. Nothing is built at import.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from fastapi import FastAPI

from gotong_platform.auth import TokenVerifier
from gotong_platform.calendar import Clock, SystemClock
from gotong_platform.db import DbConnection
from gotong_platform.directory import Directory
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.http.service import from_environment, install_platform
from gotong_platform.migrations import upgrade
from gotong_platform.telemetry import PlatformMetrics, configure_logging, configure_tracing
from inventory.adapters.directory import LocalDirectory
from inventory.adapters.ledgers import PostgresStockLedgers
from inventory.adapters.listings import (
    PostgresCatalogueImages,
    PostgresListings,
    PostgresStorefronts,
)
from inventory.adapters.orders import PostgresOrders
from inventory.adapters.pool import create_api_pool as _create_pool
from inventory.adapters.products import PostgresProducts
from inventory.adapters.queries import Pool
from inventory.adapters.rebuild import rebuild_snapshots
from inventory.adapters.sales import PostgresSales
from inventory.adapters.till import PostgresTill
from inventory.adapters.transfers import PostgresTransferLines
from inventory.adapters.warehouses import PostgresWarehouses
from inventory.application.catalogue import CatalogueService
from inventory.application.clock import BusinessCalendar
from inventory.application.offline import OfflineFacts
from inventory.application.orders import ListPricing, OrdersService
from inventory.application.reactions import PaymentReactions
from inventory.application.sales import SalesService
from inventory.application.stock import StockService
from inventory.application.storefront import StorefrontService
from inventory.application.transfers import TransferService
from inventory.entrypoints.api import AppContext, routers
from inventory.entrypoints.consumer import ReactionsConsumer
from inventory.settings import InventorySettings

__all__ = [
    "Services",
    "build_services",
    "create_api_pool",
    "create_app",
    "event_store",
    "rebuild",
    "token_verifier",
]


@dataclass(frozen=True)
class Services:
    """The use cases, wired to the PostgreSQL adapters."""

    catalogue: CatalogueService
    stock: StockService
    transfers: TransferService
    sales: SalesService
    offline: OfflineFacts
    storefront: StorefrontService
    reactions: ReactionsConsumer  # the consumer's: ``reactions.handler()``
    calendar: BusinessCalendar
    orders: OrdersService


def build_services(settings: InventorySettings, clock: Clock | None = None) -> Services:
    """The use cases, on the service's clock (the system's unless a test sets one)."""
    store = event_store(settings, clock)
    warehouses, products = PostgresWarehouses(store), PostgresProducts(store)
    ledgers, sales = PostgresStockLedgers(store), PostgresSales(store)
    directory = LocalDirectory()
    calendar = BusinessCalendar(directory, store.clock)
    stock = StockService(warehouses, products, ledgers, directory)
    till = PostgresTill(store, products, ledgers)
    selling = SalesService(till, directory)
    return Services(
        catalogue=CatalogueService(warehouses, products), stock=stock,
        transfers=TransferService(warehouses, products, ledgers, PostgresTransferLines(),
                                  directory),
        sales=selling, offline=OfflineFacts(selling, stock, calendar),
        storefront=StorefrontService(PostgresListings(store), PostgresStorefronts(store),
                                     PostgresCatalogueImages(store), products, warehouses),
        reactions=ReactionsConsumer(PaymentReactions(sales, products, ledgers, calendar)),
        calendar=calendar,
        orders=OrdersService(till, PostgresOrders(store), ListPricing(),
                             timedelta(hours=settings.order_pay_within_h)))


async def rebuild(settings: InventorySettings, conn: DbConnection) -> int:
    """``rebuild_snapshots`` on the service's streams (``python -m inventory
    rebuild-snapshots``); the number of streams rewritten."""
    store = event_store(settings)
    return await rebuild_snapshots(conn, warehouses=PostgresWarehouses(store),
                                   products=PostgresProducts(store),
                                   ledgers=PostgresStockLedgers(store))


async def create_api_pool(settings: InventorySettings) -> Pool:
    """The API's pool (``inventory.adapters.pool``: generic plans, no reset query)."""
    return await _create_pool(settings.database_url, max_size=settings.pool_max_size)


def token_verifier(settings: InventorySettings) -> TokenVerifier:
    """The issuer\'s JWKS and/or the HS256 key (``ServiceSettings.token_verifier``)."""
    return settings.token_verifier()


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
            services = build_services(settings, clock)
            # The local copy of the members directory, fed by the consumer. A registered
            # cooperative's place (regency, time zone) is kept a few seconds per process:
            # the tenancy check and the business date then cost no query.
            directory = Directory(pool, cache_ttl=settings.directory_cache_ttl_s)
            app.state.inventory = AppContext(
                pool=pool, catalogue=services.catalogue, stock=services.stock,
                transfers=services.transfers, sales=services.sales, offline=services.offline,
                storefront=services.storefront,
                clock=services.calendar.clock, directory=directory,
                orders=services.orders)
            app.state.cooperative_directory = directory
            app.state.public_url = settings.public_url
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
        routers=routers)


# What each uvicorn worker builds (``python -m inventory api``).
app_from_environment = from_environment(create_app, InventorySettings)

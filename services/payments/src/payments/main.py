"""Composition root of the payments service: ``create_app(settings)`` and ``build_services``.

The lifespan owns every resource (migrations, pool, telemetry) and releases it on
shutdown. The consumer process builds the same services (``build_services``). Nothing
is built at import.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from gotong_platform.auth import TokenVerifier
from gotong_platform.calendar import Clock, SystemClock
from gotong_platform.db import create_pool
from gotong_platform.directory import Directory
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.http.service import from_environment, install_platform
from gotong_platform.migrations import upgrade
from gotong_platform.telemetry import PlatformMetrics, configure_logging, configure_tracing
from payments.adapters.directory import LocalDirectory
from payments.adapters.loan_repository import LoanRepository
from payments.adapters.queries import MemberRecordsReader
from payments.adapters.records_repository import RecordsRepository
from payments.adapters.savings_repository import SavingsRepository
from payments.application.calendar import BusinessCalendar
from payments.application.exit_refunds import ExitRefunds
from payments.application.loan_service import LoanService
from payments.application.offline import OfflineFacts
from payments.application.payouts import ProducePayouts
from payments.application.reactions import Reactions
from payments.application.savings_service import SavingsService
from payments.entrypoints import api
from payments.entrypoints.consumer import ReactionsConsumer
from payments.entrypoints.deps import AppContext
from payments.settings import PaymentsSettings

__all__ = ["Services", "app_from_environment", "build_services", "create_app", "token_verifier"]



@dataclasses.dataclass(frozen=True)
class Services:
    """The use cases wired to their adapters; ``reactions`` is the consumer's handler and
    ``savings_accounts`` the savings repository itself (``rebuild-savings``)."""

    calendar: BusinessCalendar
    savings: SavingsService
    loans: LoanService
    offline: OfflineFacts
    refunds: ExitRefunds
    reactions: ReactionsConsumer
    savings_accounts: SavingsRepository
    store: PostgresEventStore


def build_services(settings: PaymentsSettings, clock: Clock | None = None) -> Services:
    """The use cases, on the service's clock (the system's unless a test sets one)."""
    clock = clock or SystemClock()
    store = PostgresEventStore(source="payments", topic=settings.topic, clock=clock)
    directory = LocalDirectory()
    calendar = BusinessCalendar(directory, clock)
    records = RecordsRepository(store)
    savings_accounts = SavingsRepository(store)
    savings = SavingsService(savings_accounts, records, clock)
    loans = LoanService(LoanRepository(store), directory, calendar)
    refunds = ExitRefunds(savings, loans, records)
    reactions = Reactions(savings=savings, sale_payments=records,
                          payouts=ProducePayouts(savings, loans, records), refunds=refunds,
                          directory=directory)
    return Services(calendar=calendar, savings=savings, loans=loans,
                    offline=OfflineFacts(savings, loans), refunds=refunds,
                    reactions=ReactionsConsumer(reactions), savings_accounts=savings_accounts,
                    store=store)


def token_verifier(settings: PaymentsSettings) -> TokenVerifier:
    """The issuer\'s JWKS and/or the HS256 key (``ServiceSettings.token_verifier``)."""
    return settings.token_verifier()


def create_app(settings: PaymentsSettings, *, clock: Clock | None = None) -> FastAPI:
    configure_logging(settings.log_level)
    configure_tracing("payments", otlp_endpoint=settings.otlp_endpoint)
    metrics = PlatformMetrics()
    clock = clock or SystemClock()
    services = build_services(settings, clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await upgrade(settings.database_url, settings.migrations_dir)
        pool = await create_pool(settings.database_url, max_size=settings.pool_max_size)
        try:
            app.state.payments = AppContext(pool=pool, calendar=services.calendar,
                                            savings=services.savings, loans=services.loans,
                                            offline=services.offline,
                                            refunds=services.refunds, clock=clock,
                                            records=MemberRecordsReader(services.store))
            # The local copy of the members directory (fed by the consumer) decides tenancy.
            app.state.members_api_url = settings.members_api_url  # the page's sign-in
            app.state.reporting_api_url = settings.reporting_api_url  # her SHU, her coop
            app.state.cooperative_directory = Directory(
                pool, cache_ttl=settings.directory_cache_ttl_s)
            yield
        finally:
            await pool.close()

    app = FastAPI(
        title="Gotong payments service",
        version="0.1.0",
        description="Simpanan (member savings), pinjaman (micro-loans), payments for shop "
        "sales, payouts for produce bought from members, and exit refunds.",
        lifespan=lifespan,
    )
    return install_platform(
        app, source="payments", verifier=token_verifier(settings), metrics=metrics,
        limits=settings.edge_limits(),
        pool=lambda: app.state.payments.pool,
        routers=api.routers)


# What each uvicorn worker builds (``python -m payments api``).
app_from_environment = from_environment(create_app, PaymentsSettings)

"""HTTP routes of the payments service. Routes translate; the domain decides.

Tenancy is enforced once per router: each route module's router is a
``cooperative_router``, so every route under ``/cooperatives/{cooperative_id}`` runs
``cooperative_scope`` first and answers 404 to a caller who may not see that
cooperative. Every command POST takes an ``Idempotency-Key`` through
``gotong_platform.http.runner.Runner`` (the offline sync deduplicates per item instead).
Domain errors become problem+json through the platform's handlers (422/409/404).
"""

from __future__ import annotations

from fastapi import APIRouter

from payments.entrypoints import (
    loans_api,
    member_page_routes,
    records_api,
    savings_api,
    statement_api,
)

__all__ = ["routers"]

routers: list[APIRouter] = [savings_api.router, loans_api.router, records_api.router,
                            statement_api.router, member_page_routes.router]

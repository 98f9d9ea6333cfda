"""HTTP routes of the payments service. Routes translate; the domain decides.

Tenancy is enforced once, at router level (``cooperative_scope`` over the local
members directory): every route under ``/cooperatives/{cooperative_id}`` answers
404 to a caller who may not see that cooperative. Every command POST takes an
``Idempotency-Key`` (the offline sync deduplicates per item instead). Domain
errors become problem+json through the platform's handlers (422/409/404).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from gotong_platform.http import cooperative_scope
from payments.entrypoints.deps import NOT_FOUND, AppContext
from payments.entrypoints.loans_api import loan_routes
from payments.entrypoints.records_api import records_routes
from payments.entrypoints.savings_api import savings_routes

__all__ = ["AppContext", "build_router"]


def build_router() -> APIRouter:
    router = APIRouter(prefix="/cooperatives/{cooperative_id}", responses=NOT_FOUND,
                       dependencies=[Depends(cooperative_scope)])
    savings_routes(router)
    loan_routes(router)
    records_routes(router)
    return router

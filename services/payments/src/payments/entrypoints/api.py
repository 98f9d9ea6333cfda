"""HTTP routes of the payments service. Routes translate; the domain decides.

Tenancy is enforced once, at router level (``cooperative_scope`` over the local
members directory): every route under ``/cooperatives/{cooperative_id}`` answers
404 to a caller who may not see that cooperative. Every command POST takes an
``Idempotency-Key`` through ``gotong_platform.http.runner.Runner`` (the offline sync
deduplicates per item instead). Domain errors become problem+json through the
platform's handlers (422/409/404).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from gotong_platform.http import cooperative_scope
from payments.entrypoints import loans_api, records_api, savings_api
from payments.entrypoints.deps import NOT_FOUND

__all__ = ["router"]

router = APIRouter(prefix="/cooperatives/{cooperative_id}", responses=NOT_FOUND,
                   dependencies=[Depends(cooperative_scope)])
router.include_router(savings_api.router)
router.include_router(loans_api.router)
router.include_router(records_api.router)

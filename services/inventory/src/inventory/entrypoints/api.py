"""HTTP routes of the inventory service. Routes translate; the domain decides.

Tenancy is enforced once, at router level (``cooperative_scope``): every route under
``/cooperatives/{cooperative_id}`` answers 404 to a caller who may not see that
cooperative, and a warehouse, product or sale of another cooperative is 404 too.
Every POST but ``/sync`` takes an ``Idempotency-Key``; ``/sync`` items carry their own
client ids. Roles: ``manage_setup`` for the catalogue, ``record_transaction`` for the
till and the stock movements.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from gotong_platform.http import cooperative_scope
from inventory.entrypoints import (
    catalogue_routes,
    sales_routes,
    stock_routes,
    sync_routes,
    transfer_routes,
)
from inventory.entrypoints.deps import NOT_FOUND, AppContext

__all__ = ["AppContext", "router"]

router = APIRouter(prefix="/cooperatives/{cooperative_id}", responses=NOT_FOUND,
                   dependencies=[Depends(cooperative_scope)])
router.include_router(catalogue_routes.router)
router.include_router(stock_routes.router)
router.include_router(transfer_routes.router)
router.include_router(sales_routes.router)
router.include_router(sync_routes.router)

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
from inventory.entrypoints.catalogue_routes import catalogue_routes
from inventory.entrypoints.deps import NOT_FOUND, AppContext
from inventory.entrypoints.sales_routes import sales_routes
from inventory.entrypoints.stock_routes import stock_routes
from inventory.entrypoints.sync_routes import sync_routes
from inventory.entrypoints.transfer_routes import transfer_routes

__all__ = ["AppContext", "build_router"]


def build_router() -> APIRouter:
    router = APIRouter(prefix="/cooperatives/{cooperative_id}", responses=NOT_FOUND,
                       dependencies=[Depends(cooperative_scope)])
    catalogue_routes(router)
    stock_routes(router)
    transfer_routes(router)
    sales_routes(router)
    sync_routes(router)
    return router

"""HTTP routes of the inventory service. Routes translate; the domain decides.

Tenancy is enforced once per router: each route module's router is a
``cooperative_router``, so every route under ``/cooperatives/{cooperative_id}`` runs
``cooperative_scope`` first and answers 404 to a caller who may not see that
cooperative; a warehouse, product or sale of another cooperative is 404 too.
Every POST but ``/sync`` takes an ``Idempotency-Key``; ``/sync`` items carry their own
client ids. Roles: ``manage_setup`` for the catalogue, ``record_transaction`` for the
till and the stock movements.
"""

from __future__ import annotations

from fastapi import APIRouter

from inventory.entrypoints import (
    catalogue_routes,
    order_routes,
    public_catalogue_routes,
    sales_routes,
    stock_routes,
    storefront_routes,
    sync_routes,
    transfer_routes,
)
from inventory.entrypoints.deps import AppContext

__all__ = ["AppContext", "routers"]

routers: list[APIRouter] = [catalogue_routes.router, stock_routes.router,
                            transfer_routes.router, sales_routes.router, sync_routes.router,
                            storefront_routes.router, public_catalogue_routes.router,
                            order_routes.router]

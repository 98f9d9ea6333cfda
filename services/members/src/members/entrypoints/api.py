"""The HTTP API of the members service: its routers, in the order they are served.

Routes translate; the domain decides. Tenancy is enforced once per router
(``cooperative_scope``): every route under ``/cooperatives/{cooperative_id}`` answers
404 to a caller who may not see that cooperative. Every POST takes an
``Idempotency-Key`` and runs its command through the platform's ``Runner`` (the public
sign-in routes through ``execute_command``, with keys scoped to the phone).
"""

from __future__ import annotations

from fastapi import APIRouter

from members.entrypoints import cooperative_routes, member_routes, sign_in_routes

__all__ = ["routers", "sign_in_router"]

routers: tuple[APIRouter, ...] = (
    cooperative_routes.federation,
    cooperative_routes.cooperative,
    member_routes.router,

)
# Served only when a code sender is set (``members.main``).
sign_in_router = sign_in_routes.router

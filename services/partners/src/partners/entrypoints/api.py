"""The HTTP API of the partner gateway: its routers, in the order they are served.

Routes translate; the domain decides. Tenancy is enforced once per router
(``cooperative_scope``) for the cooperatives' consents. Every POST takes an
``Idempotency-Key`` and runs its command through the platform's ``Runner``.
"""

from __future__ import annotations

from fastapi import APIRouter

from partners.entrypoints import (
    consent_routes,
    feed_routes,
    kafka_routes,
    oversight_routes,
    partner_routes,
    profile_routes,
    schema_routes,
    subscription_routes,
    webhook_routes,
)

__all__ = ["routers"]

routers: tuple[APIRouter, ...] = (
    partner_routes.router,
    consent_routes.router,
    feed_routes.router,
    profile_routes.router,
    oversight_routes.router,
    webhook_routes.router,
    subscription_routes.router,
    kafka_routes.partner_router,
    kafka_routes.federation_router,
    schema_routes.router,
)

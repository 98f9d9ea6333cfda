"""What the gateway's routes share: the app's context and the dependencies they take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from gotong_platform.calendar import Clock
from gotong_platform.http import Scope, cooperative_scope
from partners.adapters.queries import PartnersQueries
from partners.application.profiles import LenderProfiles
from partners.application.service import PartnersService
from partners.application.signed_requests import SignedRequests
from partners.application.subscriptions import Subscriptions
from partners.application.webhooks import WebhookSubscriptions

__all__ = ["NOT_FOUND", "AppContext", "Ctx", "ScopeDep"]


@dataclass(frozen=True)
class AppContext:
    """Built in the lifespan (``partners.main``): the use cases and the API's reads."""

    partners: PartnersService
    queries: PartnersQueries
    webhooks: WebhookSubscriptions
    subscriptions: Subscriptions
    signed: SignedRequests  # the partners' signed (SNAP) requests
    public_base_url: str  # the base of the schemas' ``$id`` and of each ``dataschema``
    profiles: LenderProfiles  # the lenders' profiles of the cooperatives
    clock: Clock  # the API's: "the last 24 hours" of the oversight
    # What a partner with a KAFKA subscription is told to connect to.
    kafka_partner_bootstrap: str = ""
    kafka_partner_security_protocol: str = "SASL_SSL"


async def _ctx(request: Request) -> AppContext:
    # async: FastAPI runs a plain ``def`` dependency in a worker thread, per request.
    ctx: AppContext = request.app.state.partners
    return ctx


Ctx = Annotated[AppContext, Depends(_ctx)]
ScopeDep = Annotated[Scope, Depends(cooperative_scope)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found or not visible"}}

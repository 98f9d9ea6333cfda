"""The staff's oversight of the partners: what the dashboard's partner pages read.

``GET /oversight/partners``, ``/oversight/consents`` and ``/oversight/deliveries`` answer
the federation office (every partner, every cooperative's consents, every subscription)
and a cooperative's admin (the partners that hold or held a consent of its cooperative,
its own consents, and each of those partners' deliveries as far as its own events go).
Any other role is 403: a regional officer, a clerk or a partner oversees no partner. A
cooperative admin naming another cooperative gets 404 ``cooperative-not-found``, as every
cooperative route answers it. Every list is a page: ``offset`` (0 to 100,000) and
``limit`` (1 to 200, default 50), with the ``total``; bad parameters are 422 problems.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import JSONResponse

from gotong_platform.auth import Principal, Role
from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem, PrincipalDep
from gotong_platform.http.runner import Runner
from gotong_platform.provenance import Provenance
from partners.domain.oversight import (
    ConsentState,
    delivery_status,
    partner_status,
    webhook_status,
)
from partners.entrypoints import oversight_schemas as s
from partners.entrypoints.deps import Ctx

__all__ = ["router"]

router = APIRouter(prefix="/oversight", tags=["oversight"], responses={
    403: {"description": "only the federation office and a cooperative's admin"},
    404: {"description": "a cooperative admin naming another cooperative"}})

FAILURE_WINDOW = timedelta(hours=24)
OFFSET_MAX = 100_000
LIMIT_MAX = 200

Offset = Annotated[int, Query(ge=0, le=OFFSET_MAX, description="rows to skip")]
Limit = Annotated[int, Query(ge=1, le=LIMIT_MAX, description="rows of the page")]
Id = Annotated[str | None, Query(min_length=1, max_length=100)]


def _scope(principal: Principal, cooperative_id: str | None = None) -> str | None:
    """The cooperative the caller oversees (None: the federation office, every one, or
    the one it names); 403 for a role that oversees none."""
    if principal.role is Role.FEDERATION_ADMIN:
        return cooperative_id
    if principal.role is Role.COOP_ADMIN and principal.cooperative_id:
        if cooperative_id is not None and cooperative_id != principal.cooperative_id:
            raise HTTPProblem(404, "Not Found", "cooperative not found",
                              "cooperative-not-found")
        return principal.cooperative_id
    raise HTTPProblem(403, "Forbidden", "only the federation office and a cooperative's "
                      "admin oversee partners", "forbidden")


def _page(items: list[dict[str, Any]], total: int, offset: int, limit: int
          ) -> dict[str, Any]:
    return {"items": items, "total": total, "offset": offset, "limit": limit}


@router.get("/partners", response_model=s.PartnerPage)
async def partners(ctx: Ctx, principal: PrincipalDep, offset: Offset = 0, limit: Limit = 50
                   ) -> dict[str, Any]:
    """Partners by name, with their consents (in force, revoked: of your cooperative, for
    a cooperative admin) and how their webhooks deliver."""
    rows, total = await ctx.queries.oversight.partners(_scope(principal), offset=offset,
                                               limit=limit)
    items = [{**row, "status": partner_status(row["consents_in_force"]),
              "delivery": delivery_status(webhooks=row["webhooks"],
                                          disabled=row["disabled"], failing=row["failing"]),
              "webhooks_disabled": row["disabled"], "webhooks_failing": row["failing"]}
             for row in rows]
    return _page(items, total, offset, limit)


@router.get("/consents", response_model=s.ConsentPage)
async def consents(ctx: Ctx, principal: PrincipalDep, cooperative_id: Id = None,
                   partner_id: Id = None, state: ConsentState = ConsentState.ALL,
                   offset: Offset = 0, limit: Limit = 50) -> dict[str, Any]:
    """Consents, the newest first, with who granted and who revoked each and when: every
    cooperative's (or the one named) for the federation office, a cooperative admin's
    own."""
    rows, total = await ctx.queries.oversight.consents(_scope(principal, cooperative_id),
                                               partner_id, state.value, offset=offset,
                                               limit=limit)
    return _page(rows, total, offset, limit)


@router.get("/deliveries", response_model=s.DeliveryPage)
async def deliveries(ctx: Ctx, principal: PrincipalDep, partner_id: Id = None,
                     offset: Offset = 0, limit: Limit = 50) -> dict[str, Any]:
    """Each subscription's delivery: enabled or disabled, the failures, the last error,
    the last event delivered, the events pending and the failed attempts of the last 24
    hours. A cooperative admin's figures count its own cooperative's events only, and it
    is not shown the webhook's URL."""
    scope = _scope(principal)
    rows, total = await ctx.queries.oversight.deliveries(
        scope, partner_id, since=ctx.clock.now() - FAILURE_WINDOW, offset=offset,
        limit=limit)
    items = [{**row, "sink": row["sink"] if scope is None else None,
              "status": webhook_status(enabled=row["enabled"], failures=row["failures"])}
             for row in rows]
    return _page(items, total, offset, limit)


@router.post("/deliveries/{subscription_id}/enable", response_model=s.DeliveryEnabledOut)
async def enable_delivery(subscription_id: str, ctx: Ctx, principal: PrincipalDep,
                          run: Runner) -> JSONResponse:
    """Re-enable a subscription's delivery the dispatcher disabled after persistent
    failures (the federation office only: the partner may also set it again). It resumes
    where it stood, at once: same sink, secret and position. 404 for a subscription with
    no pushed delivery, 409 ``delivery-not-disabled`` for one that is not disabled."""
    if principal.role is not Role.FEDERATION_ADMIN:
        raise HTTPProblem(403, "Forbidden", "only the federation office re-enables a "
                          "partner's delivery", "forbidden")

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        saved = await ctx.subscriptions.reenable(conn, subscription_id, provenance)
        return 200, s.DeliveryEnabledOut(subscription_id=saved.subscription_id,
                                          partner_id=saved.partner_id,
                                          enabled=True).model_dump(mode="json")

    return await run(work)

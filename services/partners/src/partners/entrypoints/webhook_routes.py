"""A partner's signed webhook: where its feed is pushed, and how the delivery stands.

The webhook is the partner's default HTTP subscription (``default_webhook_id``): setting
it here creates that subscription (every type, no filter) or moves its sink, and
``PUT /partner/subscriptions/{id}`` may narrow it with types and filters.

The partner's own token (role ``partner``), or its signed request (``partner_auth``),
names it. Setting the endpoint answers its
new ``whsec_`` secret once (keep it: it is never shown again), re-enables an endpoint the
dispatcher disabled, and may move the delivery to any position (a replay). Rotating the
secret (``POST /partner/webhook/secret``) answers a new one while the old keeps signing
too for a day, so the receiver can switch without a refused delivery. The delivery log
(``GET``) shows the latest attempts, never the secret.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import JSONResponse

from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem
from gotong_platform.provenance import Provenance
from partners.domain import default_webhook_id
from partners.entrypoints import schemas as s
from partners.entrypoints.deps import NOT_FOUND, Ctx
from partners.entrypoints.partner_auth import PartnerCallDep, PartnerRunnerDep, partner_call

__all__ = ["router"]

# Receiving its feed, pulled or pushed, is the partner's own business.
router = APIRouter(prefix="/partner/webhook", tags=["partner feed"], responses=NOT_FOUND,
                   dependencies=[Depends(partner_call)])


@router.post("", status_code=201, response_model=s.WebhookSetOut)
async def set_webhook(body: s.WebhookIn, call: PartnerCallDep, run: PartnerRunnerDep, ctx: Ctx
                      ) -> JSONResponse:
    """Push this partner's events to ``url``, signed with the secret answered here."""

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        endpoint = await ctx.webhooks.set_endpoint(conn, call.principal.subject, body.url,
                                                   body.from_position, provenance)
        return 201, s.WebhookSetOut(url=endpoint.url, secret=endpoint.secret,
                                    delivered_position=endpoint.delivered_position,
                                    enabled=True).model_dump(mode="json")

    return await run(work)


@router.post("/secret", status_code=201, response_model=s.WebhookSecretOut)
async def rotate_webhook_secret(call: PartnerCallDep, run: PartnerRunnerDep, ctx: Ctx
                                ) -> JSONResponse:
    """A new signing secret; for a day every request is signed with the old one too."""

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        endpoint = await ctx.webhooks.rotate_secret(conn, call.principal.subject)
        return 201, s.WebhookSecretOut.of(endpoint).model_dump(mode="json")

    return await run(work)


@router.get("", response_model=s.WebhookOut)
async def webhook(call: PartnerCallDep, ctx: Ctx,
                  attempts: Annotated[int, Query(ge=0, le=200)] = 20) -> dict[str, Any]:
    """The endpoint, where its delivery stands, and its latest attempts."""
    found = await ctx.queries.webhook(default_webhook_id(call.principal.subject),
                                      attempts=attempts)
    if found is None:
        raise HTTPProblem(404, "Not Found", "no webhook is set", "webhook-not-found")
    return found

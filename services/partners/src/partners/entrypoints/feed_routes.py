"""The pull feed: a partner reads its own events, after a position, page by page.

For partners that can run neither a Kafka client nor a public endpoint. The caller's
token (role ``partner``), or its signed request's X-PARTNER-ID (``partner_auth``), names
the partner: a partner can only ever read its own feed. Each item is a CloudEvent
(structured JSON mode) with its ``position`` in the feed; ``next_after`` is the cursor of
the next page.

Subscriptions narrow the feed, never widen it: ``?subscription=<id>`` serves what that
subscription selects; without it, a partner with ``GOTONG-PULL`` subscriptions reads
what any of them selects, and one without reads its whole feed, as before
subscriptions existed. Events not selected are read past: ``next_after`` moves beyond
them even when the page is empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from gotong_platform.http import HTTPProblem
from partners.domain import Selector, parse_filters, selects
from partners.entrypoints import schemas as s
from partners.entrypoints.deps import Ctx
from partners.entrypoints.partner_auth import PartnerCallDep, partner_call

__all__ = ["router"]

router = APIRouter(prefix="/partner", tags=["partner feed"],
                   dependencies=[Depends(partner_call)])


@router.get("/feed", response_model=s.FeedPage, responses={
    404: {"description": "no subscription of yours has the id in ?subscription="}})
async def feed(
    ctx: Ctx, call: PartnerCallDep,
    after: Annotated[int, Query(ge=0, le=2**62, description="the last position read")] = 0,
    limit: Annotated[int, Query(ge=1, le=500, description="the most events in the page")] = 100,
    subscription: Annotated[str | None, Query(
        max_length=100, description="only what this subscription of yours selects; left "
        "out: what your GOTONG-PULL subscriptions select, or everything when you have "
        "none")] = None,
) -> dict[str, Any]:
    """The partner's events after position ``after``, oldest first: those its consents
    let it receive and its subscription(s) select."""
    partner = call.principal.subject
    if subscription is not None:
        row = await ctx.queries.subscription(partner, subscription)
        if row is None:
            raise HTTPProblem(404, "Not Found", "You have no subscription with this id.",
                              "subscription-not-found")
        rows = [row]
    else:
        rows = await ctx.queries.pull_selections(partner)
    selectors = [Selector(source=r["source"], types=tuple(r["types"]),
                          filters=parse_filters(r["filters"])) for r in rows]

    def wanted(event: Mapping[str, Any]) -> bool:
        return any(selects(selector, event) for selector in selectors)

    items, cursor = await ctx.queries.feed(partner, after=after, limit=limit,
                                           wanted=wanted if selectors else None)
    return {"items": items, "next_after": cursor}

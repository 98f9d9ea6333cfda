"""The pull feed: a partner reads its own events, after a position, page by page.

For partners that can run neither a Kafka client nor a public endpoint. The caller's
token (role ``partner``), or its signed request's X-PARTNER-ID (``partner_auth``), names
the partner: a partner can only ever read its own feed. Each item is a CloudEvent
(structured JSON mode) with its ``position`` in the feed; ``next_after`` is the cursor of
the next page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from partners.entrypoints import schemas as s
from partners.entrypoints.deps import Ctx
from partners.entrypoints.partner_auth import PartnerCallDep, partner_call

__all__ = ["router"]

router = APIRouter(prefix="/partner", tags=["partner feed"],
                   dependencies=[Depends(partner_call)])


@router.get("/feed", response_model=s.FeedPage)
async def feed(
    ctx: Ctx, call: PartnerCallDep,
    after: Annotated[int, Query(ge=0, le=2**62, description="the last position read")] = 0,
    limit: Annotated[int, Query(ge=1, le=500, description="the most events in the page")] = 100,
) -> dict[str, Any]:
    """The partner's events after position ``after``, oldest first."""
    items = await ctx.queries.feed(call.principal.subject, after=after, limit=limit)
    return {"items": items, "next_after": items[-1]["position"] if items else after}

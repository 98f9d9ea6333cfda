"""The pull feed: a partner reads its own events, after a position, page by page.

For partners that can run neither a Kafka client nor a public endpoint. The caller's
token (role ``partner``) names the partner: its subject is the partner id, so a partner
can only ever read its own feed. Each item is a CloudEvent (structured JSON mode) with
its ``position`` in the feed; ``next_after`` is the cursor of the next page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from gotong_platform.auth import Action
from gotong_platform.http import PrincipalDep, require_action
from partners.entrypoints import schemas as s
from partners.entrypoints.deps import Ctx

__all__ = ["router"]

router = APIRouter(prefix="/partner", tags=["partner feed"],
                   dependencies=[Depends(require_action(Action.READ_PARTNER_FEED))])


@router.get("/feed", response_model=s.FeedPage)
async def feed(
    ctx: Ctx, principal: PrincipalDep,
    after: Annotated[int, Query(ge=0, le=2**62, description="the last position read")] = 0,
    limit: Annotated[int, Query(ge=1, le=500, description="the most events in the page")] = 100,
) -> dict[str, Any]:
    """The partner's events after position ``after``, oldest first."""
    items = await ctx.queries.feed(principal.subject, after=after, limit=limit)
    return {"items": items, "next_after": items[-1]["position"] if items else after}

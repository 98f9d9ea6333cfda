"""A lender's profile of a cooperative: the trend of its published months.

``GET /partner/cooperatives/{cooperative_id}/profile?months=12`` (the partner's token or
signed request, like every partner route): the last ``months`` (1 to 36) months'
omzet, savings balance, loans outstanding, PAR30 and active members, with their
freshness, as far as the partner's ``monthly_kpis`` consents in force cover them. No
such consent is 404 ``cooperative-not-found``, whether the cooperative exists or not.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from gotong_platform.http import HTTPProblem
from partners.domain.profile import MONTHS_MAX
from partners.entrypoints import schemas as s
from partners.entrypoints.deps import Ctx
from partners.entrypoints.partner_auth import PartnerCallDep, partner_call

__all__ = ["router"]

router = APIRouter(prefix="/partner", tags=["partner profiles"],
                   dependencies=[Depends(partner_call)])


@router.get("/cooperatives/{cooperative_id}/profile", response_model=s.CooperativeProfile,
            responses={404: {"description": "no consent in force of yours names "
                                            "monthly_kpis for this cooperative"}})
async def cooperative_profile(
    ctx: Ctx, call: PartnerCallDep,
    cooperative_id: Annotated[str, Path(min_length=1, max_length=100)],
    months: Annotated[int, Query(ge=1, le=MONTHS_MAX, description=(
        "how many months, ending with the newest your consents cover"))] = 12,
) -> dict[str, Any]:
    """The cooperative's monthly trend and its freshness, as your consents allow."""
    profile = await ctx.profiles.profile(call.principal.subject, cooperative_id, months)
    if profile is None:
        raise HTTPProblem(404, "Not Found", "No consent of yours lets you read this "
                          "cooperative's profile.", "cooperative-not-found")
    return profile

"""Routes of one cooperative's consents: its admin (pengurus) grants and revokes them.

Every route answers 404 to a caller who may not see the cooperative
(``cooperative_scope``, at router level); granting and revoking are the cooperative's
admin's (``grant_consent``), not the federation office's: the data is the cooperative's.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import JSONResponse

from gotong_platform.auth import Action
from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem, cooperative_scope, require_action
from gotong_platform.http.runner import Runner
from gotong_platform.provenance import Provenance
from partners.domain import GrantConsent, RevokeConsent
from partners.entrypoints import schemas as s
from partners.entrypoints.deps import NOT_FOUND, Ctx, ScopeDep

__all__ = ["router"]

router = APIRouter(prefix="/cooperatives/{cooperative_id}/consents", tags=["consents"],
                   responses=NOT_FOUND, dependencies=[Depends(cooperative_scope)])
_GRANT = [Depends(require_action(Action.GRANT_CONSENT))]


@router.post("", status_code=201, response_model=s.ConsentOut, dependencies=_GRANT)
async def grant(scope: ScopeDep, body: s.GrantConsentIn, run: Runner, ctx: Ctx
                ) -> JSONResponse:
    """Let a partner receive some categories of the cooperative's data."""
    command = GrantConsent(partner_id=body.partner_id, categories=tuple(body.categories),
                           from_date=body.from_date, include_history=body.include_history,
                           until_date=body.until_date)

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        saved = await ctx.partners.grant_consent(conn, scope.cooperative_id, command,
                                                 provenance)
        return 201, s.ConsentOut.of(*saved).model_dump(mode="json")

    return await run(work)


@router.get("", response_model=list[s.ConsentOut])
async def list_consents(scope: ScopeDep, ctx: Ctx) -> list[dict[str, Any]]:
    return await ctx.queries.consents(scope.cooperative_id)


@router.get("/{consent_id}", response_model=s.ConsentOut)
async def get_consent(scope: ScopeDep, consent_id: str, ctx: Ctx) -> dict[str, Any]:
    row = await ctx.queries.consent(scope.cooperative_id, consent_id)
    if row is None:
        raise HTTPProblem(404, "Not Found", "consent not found", "consent-not-found")
    return row


@router.post("/{consent_id}/revoke", response_model=s.ConsentOut, dependencies=_GRANT)
async def revoke(scope: ScopeDep, consent_id: str, body: s.RevokeConsentIn, run: Runner,
                 ctx: Ctx) -> JSONResponse:
    """Withdraw the consent: from now on the partner receives nothing under it."""
    command = RevokeConsent(reason=body.reason)

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        saved = await ctx.partners.revoke_consent(conn, scope.cooperative_id, consent_id,
                                                  command, provenance)
        return 200, s.ConsentOut.of(*saved).model_dump(mode="json")

    return await run(work)

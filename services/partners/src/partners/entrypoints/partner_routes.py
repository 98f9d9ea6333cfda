"""Routes of the federation's partner registry: the federation office registers partners.

Partners are listed to the platform's staff (a cooperative's admin picks one to consent
to); their contacts are personal data, shown to the federation office only. A partner's
token reads none of this: it reads its feed.

The federation office also registers the public key each partner's signed (SNAP)
requests are verified with (``POST /partners/{id}/keys``); a second key rotates: the one
it replaces keeps verifying for a day.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import JSONResponse

from gotong_platform.auth import Action, Principal, Role
from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem, PrincipalDep, require_action
from gotong_platform.http.runner import Runner
from gotong_platform.provenance import Provenance
from partners.domain import Contact, PartnerKind, RegisterPartner
from partners.entrypoints import schemas as s
from partners.entrypoints.deps import NOT_FOUND, Ctx

__all__ = ["router"]

router = APIRouter(prefix="/partners", tags=["partners"], responses=NOT_FOUND)
_REGISTER = [Depends(require_action(Action.REGISTER_PARTNER))]


def _visible(partner: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """Contacts and who registered the partner are for the federation office only."""
    if principal.role is not Role.FEDERATION_ADMIN:
        partner["contacts"] = None
        partner["registered_by"] = None
    return partner


def _staff(principal: Principal) -> None:
    if principal.role is Role.PARTNER:
        raise HTTPProblem(404, "Not Found", "partner not found", "partner-not-found")


@router.post("", status_code=201, response_model=s.PartnerOut, dependencies=_REGISTER)
async def register(body: s.RegisterPartnerIn, run: Runner, ctx: Ctx) -> JSONResponse:
    """Register a partner (federation admin). Its id is the subject of its tokens."""
    command = RegisterPartner(
        name=body.name, kind=PartnerKind(body.kind),
        contacts=tuple(Contact(name=c.name, email=c.email, phone=c.phone, role=c.role)
                       for c in body.contacts))

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        saved = await ctx.partners.register_partner(conn, command, provenance)
        return 201, s.PartnerOut.of(*saved).model_dump(mode="json")

    return await run(work)


@router.post("/{partner_id}/keys", status_code=201, response_model=s.SigningKeyRegisteredOut,
             dependencies=_REGISTER)
async def register_signing_key(partner_id: str, body: s.SigningKeyIn, run: Runner, ctx: Ctx
                               ) -> JSONResponse:
    """Verify the partner's signed requests with this public key from now on (federation
    admin). When it replaces one, the replaced key keeps verifying for a day."""

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        saved = await ctx.partners.register_signing_key(conn, partner_id, body.public_key_pem,
                                                        provenance)
        return 201, s.SigningKeyRegisteredOut.of(*saved).model_dump(mode="json")

    return await run(work)


@router.get("/{partner_id}/keys", response_model=list[s.SigningKeyOut])
async def signing_keys(partner_id: str, ctx: Ctx, principal: PrincipalDep
                       ) -> list[dict[str, Any]]:
    """Every public key registered for the partner, the newest first."""
    _staff(principal)
    if await ctx.queries.partner(partner_id) is None:
        raise HTTPProblem(404, "Not Found", "partner not found", "partner-not-found")
    return await ctx.queries.signing_keys(partner_id)


@router.get("", response_model=list[s.PartnerOut])
async def list_partners(ctx: Ctx, principal: PrincipalDep) -> list[dict[str, Any]]:
    _staff(principal)
    return [_visible(row, principal) for row in await ctx.queries.partners()]


@router.get("/{partner_id}", response_model=s.PartnerOut)
async def get_partner(partner_id: str, ctx: Ctx, principal: PrincipalDep) -> dict[str, Any]:
    _staff(principal)
    row = await ctx.queries.partner(partner_id)
    if row is None:
        raise HTTPProblem(404, "Not Found", "partner not found", "partner-not-found")
    return _visible(row, principal)

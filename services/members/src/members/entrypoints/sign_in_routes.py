"""A member's sign-in: a one-time code to her phone, exchanged for her bearer tokens.

Public routes (no bearer token): the phone is the credential. They are served only
when a code sender is set (``GOTONG_MEMBERS_SIGN_IN_SENDER``); otherwise they do not
exist. Each POST takes an ``Idempotency-Key``, scoped to the phone's keyed hash, and
runs through the platform's ``execute_command``: a retry over a poor connection gets
the first answer, and sends no second code. The code is sent after the transaction that
recorded its digest has committed, never for a replay.

Every refusal of a code is the same 401 (``sign-in-code-invalid``): wrong, expired, used
or guessed too often, and also "no code was ever sent to this phone", which would
otherwise tell a stranger which phones belong to members. A wrong guess is counted in
the transaction that answers it, so the 401 is a stored answer, not a rollback.

The tokens are not stored with the answer (the idempotency table would then hold
bearer tokens in clear): the answer keeps when they were issued, and each response,
the first and every replay, mints them from the memberships and that instant. HS256 is
deterministic, so a replay gets the very same tokens, and none outlives its expiry.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from gotong_platform.auth import Principal, Role
from gotong_platform.commands import execute_command
from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem
from gotong_platform.http.idempotency import REPLAYED_HEADER, IdempotencyRequest, idempotency_key
from gotong_platform.http.responses import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE
from members.application.sign_in import CodeSender, PendingCode
from members.domain.sign_in import CodeCheck, SignInRateLimited
from members.entrypoints import schemas as s
from members.entrypoints.deps import AppContext, Ctx

__all__ = ["router"]

router = APIRouter(prefix="/member-sign-in", tags=["member sign-in"])
Idempotency = Annotated[IdempotencyRequest, Depends(idempotency_key)]
_INVALID_CODE = "sign-in-code-invalid"


@router.post("/codes", status_code=202, response_model=s.CodeRequestOut,
             responses={429: {"description": "too many codes for this phone or address"}})
async def request_code(body: s.CodeRequestIn, request: Request, key: Idempotency, ctx: Ctx
                       ) -> JSONResponse:
    """Send a one-time code to the phone, if a member signs in with it (the answer is the
    same either way)."""
    sign_in = ctx.sign_in
    sender = _sender(ctx)
    client = sign_in.client_address(request)
    pending: list[PendingCode | None] = []

    async def work(conn: DbConnection) -> tuple[int, Any]:
        try:
            pending.append(await sign_in.service.request_code(conn, body.phone, client))
        except SignInRateLimited as exc:
            raise HTTPProblem(429, "Too Many Requests", exc.detail, exc.code,
                              headers={"Retry-After": str(exc.retry_after_s)}) from exc
        rules = sign_in.service.rules
        return 202, s.CodeRequestOut(
            expires_in_s=int(rules.code_ttl.total_seconds()),
            resend_after_s=int(rules.phone_min_interval.total_seconds())).model_dump()

    answer = await execute_command(ctx.queries.pool, scope=_scope(ctx, body.phone),
                                   idempotency=key, work=work)
    code = pending[-1] if pending else None
    if code is not None and answer.headers.get(REPLAYED_HEADER) != "true":
        await sender.send(code.phone, code.code)
    return answer


@router.post("/tokens", response_model=s.SignInOut,
             responses={401: {"description": "the code is wrong, expired or used up"}})
async def exchange_code(body: s.CodeExchangeIn, key: Idempotency, ctx: Ctx) -> JSONResponse:
    """Exchange the code for a bearer token per membership the phone opens."""
    sign_in = ctx.sign_in
    _sender(ctx)

    async def work(conn: DbConnection) -> tuple[int, Any]:
        result = await sign_in.service.exchange(conn, body.phone, body.code)
        if result.check is not CodeCheck.ACCEPTED:
            return 401, _invalid_code()
        # The wall clock, as the platform's tokens live in real time (auth.tokens).
        issued_at = int(datetime.now(UTC).timestamp())
        return 200, {"issued_at": issued_at,
                     "memberships": [m.__dict__ for m in result.memberships]}

    answer = await execute_command(ctx.queries.pool, scope=_scope(ctx, body.phone),
                                   idempotency=key, work=work)
    stored = orjson.loads(answer.body)
    headers = {REPLAYED_HEADER: "true"} if answer.headers.get(REPLAYED_HEADER) else {}
    if answer.status_code != 200:
        return JSONResponse(stored, status_code=answer.status_code, headers=headers,
                            media_type=PROBLEM_MEDIA_TYPE)
    issued = datetime.fromtimestamp(stored["issued_at"], UTC)
    ttl = sign_in.token_ttl
    out = s.SignInOut(memberships=[
        s.MembershipOut(**m, token=_token(ctx, m, issued, ttl),
                        expires_at=int((issued + ttl).timestamp()))
        for m in stored["memberships"]])
    return JSONResponse(out.model_dump(mode="json"), headers=headers)


def _sender(ctx: AppContext) -> CodeSender:
    # The routes are served only when a sender is set (``members.main``).
    if ctx.sign_in.sender is None:
        raise RuntimeError("the sign-in routes are served without a code sender")
    return ctx.sign_in.sender


def _scope(ctx: AppContext, phone: str) -> str:
    """Idempotency keys per phone (its keyed hash; 422 for a number that is none)."""
    return f"sign-in:{ctx.sign_in.service.phone_hash(phone)}"


def _token(ctx: AppContext, membership: dict[str, Any], issued: datetime, ttl: timedelta) -> str:
    principal = Principal(subject=membership["member_id"], role=Role.MEMBER,
                          cooperative_id=membership["cooperative_id"])
    token: str = ctx.sign_in.issuer.issue(principal, ttl=ttl, now=issued)
    return token


def _invalid_code() -> dict[str, Any]:
    return {"type": PROBLEM_TYPE_BASE + _INVALID_CODE, "title": "Unauthorized", "status": 401,
            "detail": "Kode salah atau sudah tidak berlaku. Periksa kodenya, atau minta kode "
                      "baru.",
            "code": _INVALID_CODE}

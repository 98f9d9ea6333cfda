"""Who calls a partner route (the pull feed, the webhook settings): the partner's bearer
token, or a request its gateway signed in the style of Bank Indonesia's SNAP.

A request that carries any of ``X-PARTNER-ID``, ``X-TIMESTAMP``, ``X-EXTERNAL-ID`` and
``X-SIGNATURE`` is a signed request: it must carry all four, and the signature alone
authenticates it, with the partner's registered public key (no bearer token needed: a
bank's SNAP gateway already signs every call). A bearer token sent beside it must be a
valid token of the same partner. Every refusal is a 401 problem whose ``code`` says
what to fix; the body also carries SNAP's ``responseCode`` and ``responseMessage``.

A signed read spends its X-EXTERNAL-ID here (a second use the same day is refused: a
replay); a signed command spends it as its Idempotency-Key (``partner_runner``): the
same id with the same body answers the first answer again, with another body 409.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.responses import JSONResponse

from gotong_platform.auth import (
    Action,
    InvalidToken,
    KeysUnavailable,
    Principal,
    Role,
    TokenVerifier,
    can_act,
)
from gotong_platform.http import (
    IDEMPOTENCY_KEY_HEADER,
    HTTPProblem,
    IdempotencyKeyReused,
    IdempotencyRequest,
    current_principal,
    idempotency_key,
    request_hash,
)
from gotong_platform.http.ratelimit import RateLimiter
from gotong_platform.http.runner import CommandRunner, Correlation, Work
from gotong_platform.provenance import CommandMeta, Provenance
from partners.application.signed_requests import SignedCaller
from partners.domain import SignedRequestRefused, SnapTokenMismatch, snap_headers
from partners.entrypoints.deps import Ctx

__all__ = ["PartnerCall", "PartnerCallDep", "PartnerRunner", "PartnerRunnerDep",
           "partner_call", "partner_runner"]

_bearer = HTTPBearer(auto_error=False)
_READS = frozenset({"GET", "HEAD"})
_SIGNED = "on a signed (SNAP) request; see the partner guide, 'Signed requests (SNAP)'"

# SNAP's response codes: HTTP status, service code ("00": these are no SNAP service of
# BI's catalogue), case code.
_SNAP_UNAUTHORIZED = "4010000"
_SNAP_CONFLICT = "4090000"


@dataclass(frozen=True, slots=True)
class PartnerCall:
    """The partner calling, and how: ``signed`` is set for a signed request."""

    principal: Principal
    signed: SignedCaller | None = None


async def partner_call(
    request: Request, ctx: Ctx,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    x_partner_id: Annotated[str | None, Header(
        alias="X-PARTNER-ID", description=f"the partner's id, {_SIGNED}")] = None,
    x_timestamp: Annotated[str | None, Header(
        alias="X-TIMESTAMP", description="ISO 8601 with offset, within 5 minutes of the "
        f"gateway's clock, {_SIGNED}")] = None,
    x_external_id: Annotated[str | None, Header(
        alias="X-EXTERNAL-ID", description=f"unique per partner and day, {_SIGNED}")] = None,
    x_signature: Annotated[str | None, Header(
        alias="X-SIGNATURE", description=f"base64 SHA256withRSA or SHA256withECDSA, {_SIGNED}",
    )] = None,
) -> PartnerCall:
    """The partner calling: by its signed request, or else by its bearer token."""
    try:
        headers = snap_headers({"X-PARTNER-ID": x_partner_id, "X-TIMESTAMP": x_timestamp,
                                "X-EXTERNAL-ID": x_external_id, "X-SIGNATURE": x_signature})
        if headers is None:
            return PartnerCall(_partner(await current_principal(request, credentials)))
        body = await request.body()  # the edge's guard has read and bounded it already
        caller = await ctx.signed.authenticate(
            headers, method=request.method, endpoint_url=_endpoint_url(request), body=body)
        principal = Principal(subject=caller.partner_id, role=Role.PARTNER)
        if credentials is not None:
            await _same_partner(request, credentials.credentials, principal)
        _take_rate_limit(request, principal)
        if request.method in _READS:
            await ctx.signed.claim(caller, request_hash(request.method, request.url.path, body))
    except SignedRequestRefused as refused:
        raise HTTPProblem(401, "Unauthorized", str(refused), refused.code,
                          headers={"WWW-Authenticate": 'SNAP realm="gotong"'},
                          responseCode=_SNAP_UNAUTHORIZED,
                          responseMessage="Unauthorized. " + str(refused)) from None
    return PartnerCall(principal, caller)


PartnerCallDep = Annotated[PartnerCall, Depends(partner_call)]


def _partner(principal: Principal) -> Principal:
    if not can_act(principal, Action.READ_PARTNER_FEED):
        raise HTTPProblem(403, "Forbidden", "your role may not read partner feed", "forbidden")
    return principal


def _endpoint_url(request: Request) -> str:
    """SNAP's EndpointUrl: the path and its query string, as sent."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path
    query = request.scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{query}" if query else path


async def _same_partner(request: Request, token: str, signer: Principal) -> None:
    verifier = request.app.state.token_verifier
    if not isinstance(verifier, TokenVerifier):
        raise RuntimeError("app.state.token_verifier is not set to a TokenVerifier")
    try:
        principal = await verifier.verify_async(token)
    except (InvalidToken, KeysUnavailable) as exc:
        raise SnapTokenMismatch(f"The bearer token sent beside the signature is invalid "
                                f"({_reason(exc)}); send none, or a valid one.") from None
    if principal.role is not Role.PARTNER or principal.subject != signer.subject:
        raise SnapTokenMismatch("The bearer token sent beside the signature is not the "
                                "token of the partner in X-PARTNER-ID.")


def _reason(exc: InvalidToken | KeysUnavailable) -> str:
    return exc.reason if isinstance(exc, InvalidToken) else "its issuer's keys cannot be read"


def _take_rate_limit(request: Request, principal: Principal) -> None:
    """The per-caller limit a bearer request takes in ``current_principal``, the same."""
    limiter = getattr(request.app.state, "rate_limiter", None)
    if not isinstance(limiter, RateLimiter):
        return
    wait = limiter.acquire(principal.subject)
    if wait is not None:
        raise HTTPProblem(
            429, "Too Many Requests", f"too many requests from this caller; retry in {wait} s",
            "rate-limited", headers={"Retry-After": str(wait)})


@dataclass(frozen=True, slots=True)
class PartnerRunner:
    """The platform's ``Runner`` for a partner's command: keyed by its Idempotency-Key, or
    by its X-EXTERNAL-ID of the day when it is signed."""

    runner: CommandRunner
    signed: bool

    async def __call__(self, work: Work) -> JSONResponse:
        try:
            return await self.runner(work)
        except IdempotencyKeyReused:
            if not self.signed:
                raise
            raise HTTPProblem(
                409, "Conflict", "This X-EXTERNAL-ID was already used today for another "
                "request; use a new one for a new request.", "snap-external-id-conflict",
                responseCode=_SNAP_CONFLICT,
                responseMessage="Conflict. Cannot use same X-EXTERNAL-ID in same day"
            ) from None


async def partner_runner(
    request: Request, call: PartnerCallDep,
    key: Annotated[str | None, Header(
        alias=IDEMPOTENCY_KEY_HEADER,
        description="unique per command, reused on retry; not needed on a signed (SNAP) "
                    "request, whose X-EXTERNAL-ID takes its place")] = None,
    correlation: Correlation = None,
) -> PartnerRunner:
    """The request's ``PartnerRunner``, on the pool ``install_platform`` was given."""
    if call.signed is None:
        idempotency = await idempotency_key(request, key)
    else:
        idempotency = IdempotencyRequest(
            key=call.signed.replay_key,
            request_hash=request_hash(request.method, request.url.path, await request.body()))
    meta = CommandMeta.current(actor=call.principal.subject, command_id=idempotency.key,
                               correlation=correlation)
    runner = CommandRunner(request.app.state.command_pool(), call.principal, idempotency,
                           Provenance(meta))
    return PartnerRunner(runner, signed=call.signed is not None)


PartnerRunnerDep = Annotated[PartnerRunner, Depends(partner_runner)]

"""Authentication at the edge: ``Authorization: Bearer <token>`` to a ``Principal``.

The app's composition root stores the verifier on ``app.state.token_verifier`` and,
when the rate limit is on, a ``RateLimiter`` on ``app.state.rate_limiter``
(``install_platform`` does both); nothing here reads settings or keys. The rate limit
is taken here, once the caller is known: every authenticated route depends on
``current_principal``, and FastAPI runs it once per request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gotong_platform.auth.principal import Principal
from gotong_platform.auth.tokens import InvalidToken, KeysUnavailable, TokenVerifier
from gotong_platform.http.ratelimit import RateLimiter
from gotong_platform.http.responses import HTTPProblem

__all__ = ["PrincipalDep", "current_principal"]

# auto_error=False: FastAPI's own error is not a problem body; the scheme is
# still declared so OpenAPI documents the bearer requirement.
_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise _unauthorized("a bearer token is required", 'Bearer realm="gotong"')
    try:
        principal = await _verifier(request).verify_async(credentials.credentials)
    except KeysUnavailable as exc:
        # The issuer's keys were never read (it is down or unreachable): the token may be
        # fine, so this is ours to fix, not the caller's.
        raise HTTPProblem(503, "Service Unavailable",
                          "the signing keys of the token's issuer cannot be read; retry later",
                          "keys-unavailable", headers={"Retry-After": "30"}) from exc
    except InvalidToken as exc:
        # RFC 6750 §3: an invalid token is named in WWW-Authenticate.
        raise _unauthorized(exc.reason, 'Bearer realm="gotong", error="invalid_token"') from exc
    _take_rate_limit(request, principal)
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def _verifier(request: Request) -> TokenVerifier:
    verifier = getattr(request.app.state, "token_verifier", None)
    if not isinstance(verifier, TokenVerifier):
        # A wiring fault, not a client error: let it surface as a 500.
        raise RuntimeError("app.state.token_verifier is not set to a TokenVerifier")
    return verifier


def _take_rate_limit(request: Request, principal: Principal) -> None:
    limiter = getattr(request.app.state, "rate_limiter", None)
    if not isinstance(limiter, RateLimiter):
        return  # the limit is off (or the app was built without install_platform)
    wait = limiter.acquire(principal.subject)
    if wait is not None:
        raise HTTPProblem(
            429, "Too Many Requests", f"too many requests from this caller; retry in {wait} s",
            "rate-limited", headers={"Retry-After": str(wait)})


def _unauthorized(detail: str, challenge: str) -> HTTPProblem:
    return HTTPProblem(
        401, "Unauthorized", detail, "unauthorized", headers={"WWW-Authenticate": challenge}
    )

"""What the members routes share: the app's context and the dependencies they take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request

from gotong_platform.auth import TokenIssuer
from gotong_platform.http import Scope, cooperative_scope
from members.adapters.queries import MembersQueries
from members.application.service import MembersService
from members.application.sign_in import CodeSender, SignInService

__all__ = ["NOT_FOUND", "AppContext", "Ctx", "ScopeDep", "SignInEdge"]


@dataclass(frozen=True)
class SignInEdge:
    """A member's sign-in: its use cases, the code's sender and the tokens' issuer."""

    service: SignInService
    sender: CodeSender | None  # None: the sign-in is off on this server
    issuer: TokenIssuer
    token_ttl: timedelta
    # The header a trusted proxy puts the client's address in (None: the socket's peer).
    client_header: str | None = None

    def client_address(self, request: Request) -> str:
        """The caller's address, for the per-address limit on codes."""
        if self.client_header:
            forwarded = request.headers.get(self.client_header, "")
            first = forwarded.split(",", 1)[0].strip()
            if first:
                return first
        return request.client.host if request.client else "unknown"


@dataclass(frozen=True)
class AppContext:
    """Built in the lifespan (``members.main``): the use cases and the API's reads."""

    members: MembersService
    queries: MembersQueries
    sign_in: SignInEdge


async def _ctx(request: Request) -> AppContext:
    # async: FastAPI runs a plain ``def`` dependency in a worker thread, per request.
    ctx: AppContext = request.app.state.members
    return ctx


Ctx = Annotated[AppContext, Depends(_ctx)]
ScopeDep = Annotated[Scope, Depends(cooperative_scope)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found or not visible"}}

"""Central tenancy enforcement for cooperative-scoped routes (architecture §2, invariant 7).

Attach ``cooperative_scope`` once, at router level, so no route can forget it:
``cooperative_router`` is an ``APIRouter`` with the prefix and the check built in::

    router = cooperative_router(tags=["members"])

    @router.post("/members/{member_id}/admission")
    async def admit(scope: CooperativeScopeDep,
                    _: Annotated[Principal, Depends(require_action(Action.DECIDE_MEMBERSHIP))]):
        ...

Router-level dependencies run before the route's own, so a caller from another
cooperative gets the 404 before any action check could reveal that the
cooperative exists. FastAPI caches the scope per request, so the route's
``CooperativeScopeDep`` does not run the check twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Depends, Path, Request

from gotong_platform.auth.policy import Action, can_act, can_read, can_write
from gotong_platform.auth.principal import Principal
from gotong_platform.http.responses import HTTPProblem
from gotong_platform.http.security import PrincipalDep

__all__ = [
    "COOPERATIVE_PREFIX",
    "CooperativeDirectory",
    "CooperativeScopeDep",
    "Scope",
    "cooperative_router",
    "cooperative_scope",
    "require_action",
]

COOPERATIVE_PREFIX = "/cooperatives/{cooperative_id}"

_READ_METHODS = frozenset({"GET", "HEAD"})


class CooperativeDirectory(Protocol):
    """Where each cooperative is; a service keeps it from the registry's events."""

    async def regency_of(self, cooperative_id: str) -> str | None:
        """The cooperative's 4-digit regency code, or None when it is unknown."""
        ...


@dataclasses.dataclass(frozen=True, slots=True)
class Scope:
    """A request already cleared for ``cooperative_id`` (read, or write if not GET/HEAD)."""

    principal: Principal
    cooperative_id: str


async def cooperative_scope(
    request: Request,
    principal: PrincipalDep,
    cooperative_id: Annotated[str, Path()],
) -> Scope:
    regency = await _directory(request).regency_of(cooperative_id)
    # Unknown and not-readable give the very same answer, so probing ids
    # cannot tell a cooperative that exists from one that does not.
    if regency is None or not can_read(principal, cooperative_id, regency):
        raise HTTPProblem(404, "Not Found", "cooperative not found", "cooperative-not-found")
    if request.method not in _READ_METHODS and not can_write(principal, cooperative_id):
        raise HTTPProblem(
            403, "Forbidden", "your role may not change this cooperative", "forbidden"
        )
    return Scope(principal=principal, cooperative_id=cooperative_id)


CooperativeScopeDep = Annotated[Scope, Depends(cooperative_scope)]


def require_action(
    action: Action,
) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    """A dependency that answers 403 unless the caller's role may perform ``action``."""

    async def check_action(principal: PrincipalDep) -> Principal:
        if not can_act(principal, action):
            raise HTTPProblem(
                403, "Forbidden", f"your role may not {action.value.replace('_', ' ')}", "forbidden"
            )
        return principal

    return check_action


def _directory(request: Request) -> CooperativeDirectory:
    directory: CooperativeDirectory | None = getattr(
        request.app.state, "cooperative_directory", None
    )
    if directory is None:
        raise RuntimeError("app.state.cooperative_directory is not set")
    return directory


def cooperative_router(*, tags: list[str] | None = None,
                       responses: dict[int | str, dict[str, Any]] | None = None) -> APIRouter:
    """A router of routes under ``/cooperatives/{cooperative_id}``, each guarded by
    ``cooperative_scope`` before its own dependencies.

    Each route module makes its own (rather than one parent router including them all),
    so the routes carry their prefix and check themselves and the app can hold them as
    plain routes (``gotong_platform.http.service``): no nested router is matched again
    on every request.
    """
    return APIRouter(prefix=COOPERATIVE_PREFIX, tags=list(tags or []),
                     responses=responses, dependencies=[Depends(cooperative_scope)])

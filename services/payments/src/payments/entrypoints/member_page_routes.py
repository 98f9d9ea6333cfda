"""``GET /anggota/``: the member's own page (Buku Anggota), its files and its config.

Public static files (``payments.entrypoints.member_page``); every figure comes from
``/member-portal/...`` with her member token: her statement from this service, her SHU
share and her cooperative's monthly summary and last RAT from the reporting service's
API (``GOTONG_PAYMENTS_REPORTING_API_URL``); the sign-in from the members service's API
(``GOTONG_PAYMENTS_MEMBERS_API_URL``). Both origins are in ``/anggota/config.json``, and
the Content Security Policy allows this origin and those two only. The page lives under
``/anggota/`` (with the slash) so that its service worker, ``/anggota/sw.js``, controls
it: a worker's scope is its own folder.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from gotong_platform.http import HTTPProblem
from payments.entrypoints.member_page.assets import ASSETS

__all__ = ["content_security_policy", "router"]

_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; worker-src 'self'; manifest-src 'self'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'")
_HEADERS = {"Cache-Control": "no-cache", "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff"}

router = APIRouter(tags=["member page"])


def content_security_policy(*apis: str | None) -> str:
    """The page's policy: ``connect-src`` this origin and each API origin given."""
    others = "".join(f" {api}" for api in apis if api is not None)
    return _CSP.replace("connect-src 'self'", f"connect-src 'self'{others}")


def _members_api(request: Request) -> str | None:
    found: str | None = getattr(request.app.state, "members_api_url", None)
    return found


def _reporting_api(request: Request) -> str | None:
    found: str | None = getattr(request.app.state, "reporting_api_url", None)
    return found


def _serve(request: Request, name: str) -> Response:
    return ASSETS.response(request, name, _HEADERS | {
        "Content-Security-Policy": content_security_policy(_members_api(request),
                                                           _reporting_api(request))})


@router.get("/anggota", include_in_schema=False)
async def to_page() -> RedirectResponse:
    return RedirectResponse("/anggota/", status_code=308)


@router.get("/anggota/", include_in_schema=False)
async def page(request: Request) -> Response:
    return _serve(request, "index.html")


@router.get("/anggota/config.json")
async def config(request: Request) -> dict[str, Any]:
    """What the page needs before she signs in: where the members service's API is (her
    sign-in), and the reporting service's (her SHU, her cooperative; null: not shown)."""
    return {"members_api": _members_api(request), "reporting_api": _reporting_api(request)}


@router.get("/anggota/{name}", include_in_schema=False)
async def asset(request: Request, name: str) -> Response:
    if name not in ASSETS or name == "index.html":
        raise HTTPProblem(404, "Not Found", "no such page file", "not-found")
    return _serve(request, name)

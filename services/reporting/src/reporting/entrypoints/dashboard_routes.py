"""``GET /dashboard``: the page, its assets, and the months it offers.

The page and its assets are public static files (``reporting.adapters.dashboard``);
every figure comes from the JSON API with the caller's bearer token, which the page
reads from the URL fragment (``/dashboard#token=...``, never sent to the server) and
keeps in ``sessionStorage``. Nothing is loaded from outside this service: the Content
Security Policy allows this origin only.

``GET /dashboard/months`` (any valid token) lists the months with data, so the
page can open on the latest one, and today's date for the "as of" of the running
month.

``GET /dashboard/config`` (public: it holds no secret) says where the partner gateway's
API is (``partners_api``, reporting's ``GOTONG_REPORTING_PARTNERS_API_URL``; null: no
partner pages). The page's partner pages ("Mitra", "Persetujuan", "Kesehatan
pengiriman") read that API directly with the same token: the services never call each
other. The Content Security Policy then allows that origin too, and nothing else.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from starlette.responses import Response

from gotong_platform.calendar import today_in
from gotong_platform.http import HTTPProblem, PrincipalDep
from reporting.adapters.dashboard.assets import ASSETS
from reporting.domain.reports.period import GROUP_TIME_ZONE
from reporting.entrypoints.deps import ClockDep, Model

__all__ = ["CONTENT_SECURITY_POLICY", "content_security_policy", "router"]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
_HEADERS = {
    "Cache-Control": "no-cache",  # revalidate (ETag): a new release shows at once
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def content_security_policy(partners_api: str | None, issuer: str | None = None) -> str:
    """This origin only; and the partner gateway's API when the page has partner pages
    (``partners_api`` is an origin, checked by the settings); and the OpenID Connect
    issuer's origin, whose discovery document and token endpoint the page fetches."""
    others = [origin for origin in (partners_api, _origin(issuer)) if origin is not None]
    if not others:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace("connect-src 'self'",
                                           "connect-src 'self' " + " ".join(others))


def _origin(url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _sign_in(request: Request) -> dict[str, str] | None:
    found: dict[str, str] | None = getattr(request.app.state, "dashboard_sign_in", None)
    return found


def _partners_api(request: Request) -> str | None:
    found: str | None = getattr(request.app.state, "partners_api_url", None)
    return found

router = APIRouter(tags=["dashboard"])


def _serve(request: Request, name: str) -> Response:
    return ASSETS.response(request, name, _HEADERS | {
        "Content-Security-Policy": content_security_policy(
            _partners_api(request), (_sign_in(request) or {}).get("issuer"))})


@router.get("/dashboard", include_in_schema=False)
async def page(request: Request) -> Response:
    return _serve(request, "index.html")


@router.get("/dashboard/assets/{name}", include_in_schema=False)
async def asset(request: Request, name: str) -> Response:
    if name not in ASSETS or name == "index.html":
        raise HTTPProblem(404, "Not Found", "no such dashboard asset", "not-found")
    return _serve(request, name)


@router.get("/dashboard/config")
async def config(request: Request) -> dict[str, Any]:
    """What the page needs to know before it signs in: where the partner gateway's API is
    (null: no partner pages), and where it signs its users in (null: nowhere)."""
    return {"partners_api": _partners_api(request), "sign_in": _sign_in(request)}


@router.get("/dashboard/months")
async def months(principal: PrincipalDep, model: Model, clock: ClockDep) -> dict[str, Any]:
    """Months (YYYY-MM) in which some fact has its business date, up to the current
    one; ``latest`` is the page's default month, ``today`` the "as of" of the
    running month (in WIT, the easternmost time zone)."""
    # WIT (UTC+9), the easternmost zone: no cooperative's business date of today
    # lies after it (the reports' default cut-off for a region uses the same).
    today = today_in(clock, GROUP_TIME_ZONE)
    current = f"{today:%Y-%m}"
    async with model.reader() as reader:
        found = [m for m in await reader.months_with_data() if m <= current]
    return {"months": found, "latest": found[-1] if found else None,
            "current_month": current, "today": today.isoformat()}

"""``GET /dashboard``: the page, its assets, and the months it offers.

The page and its assets are public static files (package data in ``static/``); every
figure comes from the JSON API with the caller's bearer token, which the page reads
from the URL fragment (``/dashboard#token=...``, never sent to the server) and keeps
in ``sessionStorage``. Nothing is loaded from outside this service: the Content
Security Policy allows this origin only.

``GET /dashboard/months`` (any valid token) lists the months with data, so the
page can open on the latest one, and today's date for the "as of" of the running
month.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from gotong_platform.calendar import TimeZone, today_in
from gotong_platform.http import HTTPProblem, PrincipalDep
from reporting.entrypoints.access import Model
from reporting.reports.directory import months_with_data

__all__ = ["ASSETS", "CONTENT_SECURITY_POLICY", "build_dashboard_router"]

# name -> media type: the only files served (no path from the request reaches the disk)
ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "dashboard.css": "text/css; charset=utf-8",
    "charts.js": "text/javascript; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
}
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
_HEADERS = {
    "Cache-Control": "no-cache",  # revalidate (ETag): a new release shows at once
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


@dataclass(frozen=True, slots=True)
class _Asset:
    body: bytes
    media_type: str
    etag: str


@cache
def _asset(name: str) -> _Asset:
    body = resources.files(__package__).joinpath("static", name).read_bytes()
    digest = hashlib.sha256(body).hexdigest()[:32]
    return _Asset(body, ASSETS[name], f'"{digest}"')


def _serve(request: Request, name: str) -> Response:
    asset = _asset(name)
    headers = _HEADERS | {"ETag": asset.etag}
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


def build_dashboard_router() -> APIRouter:
    router = APIRouter(tags=["dashboard"])

    @router.get("/dashboard", include_in_schema=False)
    async def page(request: Request) -> Response:
        return _serve(request, "index.html")

    @router.get("/dashboard/assets/{name}", include_in_schema=False)
    async def asset(request: Request, name: str) -> Response:
        if name not in ASSETS or name == "index.html":
            raise HTTPProblem(404, "Not Found", "no such dashboard asset", "not-found")
        return _serve(request, name)

    @router.get("/dashboard/months")
    async def months(request: Request, principal: PrincipalDep, model: Model
                     ) -> dict[str, Any]:
        """Months (YYYY-MM) in which some fact has its business date, up to the current
        one; ``latest`` is the page's default month, ``today`` the "as of" of the
        running month (in WIT, the easternmost time zone)."""
        # WIT (UTC+9), the easternmost zone: no cooperative's business date of today
        # lies after it (the reports' default cut-off for a region uses the same).
        today = today_in(request.app.state.clock, TimeZone.WIT)
        current = f"{today:%Y-%m}"
        async with model.connection() as conn:
            found = [m for m in await months_with_data(conn) if m <= current]
        return {"months": found, "latest": found[-1] if found else None,
                "current_month": current, "today": today.isoformat()}

    return router

"""The dashboard signs its user in at the OpenID Connect issuer, in a real headless
Chromium: authorization code with PKCE (S256), no token pasted anywhere.

The local issuer runs as its own process (``gotong_oidc``), the reporting API on a real
port with the issuer in its settings (its verifier reads the issuer's JWKS). The page
shows "Masuk dengan akun federasi"; the click takes the browser to the issuer's form
with an S256 challenge, the regional officer signs in there, and back on the dashboard
the page trades the code and its verifier for the access token and opens the officer's
province. Then the issuer rotates its key and a second sign-in, with a token of the new
key, works at once; a user who cancels at the issuer is back on the sign-in card with
the reason. The page throws nothing and asks no origin but its own and the issuer's.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import uvicorn
from fastapi import FastAPI
from headless_chromium import LAPTOP, CdpError, Chromium

from gotong_testing.api import serving
from gotong_testing.oidc import local_issuer
from reporting.main import create_app
from reporting.settings import ReportingSettings

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CLIENT_ID = "gotong-dashboard"


def users(dashboard: str) -> dict[str, Any]:
    return {"clients": [{"client_id": CLIENT_ID, "redirect_uris": [dashboard]}],
            "users": [{"username": "yohanes", "password": "rahasia-yo", "name": "Yohanes Bria",
                       "role": "regional_officer", "region": "53"}]}


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def served(app: FastAPI, sock: socket.socket) -> AsyncIterator[None]:
    """``app`` on ``sock`` (its lifespan already started)."""
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_config=None,
                                           access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(20):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.05)
        yield
    finally:
        server.should_exit = True
        await task
        sock.close()


async def settled(browser: Chromium, expression: str, timeout_s: float = 30.0) -> Any:
    """``expression`` once true, across the page loads of a sign-in (an evaluation that
    meets a document being replaced is tried again)."""
    async with asyncio.timeout(timeout_s):
        while True:
            with contextlib.suppress(CdpError):
                value = await browser.evaluate(expression)
                if value:
                    return value
            await asyncio.sleep(0.1)


async def sign_in_at_issuer(browser: Chromium, issuer: str, *, action: str = "sign-in") -> None:
    await browser.evaluate("document.getElementById('sign-in-button').click()")
    await settled(browser, f"location.origin === {issuer!r} && "
                           "!!document.getElementById('username')")
    if action == "sign-in":
        await browser.evaluate("document.getElementById('username').value = 'yohanes';"
                               "document.getElementById('password').value = 'rahasia-yo';"
                               "document.getElementById('sign-in').click()")
    else:
        await browser.evaluate("document.getElementById('deny').click()")


async def test_the_dashboard_signs_in_with_code_and_pkce(tmp_path: Path,
                                                         database_factory: Any) -> None:
    sock = _bound_socket()
    dashboard_origin = f"http://127.0.0.1:{sock.getsockname()[1]}"
    dashboard = f"{dashboard_origin}/dashboard"
    async with local_issuer(tmp_path / "issuer", users(dashboard),
                            redirect_uri=dashboard) as issuer:
        settings = ReportingSettings(
            database_url=await database_factory("signin"), jwt_key="k" * 48,
            oidc_issuer=issuer.url, oidc_jwks_url=issuer.jwks_url, jwks_min_refresh_s=0,
            dashboard_client_id=CLIENT_ID)
        app = create_app(settings)
        async with serving(app, "reporting"), served(app, sock), Chromium.launch() as browser:
            await browser.set_viewport(LAPTOP)
            await browser.open(dashboard)
            await settled(browser, "document.body.dataset.state === 'signin' && "
                                   "!document.getElementById('sign-in-button').hidden")

            # The first request to the issuer carries an S256 challenge and no secret.
            await sign_in_at_issuer(browser, issuer.url)
            authorize = next(url for url in browser.requests if "/authorize?" in url)
            asked = parse_qs(urlsplit(authorize).query)
            assert asked["code_challenge_method"] == ["S256"]
            assert len(asked["code_challenge"][0]) == 43
            assert asked["redirect_uri"] == [dashboard]
            assert "code_verifier" not in asked
            assert "client_secret" not in asked

            scope = await settled(browser, "document.body.dataset.state !== 'loading' && "
                                           "document.body.dataset.scope")
            assert scope == "region"
            assert await browser.evaluate("document.getElementById('scope-label').textContent"
                                          ) == "Provinsi Nusa Tenggara Timur (53)"
            assert await browser.evaluate("document.body.dataset.errorStatus || null") is None
            assert "code=" not in await browser.evaluate("location.href")  # code not kept
            token = await browser.evaluate(
                "sessionStorage.getItem('gotong.dashboard.token')")
            claims = jwt.decode(token, options={"verify_signature": False})
            assert (claims["iss"], claims["role"], claims["region"]) == (
                issuer.url, "regional_officer", "53")
            assert await browser.evaluate(
                "sessionStorage.getItem('gotong.dashboard.pkce')") is None
            (ARTIFACTS / "dashboard-sign-in.png").parent.mkdir(exist_ok=True)
            await browser.screenshot(ARTIFACTS / "dashboard-sign-in.png")
            first_kid = jwt.get_unverified_header(token)["kid"]

            # A rotated key: the next sign-in's token is of the new key, accepted at once.
            await issuer.rotate()
            await browser.evaluate("document.getElementById('sign-out').click()")
            await settled(browser, "document.body.dataset.state === 'signin' && "
                                   "!document.getElementById('sign-in-button').hidden")
            await sign_in_at_issuer(browser, issuer.url)
            await settled(browser, "document.body.dataset.state !== 'loading' && "
                                   "document.body.dataset.scope === 'region' && "
                                   "!!sessionStorage.getItem('gotong.dashboard.token')")
            token = await browser.evaluate("sessionStorage.getItem('gotong.dashboard.token')")
            assert jwt.get_unverified_header(token)["kid"] != first_kid
            assert await browser.evaluate("document.body.dataset.errorStatus || null") is None

            # Cancelled at the issuer: back on the sign-in card, saying so.
            await browser.evaluate("document.getElementById('sign-out').click()")
            await settled(browser, "!document.getElementById('sign-in-button').hidden")
            await sign_in_at_issuer(browser, issuer.url, action="deny")
            await settled(browser, "document.body.dataset.errorStatus === 'sign-in'")
            assert await browser.evaluate("document.getElementById('banner-detail').textContent"
                                          ) == "Masuk dibatalkan."

            assert browser.exceptions == []
            origins = {f"{u.scheme}://{u.netloc}" for u in map(urlsplit, browser.requests)
                       if u.scheme in ("http", "https")}
            assert origins <= {dashboard_origin, issuer.url}, origins



"""The local OpenID Connect issuer (``gotong_oidc``) as a process of its own, and a
client that signs in at it as a browser would: authorization code with PKCE (S256).

    async with local_issuer(tmp_path, users) as issuer:
        tokens = await issuer.sign_in("ayu", "gotong-dev")
        await issuer.rotate(window_s=0)
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import os
import re
import secrets
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

__all__ = ["CLIENT_ID", "LocalIssuer", "code_of", "local_issuer", "pkce_pair"]

CLIENT_ID = "gotong-dashboard"
_START_TIMEOUT_S = 30.0


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, its S256 code_challenge)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LocalIssuer:
    url: str
    redirect_uri: str
    http: httpx.AsyncClient

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/jwks"

    async def authorize(self, username: str, password: str, *, challenge: str,
                        state: str = "s", nonce: str = "n") -> httpx.Response:
        """The sign-in form submitted: the issuer's redirect (not followed)."""
        params = {"response_type": "code", "client_id": CLIENT_ID, "scope": "openid",
                  "redirect_uri": self.redirect_uri, "state": state, "nonce": nonce,
                  "code_challenge": challenge, "code_challenge_method": "S256"}
        form = await self.http.get(f"{self.url}/authorize", params=params)
        form.raise_for_status()
        return await self.http.post(f"{self.url}/authorize", data=params | {
            "username": username, "password": password, "action": "sign-in"})

    async def sign_in(self, username: str, password: str) -> dict[str, Any]:
        """The token endpoint's answer after a complete code + PKCE sign-in."""
        verifier, challenge = pkce_pair()
        answer = await self.authorize(username, password, challenge=challenge)
        assert answer.status_code == 303, answer.text
        query = parse_qs(urlsplit(answer.headers["location"]).query)
        tokens = await self.redeem(query["code"][0], verifier)
        assert tokens.status_code == 200, tokens.text
        found: dict[str, Any] = tokens.json()
        return found

    async def redeem(self, code: str, verifier: str) -> httpx.Response:
        return await self.http.post(f"{self.url}/token", data={
            "grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID,
            "redirect_uri": self.redirect_uri, "code_verifier": verifier})

    async def rotate(self, window_s: float | None = None) -> dict[str, Any]:
        body = {} if window_s is None else {"window_s": window_s}
        answer = await self.http.post(f"{self.url}/dev/rotate", json=body)
        answer.raise_for_status()
        found: dict[str, Any] = answer.json()
        return found

    async def published_kids(self) -> list[str]:
        answer = await self.http.get(self.jwks_url)
        return [key["kid"] for key in answer.json()["keys"]]


@contextlib.asynccontextmanager
async def local_issuer(directory: Path, users: dict[str, Any], *,
                       redirect_uri: str = "http://127.0.0.1:8004/dashboard",
                       token_ttl_s: int = 600) -> AsyncIterator[LocalIssuer]:
    """``python -m gotong_oidc serve`` on a free port, its users file and state in
    ``directory``; stopped (SIGTERM) at the end."""
    users_file, log = _prepare(directory, users)
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gotong_oidc", "serve", "--port", str(port),
        "--users", str(users_file), "--state-dir", str(directory / "state"),
        "--token-ttl-s", str(token_ttl_s),
        stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log, env=dict(os.environ))
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(timeout=10.0) as http:
            await _wait_started(http, url, process, directory / "issuer.log")
            yield LocalIssuer(url, redirect_uri, http)
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()
        log.close()


def _prepare(directory: Path, users: dict[str, Any]) -> tuple[Path, Any]:
    directory.mkdir(parents=True, exist_ok=True)
    users_file = directory / "users.json"
    users_file.write_text(json.dumps(users), "utf-8")
    return users_file, (directory / "issuer.log").open("wb")


def _tail(log: Path) -> str:
    return log.read_text("utf-8", "replace")[-2000:]


async def _wait_started(http: httpx.AsyncClient, url: str,
                        process: asyncio.subprocess.Process, log: Path) -> None:
    async with asyncio.timeout(_START_TIMEOUT_S):
        while True:
            if process.returncode is not None:
                raise RuntimeError(f"the local issuer exited: {_tail(log)}")
            with contextlib.suppress(httpx.TransportError):
                if (await http.get(f"{url}/health")).status_code == 200:
                    return
            await asyncio.sleep(0.1)


def code_of(location: str) -> str:
    """The ``code`` of a redirect back to the client."""
    found = re.search(r"[?&]code=([^&]+)", location)
    assert found, location
    return found.group(1)

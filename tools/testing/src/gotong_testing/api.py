"""A service's API as the tests drive it: over ASGI, with tokens and Idempotency-Keys."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from gotong_platform.auth import Principal, Role, TokenIssuer

__all__ = ["ApiClient", "asgi_client", "serving"]


@asynccontextmanager
async def asgi_client(app: FastAPI, name: str = "test") -> AsyncIterator[httpx.AsyncClient]:
    """A client of ``app`` over ASGI, at ``http://<name>`` (its lifespan not started)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url=f"http://{name}") as client:
        yield client


@asynccontextmanager
async def serving(app: FastAPI, name: str) -> AsyncIterator[httpx.AsyncClient]:
    """``app`` with its lifespan started (pool, migrations), and a client of it over ASGI."""
    async with app.router.lifespan_context(app), asgi_client(app, name) as client:
        yield client


@dataclass
class ApiClient:
    """Calls to one service's API: ``token`` is a caller's bearer header, ``post`` sends
    a command with a fresh Idempotency-Key (or ``key``, to replay one)."""

    client: httpx.AsyncClient
    issuer: TokenIssuer

    def token(self, role: str, **claims: Any) -> dict[str, str]:
        principal = Principal(subject=claims.pop("subject", f"user-{uuid.uuid4().hex[:8]}"),
                              role=Role(role), **claims)
        return {"Authorization": f"Bearer {self.issuer.issue(principal)}"}

    async def post(self, path: str, body: dict[str, Any], headers: dict[str, str],
                   key: str | None = None) -> httpx.Response:
        return await self.client.post(
            path, json=body, headers={**headers, "Idempotency-Key": key or uuid.uuid4().hex})

    async def get(self, path: str, headers: dict[str, str]) -> httpx.Response:
        return await self.client.get(path, headers=headers)

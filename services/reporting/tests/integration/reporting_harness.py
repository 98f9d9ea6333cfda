"""Reporting on a fresh real database: events built from the published contracts are
applied through the projection handlers (as the consumer does), and the API is
driven over ASGI."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from gotong_platform.auth import Principal, Role, TokenIssuer
from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import EventContract
from gotong_platform.envelope import Envelope
from reporting.adapters.projection.dispatch import apply_event
from reporting.adapters.reports.kept import KeptFigures

JWT_KEY = "r" * 48


def recorded(day: date, hour: int = 12) -> datetime:
    """A moment on ``day`` (UTC), for facts recorded the same day."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@dataclass
class Reporting:
    client: httpx.AsyncClient
    pool: asyncpg.Pool  # search_path on the live read-model version
    issuer: TokenIssuer = field(default_factory=lambda: TokenIssuer(JWT_KEY.encode()))
    versions: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    kept: KeptFigures = field(default_factory=KeptFigures)  # the API's kept figures

    def auth(self, role: str, **claims: Any) -> dict[str, str]:
        principal = Principal(subject=claims.pop("subject", "tester"), role=Role(role),
                              **claims)
        return {"Authorization": f"Bearer {self.issuer.issue(principal)}"}

    def event(self, contract: EventContract, *, stream: str, on: date,
              recorded_at: datetime | None = None) -> ConsumedEvent:
        self.versions[stream] += 1
        data = contract.model_dump(mode="json")
        env = Envelope(
            event_id=uuid.uuid4(), event_type=contract.event_type,
            schema_version=contract.schema_version, source=contract.source, stream_id=stream,
            stream_version=self.versions[stream], cooperative_id=data["cooperative_id"],
            occurred_at=recorded_at or recorded(on), business_date=on,
            recorded_at=recorded_at or recorded(on))
        return ConsumedEvent(envelope=env, data=data, topic="t", partition=0, offset=0)

    async def apply(self, *events: ConsumedEvent) -> None:
        async with self.pool.acquire() as conn:
            for event in events:
                async with conn.transaction():
                    await apply_event(conn, event)

    async def record(self, contract: EventContract, *, stream: str, on: date,
                     recorded_at: datetime | None = None) -> None:
        await self.apply(self.event(contract, stream=stream, on=on, recorded_at=recorded_at))

    async def get(self, path: str, headers: dict[str, str], **params: str) -> httpx.Response:
        return await self.client.get(path, headers=headers, params=params)

    async def report(self, path: str, headers: dict[str, str], **params: str
                     ) -> dict[str, Any]:
        response = await self.get(path, headers, **params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def month_end(day: date, hours: int) -> datetime:
    """Midnight after ``day`` in a zone ``hours`` east of UTC, as UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1, hours=-hours)

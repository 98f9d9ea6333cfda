"""What the gateway's tests build: internal events as the consumer receives them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg

from gotong_platform.calendar import FixedClock
from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import EventContract
from gotong_platform.contracts import members as mem
from gotong_platform.envelope import Envelope
from gotong_platform.ids import uuid7
from gotong_testing.api import ApiClient
from gotong_testing.clock import business_now
from partners.entrypoints.consumer import GatewayConsumer
from partners.settings import PartnersSettings

JWT_KEY = "p" * 48


def registered(cooperative_id: str, regency: str = "5312") -> mem.CooperativeRegisteredV1:
    return mem.CooperativeRegisteredV1(
        cooperative_id=cooperative_id, name="Koperasi Kopi Flores",
        legal_registration_number=cooperative_id, coop_type="producer",
        province_code=regency[:2], regency_code=regency, time_zone="WITA",
        fiscal_year_start_month=1, loop="closed", registered_on=date(2020, 1, 1))


def consumed(contract: EventContract, *, stream_id: str, version: int = 1,
             business_date: date | None = None, recorded_at: datetime | None = None,
             event_id: uuid.UUID | None = None, actor: str = "user-kasir") -> ConsumedEvent:
    """``contract`` as the consumer runner hands it to a handler."""
    data = contract.model_dump(mode="json")
    now = recorded_at or business_now()
    envelope = Envelope(
        event_id=event_id or uuid7(), event_type=contract.event_type,
        schema_version=contract.schema_version, source=contract.source, stream_id=stream_id,
        stream_version=version, cooperative_id=data["cooperative_id"], occurred_at=now,
        business_date=business_date or now.date(), recorded_at=now, correlation_id=uuid7(),
        actor=actor)
    return ConsumedEvent(envelope=envelope, data=data, topic=f"gotong.{contract.source}.events",
                         partition=0, offset=0)


@dataclass
class Api(ApiClient):
    settings: PartnersSettings
    pool: asyncpg.Pool
    gateway: GatewayConsumer
    clock: FixedClock

    async def rows(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        return list(await self.pool.fetch(sql, *args))

    async def known_cooperative(self, cooperative_id: str, regency: str = "5312") -> None:
        """The cooperative in the gateway's members directory, as its consumer puts it."""
        async with self.pool.acquire() as conn, conn.transaction():
            await self.gateway.on_members_event(conn, consumed(
                registered(cooperative_id, regency), stream_id=cooperative_id, version=1))

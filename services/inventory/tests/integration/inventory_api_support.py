"""Readable test data for the inventory API: a client, a seeded directory, a shop.

Why the odd name and no ``__init__.py``: pytest's default ("prepend") import mode
imports a test folder without ``__init__.py`` by file name, so module names must be
unique across the repository (see ``inventory_builders`` in the unit tests).

The directory (cooperatives, members) is seeded the way the consumer fills it: by
``apply_members_event`` with members contracts, in a transaction.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import asyncpg
from fastapi import FastAPI

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import EventContract
from gotong_platform.contracts import members as m
from gotong_platform.directory import apply_members_event
from gotong_platform.envelope import Envelope
from gotong_platform.ids import uuid7
from gotong_testing import business_now, business_today
from gotong_testing.api import ApiClient
from inventory.settings import InventorySettings

JWT_KEY = "k" * 48


def today(time_zone: str = "WITA") -> date:
    """The cooperative's business date, as the service computes it (on the test clock)."""
    return business_today(time_zone)


@dataclass
class Api(ApiClient):
    settings: InventorySettings
    app: FastAPI

    @property
    def pool(self) -> asyncpg.Pool:
        pool: asyncpg.Pool = self.app.state.inventory.pool
        return pool

    async def event_counts(self) -> Counter[str]:
        rows = await self.pool.fetch("SELECT event_type FROM events")
        return Counter(r["event_type"] for r in rows)

    async def outbox(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """Published payloads (in order), of one type when given."""
        rows = await self.pool.fetch(
            """SELECT o.payload, e.event_type FROM outbox o JOIN events e USING (event_id)
               WHERE $1::text IS NULL OR e.event_type = $1 ORDER BY o.position""", event_type)
        return [dict(r["payload"]) for r in rows]


# --- the directory, as the members events feed it ---------------------------------


async def feed(api: Api, contract: EventContract, stream_id: str, version: int) -> None:
    now = business_now()
    env = Envelope(
        event_id=uuid7(), event_type=contract.event_type, schema_version=1, source="members",
        stream_id=stream_id, stream_version=version,
        cooperative_id=str(getattr(contract, "cooperative_id")),  # noqa: B009
        occurred_at=now, business_date=now.date(), recorded_at=now)
    event = ConsumedEvent(envelope=env, data=contract.model_dump(mode="json"),
                          topic="gotong.members.events", partition=0, offset=0)
    async with api.pool.acquire() as conn, conn.transaction():
        await apply_members_event(conn, event)


async def a_cooperative(api: Api, *, time_zone: str = "WITA", regency: str = "5312",
                        federation: bool = True) -> str:
    coop = f"cooperative-{uuid7()}"
    await feed(api, m.CooperativeRegisteredV1(
        cooperative_id=coop, name="Koperasi Tani Makmur", legal_registration_number=coop,
        coop_type="producer", province_code=regency[:2], regency_code=regency,
        time_zone=time_zone, fiscal_year_start_month=1, loop="closed",
        registered_on=date(2020, 1, 15)), coop, 1)
    if federation:
        await feed(api, m.CooperativeJoinedFederationV1(
            cooperative_id=coop, effective_date=date(2020, 2, 1)), coop, 2)
    return coop


async def a_member(api: Api, coop: str, *, suspended: bool = False) -> str:
    member = f"member-{uuid7()}"
    await feed(api, m.MemberAdmittedV1(
        cooperative_id=coop, member_id=member, member_no=f"{uuid.uuid4().int % 10**5:05d}",
        gender="P", village_code="5312010001", admitted_on=date(2021, 3, 1)), member, 2)
    if suspended:
        await feed(api, m.MemberSuspendedV1(cooperative_id=coop, member_id=member,
                                            suspended_on=date(2022, 3, 1)), member, 3)
    return member


# --- a cooperative with a shop --------------------------------------------------


@dataclass
class Shop:
    coop: str
    admin: dict[str, str]
    clerk: dict[str, str]
    warehouse: str
    rice: str  # beras, by the gram, no lots: member Rp 13.000/kg, non-member Rp 14.000/kg
    coffee: str  # kopi, by the gram, lots with expiry: member 90.000/kg, buying 60.000/kg

    def path(self, tail: str) -> str:
        return f"/cooperatives/{self.coop}{tail}"

    def wh(self, tail: str = "") -> str:
        return self.path(f"/warehouses/{self.warehouse}{tail}")


async def a_warehouse(api: Api, coop: str, admin: dict[str, str], **overrides: Any) -> str:
    body = {"name": "Gerai Sembako Lewa", "kind": "shop", "capacity_kg": 2000, **overrides}
    answer = await api.post(f"/cooperatives/{coop}/warehouses", body, admin)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["warehouse_id"])


async def a_product(api: Api, coop: str, admin: dict[str, str],
                    prices: dict[str, tuple[int, int]], **overrides: Any) -> str:
    body = {"sku": f"SKU-{uuid.uuid4().hex[:8]}", "name": "Beras medium",
            "category": "staple_goods", "base_unit": "g", "lot_tracking": "none", **overrides}
    answer = await api.post(f"/cooperatives/{coop}/products", body, admin)
    assert answer.status_code == 201, answer.text
    product = str(answer.json()["product_id"])
    for price_list, (price_idr, per_qty) in prices.items():
        priced = await api.post(f"/cooperatives/{coop}/products/{product}/prices",
                                {"price_list": price_list, "price_idr": price_idr,
                                 "per_qty": per_qty}, admin)
        assert priced.status_code == 200, priced.text
    return product


async def a_shop(api: Api, **coop: Any) -> Shop:
    cooperative = await a_cooperative(api, **coop)
    admin = api.token("coop_admin", cooperative_id=cooperative)
    clerk = api.token("coop_clerk", cooperative_id=cooperative)
    warehouse = await a_warehouse(api, cooperative, admin)
    rice = await a_product(api, cooperative, admin,
                           {"member": (13000, 1000), "non_member": (14000, 1000)},
                           name="Beras medium")
    coffee = await a_product(
        api, cooperative, admin,
        {"member": (90000, 1000), "non_member": (100000, 1000),
         "buy_from_member": (60000, 1000)},
        name="Kopi arabika", category="farm_produce", lot_tracking="lot_expiry")
    return Shop(cooperative, admin, clerk, warehouse, rice, coffee)


async def receive(api: Api, shop: Shop, product: str, qty: int, cost: int,
                  **extra: Any) -> dict[str, Any]:
    answer = await api.post(shop.wh("/goods-receipts"),
                            {"product_id": product, "qty": qty, "total_cost_idr": cost,
                             **extra}, shop.clerk)
    assert answer.status_code == 201, answer.text
    stock: dict[str, Any] = answer.json()["stock"]
    return stock


async def stock_of(api: Api, shop: Shop, product: str,
                   warehouse: str | None = None) -> dict[str, Any] | None:
    path = shop.path(f"/warehouses/{warehouse or shop.warehouse}/stock")
    answer = await api.get(path, shop.clerk)
    assert answer.status_code == 200, answer.text
    return next((level for level in answer.json() if level["product_id"] == product), None)


def a_sale(shop: Shop, lines: list[tuple[str, int]], paid: int, *,
           member: str | None = None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "warehouse_id": shop.warehouse,
        "buyer_type": "member" if member else "non_member", "member_id": member,
        "lines": [{"product_id": product, "qty": qty} for product, qty in lines],
        "payments": [{"method": "cash", "amount_idr": paid}],
    }
    body.update(overrides)
    return body


def an_item(seq: int, kind: str, payload: dict[str, Any], *, days_ago: int = 0,
            client_id: str | None = None) -> dict[str, Any]:
    day = today() - timedelta(days=days_ago)
    return {"client_id": client_id or str(uuid7()), "device_seq": seq, "type": kind,
            "occurred_at": f"{day.isoformat()}T09:15:00+08:00",
            "business_date": day.isoformat(), "payload": payload}

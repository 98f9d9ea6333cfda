"""The bench's cooperatives, members, accounts and shops.

The members service is not part of the measured write paths, so its facts are fed
to the services the way their consumers would apply them: each synthetic members
event (a published contract in a CloudEvents envelope) goes through the service's
OWN consumer handler (payments: the reactions, which open the savings accounts;
inventory: the directory), in a transaction, exactly as ``ConsumerRunner`` calls it
minus Kafka. The shops (warehouse, products, prices, stock) are set up through the
inventory HTTP API.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime

import asyncpg
import httpx

from gotong_platform.consumer import ConsumedEvent, Handler
from gotong_platform.contracts import EventContract
from gotong_platform.contracts import members as c
from gotong_platform.db import init_connection
from gotong_platform.directory import apply_members_event
from gotong_platform.envelope import Envelope
from gotong_platform.ids import uuid7

__all__ = ["Coop", "Population", "Shop", "make_population", "seed_directory", "seed_members",
           "seed_shops"]

_REGENCIES = (("5312", "53", "WITA"), ("3204", "32", "WIB"), ("9471", "94", "WIT"))


@dataclasses.dataclass(frozen=True)
class Shop:
    warehouse_id: str
    product_ids: tuple[str, ...]
    price_idr: int


@dataclasses.dataclass
class Coop:
    cooperative_id: str
    regency_code: str
    province_code: str
    time_zone: str
    member_ids: list[str]
    clerk_token: str = ""
    admin_token: str = ""
    shop: Shop | None = None


@dataclasses.dataclass
class Population:
    name: str
    coops: list[Coop]

    @property
    def members(self) -> list[tuple[Coop, str]]:
        return [(coop, m) for coop in self.coops for m in coop.member_ids]


def make_population(name: str, coops: int, members_per_coop: int) -> Population:
    made: list[Coop] = []
    for i in range(coops):
        regency, province, tz = _REGENCIES[i % len(_REGENCIES)]
        coop_id = f"cooperative-bench-{name}-{i:04d}"
        made.append(Coop(
            cooperative_id=coop_id, regency_code=regency, province_code=province, time_zone=tz,
            member_ids=[f"member-bench-{name}-{i:04d}-{m:04d}" for m in range(members_per_coop)]))
    return Population(name=name, coops=made)


def _event(contract: EventContract, *, stream_id: str, version: int, cooperative_id: str,
           today: date) -> ConsumedEvent:
    now = datetime.now(UTC)
    env = Envelope(
        event_id=uuid7(), event_type=type(contract).event_type,
        schema_version=type(contract).schema_version, source="members", stream_id=stream_id,
        stream_version=version, cooperative_id=cooperative_id, occurred_at=now,
        business_date=today, recorded_at=now, correlation_id=uuid.uuid4(),
        actor="bench-seed")
    return ConsumedEvent(envelope=env, data=contract.model_dump(mode="json"),
                         topic="bench.seed.members", partition=0, offset=0)


def _coop_events(coop: Coop, today: date, with_members: bool) -> list[ConsumedEvent]:
    cid = coop.cooperative_id
    events = [
        _event(c.CooperativeRegisteredV1(
            cooperative_id=cid, name=f"Koperasi Bench {cid[-4:]}",
            legal_registration_number=f"BENCH/{cid[-4:]}", coop_type="multi_purpose",
            province_code=coop.province_code, regency_code=coop.regency_code,
            time_zone=coop.time_zone,
            fiscal_year_start_month=1, loop="open", registered_on=today),
            stream_id=cid, version=1, cooperative_id=cid, today=today),
        _event(c.CooperativeJoinedFederationV1(cooperative_id=cid, effective_date=today),
               stream_id=cid, version=2, cooperative_id=cid, today=today),
    ]
    if with_members:
        for n, member_id in enumerate(coop.member_ids):
            events.append(_event(c.MemberAdmittedV1(
                cooperative_id=cid, member_id=member_id, member_no=f"B-{n:05d}",
                gender="P" if n % 2 else "L", village_code="5312010001", admitted_on=today),
                stream_id=member_id, version=2, cooperative_id=cid, today=today))
    return events


async def _apply_all(dsn: str, handler: Handler, batches: Sequence[list[ConsumedEvent]],
                     connections: int = 6) -> None:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=connections, init=init_connection)
    if pool is None:
        raise RuntimeError("no pool")
    queue: asyncio.Queue[list[ConsumedEvent]] = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)

    async def drain() -> None:
        while not queue.empty():
            batch = queue.get_nowait()
            async with pool.acquire() as conn, conn.transaction():
                for event in batch:
                    await handler(conn, event)

    try:
        await asyncio.gather(*(drain() for _ in range(connections)))
    finally:
        await pool.close()


async def seed_members(population: Population, *, payments_dsn: str, payments_topic: str,
                       inventory_dsn: str | None) -> None:
    """Directory + admitted members (+ their savings accounts, opened by payments itself)."""
    from payments.main import build_services
    from payments.settings import PaymentsSettings

    today = datetime.now(UTC).date()
    settings = PaymentsSettings(database_url=payments_dsn, topic=payments_topic)
    reactions = build_services(settings).reactions.handler()
    # One transaction per 50 members keeps each short and the whole fast.
    batches: list[list[ConsumedEvent]] = []
    for coop in population.coops:
        events = _coop_events(coop, today, with_members=True)
        batches.append(events[:2])
        batches.extend(events[i:i + 50] for i in range(2, len(events), 50))
    # The cooperative rows first: a member's accounts need its cooperative's policy.
    await _apply_all(payments_dsn, reactions, [b for b in batches if
                                               b[0].envelope.stream_id.startswith("coop")])
    await _apply_all(payments_dsn, reactions, [b for b in batches if
                                               not b[0].envelope.stream_id.startswith("coop")])
    if inventory_dsn is not None:
        await _apply_all(inventory_dsn, apply_members_event,
                         [_coop_events(coop, today, with_members=True)
                          for coop in population.coops])


async def seed_shops(population: Population, inventory_url: str, products_per_coop: int,
                     price_idr: int = 10_000) -> None:
    """A shop per cooperative with ``products_per_coop`` products, priced and stocked."""
    async with httpx.AsyncClient(base_url=inventory_url, timeout=30.0) as client:

        async def post(coop: Coop, path: str, body: dict[str, object]) -> dict[str, object]:
            reply = await client.post(
                f"/cooperatives/{coop.cooperative_id}{path}", json=body,
                headers={"Authorization": f"Bearer {coop.admin_token}",
                         "Idempotency-Key": str(uuid.uuid4())})
            if reply.status_code >= 300:
                raise RuntimeError(f"seeding {path}: {reply.status_code} {reply.text[:500]}")
            data: dict[str, object] = reply.json()
            return data

        async def one_product(coop: Coop, warehouse_id: str, n: int) -> str:
            product = await post(coop, "/products", {
                "sku": f"BENCH-{n:03d}", "name": f"Beras bench {n}", "category": "staple_goods",
                "base_unit": "pcs"})
            product_id = str(product["product_id"])
            await post(coop, f"/products/{product_id}/prices",
                       {"price_list": "non_member", "price_idr": price_idr, "per_qty": 1})
            await post(coop, f"/warehouses/{warehouse_id}/goods-receipts",
                       {"product_id": product_id, "qty": 100_000_000,
                        "total_cost_idr": 100_000_000 * price_idr // 2})
            return product_id

        async def one_shop(coop: Coop) -> None:
            warehouse = await post(coop, "/warehouses", {"name": "Gerai bench", "kind": "shop"})
            warehouse_id = str(warehouse["warehouse_id"])
            products = await asyncio.gather(*(one_product(coop, warehouse_id, n)
                                              for n in range(products_per_coop)))
            coop.shop = Shop(warehouse_id=warehouse_id, product_ids=tuple(products),
                             price_idr=price_idr)

        await asyncio.gather(*(one_shop(coop) for coop in population.coops))


async def seed_directory(population: Population, *, dsn: str, handler: Handler) -> None:
    """The population's cooperatives (no members) through another service's own consumer
    handler: the partner gateway's, whose members directory its consent routes check."""
    today = datetime.now(UTC).date()
    await _apply_all(dsn, handler, [_coop_events(coop, today, with_members=False)
                                    for coop in population.coops], connections=1)

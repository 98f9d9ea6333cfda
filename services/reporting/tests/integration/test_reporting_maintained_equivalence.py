"""Property: the maintained read model gives exactly the reports the facts give.

Random histories (``random_history``) are delivered the way Kafka may deliver them:
shuffled, with duplicates, cut into random batches, each applied by the consumer's own
path (the handler claims through ``fact_events``). At checkpoints between batches and at
the end, the federation's, a region's and a cooperative's monthly reports of random
months, ``as_of`` business dates and ``known_at`` moments (now, an instant some fact was
recorded at, a microsecond either side, a month's end in each zone, any moment), the
questions of the earlier checkpoints again, and the snapshot of every month as known now
and at one such moment, are computed twice: from the maintained tables (what the API serves;
the figures it stores are stored, so later batches must make them stale) and from the
facts by the report's original queries (``ReadModelReader(reference=True)``). They must
be equal byte for byte. The same batches written the way a rebuild writes them (the
facts alone, then the maintained tables derived once: ``read_model.bulk``) must give the
same answers to every question asked. Bounded: a fixed number of examples, derandomized.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from random_history import DAYS, FIRST_DAY, LAST_MOMENT, ZONES, Coop, History, history

from gotong_platform.calendar import FixedClock, TimeZone, today_in
from gotong_platform.consumer import ConsumedEvent, first_deliveries
from gotong_platform.contracts import inventory as i
from gotong_platform.contracts import members as m
from reporting.adapters.projection.dispatch import facts_only_handler, read_model_handler
from reporting.adapters.read_model.bulk import complete, defer_indexes
from reporting.adapters.read_model.schema import READ_MODEL_DDL
from reporting.adapters.reports.reader import ReadModelReader, store
from reporting.application.monthly import cooperative_month, federation_month, region_month
from reporting.application.snapshot import monthly_snapshot
from reporting.domain.reports.figures import ReportOptions
from reporting.domain.reports.period import Period

pytestmark = pytest.mark.integration

_schemas = itertools.count()
MONTHS = ("2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03")
# "now" for a report: after the whole history, or inside it (facts recorded after now
# exist, and the month of now is still running)
NOWS = (LAST_MOMENT, datetime(2026, 1, 20, 3, 0, tzinfo=UTC),
        datetime(2025, 12, 31, 16, 0, tzinfo=UTC))


@dataclass(frozen=True)
class Question:
    kind: str  # federation | region | cooperative
    target: str
    month: str
    as_of: date | None
    known_at: datetime | None
    now: datetime
    threshold: int


def run(coroutine: Any) -> Any:
    """Run on a private loop (asyncio.run would unset the session's current loop)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def _moment(data: st.DataObject, h: History) -> datetime | None:
    how = data.draw(st.sampled_from(("now", "fact", "fact", "between", "month_end", "any")))
    if how == "now":
        return None
    if how == "between":
        return _between(data, h)
    if how == "fact":
        return data.draw(st.sampled_from(h.moments)) + timedelta(
            microseconds=data.draw(st.sampled_from((0, 0, -1, 1))))
    if how == "month_end":
        month = data.draw(st.sampled_from(MONTHS[1:]))
        first = date(int(month[:4]), int(month[5:]), 1)
        return datetime(first.year, first.month, 1, tzinfo=UTC) - timedelta(
            hours=data.draw(st.sampled_from(sorted(ZONES.values()))))
    return datetime.combine(FIRST_DAY, datetime.min.time(), UTC) + timedelta(
        minutes=data.draw(st.integers(0, (DAYS + 60) * 1440)))


def _between(data: st.DataObject, h: History) -> datetime:
    """A moment between two facts recorded on one day (it cuts that day's facts)."""
    by_day: dict[date, list[datetime]] = {}
    for moment in h.moments:
        by_day.setdefault(moment.date(), []).append(moment)
    pairs = sorted(sorted(v) for v in by_day.values() if len(set(v)) > 1)
    if not pairs:
        return data.draw(st.sampled_from(h.moments))
    day = data.draw(st.sampled_from(pairs))
    return day[0] + (day[-1] - day[0]) / 2


def _snapshot_moment(data: st.DataObject, h: History) -> datetime:
    """Now, an instant some fact was recorded at (or a microsecond off), or a moment
    between two facts of one day."""
    how = data.draw(st.sampled_from(("now", "fact", "between")))
    if how == "now":
        return data.draw(st.sampled_from(NOWS))
    if how == "between":
        return _between(data, h)
    return data.draw(st.sampled_from(h.moments)) + timedelta(
        microseconds=data.draw(st.sampled_from((0, -1, 1))))


def _question(data: st.DataObject, h: History) -> Question:
    coops = sorted({e.envelope.cooperative_id for e in h.events})
    kind = data.draw(st.sampled_from(("federation", "region", "cooperative")))
    regencies = sorted({e.data["regency_code"] for e in h.events
                        if e.envelope.event_type == "CooperativeRegistered"})
    target = ""
    if kind == "region":
        regency = data.draw(st.sampled_from(regencies))
        target = regency[:data.draw(st.sampled_from((2, 4)))]
    elif kind == "cooperative":
        target = data.draw(st.sampled_from(coops))
    month = data.draw(st.sampled_from(MONTHS))
    first = date(int(month[:4]), int(month[5:]), 1)
    as_of = None
    if data.draw(st.booleans()):
        as_of = first + timedelta(days=data.draw(st.integers(0, 27)))
    return Question(kind, target, month, as_of, _moment(data, h),
                    data.draw(st.sampled_from(NOWS)), data.draw(st.sampled_from((0, 0, 3))))


async def _report(reader: ReadModelReader, q: Question) -> dict[str, Any]:
    clock = FixedClock(q.now)

    def period_for(zone: str | TimeZone | None) -> Period:
        return Period.of(q.month, q.as_of, q.known_at, now=clock.now(),
                         today=today_in(clock, zone))

    options = ReportOptions(low_stock_threshold=q.threshold)
    if q.kind == "federation":
        return await federation_month(reader, period_for, options)
    if q.kind == "region":
        return await region_month(reader, period_for, q.target, options)
    try:
        return await cooperative_month(reader, period_for, q.target, options)
    except KeyError:  # not registered yet (the API answers 404 before asking)
        return {"unknown cooperative": q.target}


async def _both(conn: asyncpg.Connection, compute: Any) -> tuple[bytes, bytes]:
    """(maintained, reference), the maintained reader's figures then stored."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        reference = await compute(ReadModelReader(conn, reference=True))
    maintained = ReadModelReader(conn)
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        served = await compute(maintained)
    async with conn.transaction():
        await store(conn, maintained)
    dump = orjson.OPT_SORT_KEYS
    return orjson.dumps(served, option=dump), orjson.dumps(reference, option=dump)


async def _check(dsn: str, batches: Sequence[Sequence[ConsumedEvent]],
                 questions: dict[int, list[Question]], snapshots: dict[int, datetime]
                 ) -> list[str]:
    conn = await asyncpg.connect(dsn)
    schema = f"rm_equiv_{next(_schemas)}"
    mismatches: list[str] = []
    try:
        await conn.execute(f"CREATE SCHEMA {schema}; SET search_path TO {schema}")
        await conn.execute(READ_MODEL_DDL)
        asked: list[Question] = []
        for n, batch in enumerate(batches):
            async with conn.transaction():
                await read_model_handler.apply_unclaimed(conn, "readmodel",
                                                         first_deliveries(batch))
            if n not in questions:
                continue
            asked += questions[n]
            for q in asked:  # the earlier questions again: what they stored may be stale
                served, reference = await _both(conn, lambda r, q=q: _report(r, q))
                if served != reference:
                    where = _first_difference(orjson.loads(served), orjson.loads(reference))
                    mismatches.append(f"after batch {n}: {q}\n{where}")
            for known_at in (LAST_MOMENT, snapshots[n]):
                served, reference = await _both(
                    conn, lambda r, k=known_at: monthly_snapshot(r, k, ReportOptions()))
                if served != reference:
                    where = _first_difference(orjson.loads(served), orjson.loads(reference))
                    mismatches.append(f"after batch {n}: snapshot as known at {known_at}\n"
                                      f"{where}")
        months = await ReadModelReader(conn).months_with_data()
        if months != await ReadModelReader(conn, reference=True).months_with_data():
            mismatches.append(f"months with data: {months}")
    finally:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        await conn.close()
    return mismatches + await _check_bulk(dsn, batches, asked,
                                          [LAST_MOMENT, *snapshots.values()])


async def _check_bulk(dsn: str, batches: Sequence[Sequence[ConsumedEvent]],
                      asked: Sequence[Question], moments: Sequence[datetime]) -> list[str]:
    """The rebuild's path over the same batches: facts only, then ``complete``."""
    conn = await asyncpg.connect(dsn)
    schema = f"rm_equiv_bulk_{next(_schemas)}"
    mismatches: list[str] = []
    try:
        await conn.execute(f"CREATE SCHEMA {schema}; SET search_path TO {schema}")
        await conn.execute(READ_MODEL_DDL)
        deferred = await defer_indexes(conn)
        assert deferred, "a rebuild defers the fact tables' secondary indexes"
        for batch in batches:
            async with conn.transaction():
                await facts_only_handler.apply_unclaimed(conn, "readmodel",
                                                         first_deliveries(batch))
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2,
                                         server_settings={"search_path": schema})
        try:
            await complete(pool, deferred, at_once=2)
        finally:
            await pool.close()
        for q in asked:
            served, reference = await _both(conn, lambda r, q=q: _report(r, q))
            if served != reference:
                where = _first_difference(orjson.loads(served), orjson.loads(reference))
                mismatches.append(f"rebuilt in bulk: {q}\n{where}")
        for known_at in moments:
            served, reference = await _both(
                conn, lambda r, k=known_at: monthly_snapshot(r, k, ReportOptions()))
            if served != reference:
                where = _first_difference(orjson.loads(served), orjson.loads(reference))
                mismatches.append(f"rebuilt in bulk: snapshot as known at {known_at}\n{where}")
        return mismatches
    finally:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        await conn.close()


def _first_difference(served: Any, reference: Any, path: str = "") -> str:
    if isinstance(served, dict) and isinstance(reference, dict):
        for key in sorted(set(served) | set(reference)):
            if served.get(key) != reference.get(key):
                return _first_difference(served.get(key), reference.get(key), f"{path}.{key}")
    if (isinstance(served, list) and isinstance(reference, list)
            and len(served) == len(reference)):
        for n, (a, b) in enumerate(zip(served, reference, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{path}[{n}]")
    return f"{path}: maintained {served!r} != facts {reference!r}"


def cut(events: list[ConsumedEvent], at: set[int]) -> list[list[ConsumedEvent]]:
    bounds = [0, *sorted(at), len(events)]
    return [events[lo:hi] for lo, hi in itertools.pairwise(bounds) if hi > lo]


@pytest.fixture(scope="module")
def equivalence_dsn(database_factory: Any) -> str:  # type: ignore[misc]
    # A loop of its own, as the other property tests' databases: the thread's current
    # loop is not guaranteed, and the database outlives this call anyway.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(database_factory("equivalence"))  # type: ignore[no-any-return]
    finally:
        loop.close()


@settings(max_examples=14, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_the_maintained_reports_equal_those_recomputed_from_the_facts(
    equivalence_dsn: str, data: st.DataObject
) -> None:
    h = history(data)
    duplicates = data.draw(st.lists(st.sampled_from(h.events), max_size=8))
    delivered = list(data.draw(st.permutations(h.events + duplicates)))
    batches = cut(delivered, data.draw(st.sets(st.integers(1, len(delivered) - 1),
                                               min_size=2, max_size=6)))
    checkpoints = sorted(data.draw(st.sets(st.integers(0, len(batches) - 1), min_size=1,
                                           max_size=3)) | {len(batches) - 1})
    asked = {n: [_question(data, h) for _ in range(data.draw(st.integers(1, 3)))]
             for n in checkpoints}
    snapshots = {n: _snapshot_moment(data, h) for n in checkpoints}
    assert run(_check(equivalence_dsn, batches, asked, snapshots)) == []


def _registered(h: History, coop: Coop) -> None:
    at = datetime(2024, 1, 1, 3, tzinfo=UTC)
    h.add(m.CooperativeRegisteredV1(
        cooperative_id=coop.cooperative_id, name="Koperasi", legal_registration_number="AHU-1",
        coop_type="multi_purpose", province_code=coop.regency[:2], regency_code=coop.regency,
        time_zone=coop.zone, fiscal_year_start_month=1, loop="closed",
        registered_on=date(2024, 1, 1)), stream=coop.cooperative_id, coop=coop,
        on=date(2024, 1, 1), recorded_at=at)
    h.add(m.CooperativeJoinedFederationV1(cooperative_id=coop.cooperative_id,
                                          effective_date=date(2024, 1, 1)),
          stream=coop.cooperative_id, coop=coop, on=date(2024, 1, 1), recorded_at=at)


@pytest.mark.parametrize("void_first", [False, True])
def test_a_void_dated_a_month_before_its_sale_counts_in_neither_month(
    equivalence_dsn: str, void_first: bool
) -> None:
    """The report's own query counts a void in its own month, and only for lines dated
    by ``as_of``: a void dated in November of a sale dated in December counts in
    neither month, whichever arrives first (a case random histories rarely draw)."""
    h = History(data=None)  # type: ignore[arg-type]  # every recorded time is given
    coop = Coop("k0", "WITA", "5302")
    _registered(h, coop)
    sale_day, void_day = date(2025, 12, 5), date(2025, 11, 20)
    sale = h.add(i.SaleRecordedV1(
        cooperative_id="k0", sale_id="s", warehouse_id="w", buyer_type="non_member",
        lines=(i.SaleLine(product_id="p", category="staple_goods", qty=1, price_idr=70_000,
                          per_qty=1, line_total_idr=70_000),), discount_idr=0,
        total_idr=70_000, payments=(i.SalePayment(method="cash", amount_idr=70_000),),
        business_date=sale_day), stream="s", coop=coop, on=sale_day,
        recorded_at=datetime(2025, 12, 5, 3, tzinfo=UTC))
    void = h.add(i.SaleVoidedV1(cooperative_id="k0", sale_id="s", reason_code="refused"),
                 stream="s", coop=coop, on=void_day,
                 recorded_at=datetime(2025, 12, 6, 3, tzinfo=UTC))
    batches = [h.events[:2], [void, sale] if void_first else [sale, void]]
    asked = [Question(kind, target, month, None, None, LAST_MOMENT, 0)
             for kind, target in (("federation", ""), ("cooperative", "k0"))
             for month in ("2025-11", "2025-12")]
    assert run(_check(equivalence_dsn, [batches[0], batches[1][:1], batches[1][1:]],
                      {2: asked}, {2: LAST_MOMENT})) == []


def _channel_history() -> History:
    """k0 sells at the shop (Rp 70.000), online (Rp 30.000, and Rp 5.000 voided) and to
    k1 (Rp 10.000, drawn online: produce trade whatever its channel)."""
    h = History(data=None)  # type: ignore[arg-type]  # every recorded time is given
    k0, k1 = Coop("k0", "WITA", "5302"), Coop("k1", "WIT", "9101")
    _registered(h, k0)
    _registered(h, k1)
    day = date(2025, 12, 5)
    at = datetime(2025, 12, 5, 3, tzinfo=UTC)
    for sale, amount, channel, buyer in (("s-shop", 70_000, "shop", None),
                                         ("s-web", 30_000, "online", None),
                                         ("s-web-void", 5_000, "online", None),
                                         ("s-k1", 10_000, "online", "k1")):
        h.add(i.SaleRecordedV1(
            cooperative_id="k0", sale_id=sale, warehouse_id="w", buyer_type="non_member",
            buyer_cooperative_id=buyer, channel=channel,
            lines=(i.SaleLine(product_id="p", category="handicraft", qty=1, price_idr=amount,
                              per_qty=1, line_total_idr=amount),), discount_idr=0,
            total_idr=amount, payments=(i.SalePayment(method="transfer", amount_idr=amount),),
            business_date=day), stream=sale, coop=k0, on=day, recorded_at=at)
    h.add(i.SaleVoidedV1(cooperative_id="k0", sale_id="s-web-void", reason_code="refused"),
          stream="s-web-void", coop=k0, on=day, recorded_at=at)
    return h


async def _channel_reports(dsn: str, h: History) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(dsn)
    schema = f"rm_equiv_{next(_schemas)}"
    try:
        await conn.execute(f"CREATE SCHEMA {schema}; SET search_path TO {schema}")
        await conn.execute(READ_MODEL_DDL)
        async with conn.transaction():
            await read_model_handler.apply_unclaimed(conn, "readmodel",
                                                     first_deliveries(h.events))
        return [await _report(ReadModelReader(conn), Question(
            kind, target, "2025-12", None, None, LAST_MOMENT, 0))
            for kind, target in (("cooperative", "k0"), ("federation", ""))]
    finally:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        await conn.close()


def test_omzet_by_channel_is_maintained_as_the_facts_give_it_and_trade_is_eliminated(
    equivalence_dsn: str,
) -> None:
    h = _channel_history()
    asked = [Question(kind, target, "2025-12", None, None, LAST_MOMENT, 0)
             for kind, target in (("federation", ""), ("cooperative", "k0"),
                                  ("region", "53"))]
    assert run(_check(equivalence_dsn, [h.events[:4], h.events[4:]], {1: asked},
                      {1: LAST_MOMENT})) == []
    coop, federation = run(_channel_reports(equivalence_dsn, h))
    assert coop["business"]["by_channel"] == [
        {"channel": "shop", "net_idr": 70_000}, {"channel": "online", "net_idr": 30_000},
        {"channel": "produce_trade", "net_idr": 10_000}]
    assert coop["business"]["online_share_of_omzet"]["bp"] == 2727  # 30 of 110
    # the federation holds both cooperatives: their trade leaves every sales figure
    assert federation["business"]["by_channel"] == [
        {"channel": "shop", "net_idr": 70_000}, {"channel": "online", "net_idr": 30_000},
        {"channel": "produce_trade", "net_idr": 0}]
    assert federation["business"]["online_share_of_omzet"]["bp"] == 3000
    row = next(r for r in federation["cooperatives"] if r["cooperative_id"] == "k0")
    assert (row["online_omzet_idr"], row["online_share_of_omzet_bp"]) == (30_000, 2727)

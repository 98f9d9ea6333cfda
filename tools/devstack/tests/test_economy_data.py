"""The demo economy's data (gotong_devstack.economy): pure generation, no server."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gotong_devstack import demo, economy
from gotong_devstack.demo_dates import DemoDates
from gotong_devstack.economy_seed import format_kg, format_rupiah
from gotong_devstack.run import SERVICES, Paths, service_env
from gotong_devstack.settings import KAFKA_VERSION, Settings
from gotong_platform import sync as platform_sync
from inventory.domain import pricing as inventory_pricing
from inventory.entrypoints import schemas as inventory_schemas
from inventory.entrypoints import sync_routes as inventory_sync
from payments.application import offline as payments_offline
from payments.domain import dates as payments_dates
from payments.domain import schedule as payments_schedule
from payments.domain import values as payments_values
from payments.entrypoints import loan_schemas as payments_loans
from payments.entrypoints import schemas as payments_schemas

pytestmark = pytest.mark.unit

# Seeded on the last day of a month: the three months (September to November) are whole
# ones. A day in the middle of a month, with the running month in part, is PARTIAL.
TODAY = date(2026, 11, 30)
DATES = DemoDates.of(TODAY)
PARTIAL = date(2026, 12, 7)
LOAN_COOPS = {"ksp-nusa-kenari", "kdkmp-kilwaru", "kopi-wewewa"}
PRODUCE_COOPS = {"kopi-wewewa", "nelayan-jargaria"}
STALE = "kdkmp-kilwaru"


def build(today: date = TODAY) -> tuple[economy.CoopEconomy, ...]:
    return economy.build_economy(demo.build_demo(today), today)


def admitted(slug: str) -> dict[int, demo.Applicant]:
    coop = next(c for c in demo.build_demo(TODAY) if c.spec.slug == slug)
    return {a.seq: a for a in coop.applicants if a.outcome == "admitted"}


def fake_ids(e: economy.CoopEconomy) -> tuple[dict[str, str], dict[int, str]]:
    products = {p.sku: f"product-{p.sku.lower()}" for p in e.products}
    members = {seq: f"member-{e.slug}-{seq}" for seq in admitted(e.slug)}
    return products, members


def bodies(e: economy.CoopEconomy) -> list[Any]:
    """Every request body of the cooperative, with stand-ins for the ids the APIs assign."""
    products, members = fake_ids(e)
    out: list[Any] = [e.policy.body()]
    out += [p.body(e.policy.pokok_idr) for p in e.pokok]
    out += [loan.apply_body(members[loan.member_seq]) for loan in e.loans]
    out += [w.body() for w in e.warehouses]
    out += [p.body() for p in e.products]
    out += [pr.body(e.dates.prices_from) for p in e.products for pr in p.prices]
    out += [r.body(products[r.sku]) for r in e.receipts]
    out += produce_items(e) + sale_items(e)
    out += sync_items(e)
    return out


def sale_items(e: economy.CoopEconomy) -> list[dict[str, Any]]:
    products, members = fake_ids(e)
    return [s.item("warehouse-shop", products,
                   None if s.member_seq is None else members[s.member_seq]) for s in e.sales]


def produce_items(e: economy.CoopEconomy) -> list[dict[str, Any]]:
    products, members = fake_ids(e)
    return [p.item(f"warehouse-{e.product(p.sku).warehouse}", members[p.member_seq],
                   products[p.sku]) for p in e.produce]


def omzet_by_month(e: economy.CoopEconomy) -> list[int]:
    return [sum(s.total_idr for s in e.sales if f"{s.on:%Y-%m}" == month)
            for month in DATES.months]


def produce_by_month(e: economy.CoopEconomy) -> list[int]:
    amounts = []
    for month in DATES.months:
        total = 0
        for p in e.produce:
            price = e.product(p.sku).price("buy_from_member")
            assert price is not None
            total += price.amount(p.net_qty_g) if f"{p.on:%Y-%m}" == month else 0
        amounts.append(total)
    return amounts


def sync_items(e: economy.CoopEconomy) -> list[dict[str, Any]]:
    _, members = fake_ids(e)
    return [fact.item(i + 1, e.occurred_at(i),
                      members[fact.member_seq] if fact.member_seq else f"loan-{fact.loan_n}",
                      e.fact_reference(i))
            for i, fact in enumerate(e.facts)]


def is_money(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


# --- determinism ----------------------------------------------------------------------


def test_the_economy_is_deterministic_and_its_bodies_identical_on_every_run() -> None:
    first, second = build(), build()
    assert first == second
    assert ([json.dumps(bodies(e), ensure_ascii=False) for e in first]
            == [json.dumps(bodies(e), ensure_ascii=False) for e in second])


def test_the_economy_runs_over_the_last_three_months_up_to_the_day_it_is_seeded() -> None:
    # On 7 December (issue 9): October, November and December up to the 7th, so the
    # dashboard opens on a month with data, not an empty one.
    partial = {e.slug: e for e in build(PARTIAL)}
    dates = DemoDates.of(PARTIAL)
    assert dates.months == ("2026-10", "2026-11", "2026-12")
    assert (dates.money_from, dates.until) == (date(2026, 10, 1), date(2026, 12, 7))
    december = [s for e in partial.values() for s in e.sales if s.on >= date(2026, 12, 1)]
    assert december
    assert max(s.on for s in december) == date(2026, 12, 7)
    assert build(PARTIAL) != build()  # another day, other dates


@settings(max_examples=40, deadline=None)
@given(today=st.dates(min_value=demo.EARLIEST_TODAY, max_value=date(2036, 12, 31)))
def test_any_day_from_the_earliest_gives_a_whole_demo_dated_before_it(today: date) -> None:
    dates = DemoDates.of(today)
    federation = demo.build_demo(today)
    first = date.fromisoformat(dates.months[0] + "-01")
    assert dates.money_from == first
    assert f"{dates.until:%Y-%m}" == dates.months[-1]
    for e in economy.build_economy(federation, today):
        days = ([s.on for s in e.sales] + [p.on for p in e.produce] + [f.on for f in e.facts]
                + [loan.disbursed_on for loan in e.loans])
        assert max(days) <= e.last_day <= dates.until == today, e.slug
        assert min(s.on for s in e.sales) >= dates.money_from > dates.prices_from
        assert all(r.received_on == dates.money_from for r in e.receipts)
        # a month the facts reach only in part has its share of a whole month's sales
        per_month = Counter(f"{s.on:%Y-%m}" for s in e.sales)
        profile = economy.PROFILES[e.slug]
        assert [per_month[m] for m in dates.months] == [
            economy.month_share(n, m, e.last_day) for n, m in zip(profile.sales, dates.months,
                                                                  strict=True)]
        assert {a.seq for c in federation if c.spec.slug == e.slug for a in c.applicants
                if a.outcome == "admitted"} == {p.member_seq for p in e.pokok}


def test_a_month_in_part_gets_its_share_of_a_whole_month() -> None:
    assert economy.month_share(31, "2026-12", date(2026, 12, 6)) == 6
    assert economy.month_share(38, "2026-12", date(2026, 12, 7)) == 9  # 8,58
    assert economy.month_share(38, "2026-12", date(2026, 12, 6)) == 7  # 7,35
    assert economy.month_share(30, "2026-11", date(2026, 12, 6)) == 30
    assert economy.month_share(30, "2026-12", date(2026, 11, 26)) == 0  # stopped before
    assert economy.month_share(10, "2028-02", date(2028, 2, 29)) == 10


def test_prices_take_effect_before_every_fact_and_nothing_is_dated_after_the_end() -> None:
    # Inventory backdates a price only while its list is empty: one price per list, from
    # a fixed day before any sale or produce purchase.
    assert DATES.prices_from < DATES.money_from
    assert DATES.until == TODAY
    assert DATES.months == ("2026-09", "2026-10", "2026-11")
    for e in build():
        for product in e.products:
            lists = [price.price_list for price in product.prices]
            assert len(lists) == len(set(lists))
            for price in product.prices:
                assert price.body(e.dates.prices_from)["effective_from"] == (
                    DATES.prices_from.isoformat())
        days = [s.on for s in e.sales] + [p.on for p in e.produce]
        days += [f.on for f in e.facts if f.on >= DATES.money_from]
        assert all(DATES.money_from <= day <= e.last_day <= DATES.until
                   for day in days), e.slug
        assert all(p.harvest_date <= p.on for p in e.produce)


# --- money ----------------------------------------------------------------------------


def test_every_amount_is_whole_rupiah() -> None:
    for e in build():
        amounts = [e.policy.pokok_idr, e.policy.wajib_idr]
        amounts += [f.amount_idr for f in e.facts]
        amounts += [loan.principal_idr for loan in e.loans]
        amounts += [i.principal_idr for loan in e.loans for i in loan.schedule()]
        amounts += [r.total_cost_idr for r in e.receipts]
        amounts += [p.price_idr for product in e.products for p in product.prices]
        amounts += [t.amount_idr for s in e.sales for t in s.tenders]
        amounts += [line.total_idr for s in e.sales for line in s.lines]
        assert all(is_money(a) for a in amounts), e.slug
        assert all(isinstance(loan.schedule()[0].interest_idr, int) for loan in e.loans)


def test_a_sales_tenders_add_up_to_its_total_and_only_members_buy_on_credit() -> None:
    for e in build():
        for sale in e.sales:
            total = sum(line.total_idr for line in sale.lines)
            assert total == sale.total_idr > 0
            assert sum(t.amount_idr for t in sale.tenders) == total
            methods = [t.method for t in sale.tenders]
            if sale.member_seq is None:
                assert methods in (["cash"], ["qris"])
            else:
                assert set(methods) <= {"cash", "qris", "credit"}
            body = sale.body("w", fake_ids(e)[0], None if sale.member_seq is None else "m")
            assert sum(p["amount_idr"] for p in body["payments"]) == total
            assert body["discount_idr"] == 0


def test_lines_are_priced_from_the_buyers_list_with_inventorys_rounding() -> None:
    assert economy.line_amount(750, 13_500, 1000) == 10_125
    assert economy.line_amount(1, 500, 1000) == 1  # Rp 0,5 rounds half up
    assert economy.line_amount(3, 18_500, 1) == 55_500
    for e in build():
        for sale in e.sales:
            wanted: economy.PriceListName = (
                "non_member" if sale.member_seq is None else "member")
            for line in sale.lines:
                price = e.product(line.sku).price(wanted)
                assert price is not None
                assert (line.price_idr, line.per_qty) == (price.price_idr, price.per_qty)
                assert line.total_idr == economy.line_amount(line.qty, line.price_idr,
                                                             line.per_qty)


def test_member_prices_are_below_non_member_prices_and_buying_below_selling() -> None:
    for e in build():
        for product in e.products:
            member, non_member = product.price("member"), product.price("non_member")
            buy = product.price("buy_from_member")
            if member is not None and non_member is not None:
                assert member.price_idr < non_member.price_idr
            if buy is not None and non_member is not None:
                assert buy.price_idr < non_member.price_idr
            if product.unit_cost_idr is not None and member is not None:
                assert product.unit_cost_idr < member.price_idr


def test_the_savings_policies_lie_in_the_agreed_ranges() -> None:
    for e in build():
        assert 50_000 <= e.policy.pokok_idr <= 100_000
        assert 10_000 <= e.policy.wajib_idr <= 25_000
        assert 1 <= e.policy.wajib_due_day <= 28
    assert len({e.policy for e in build()}) > 1
    # the coffee farmers' instalments of the harvest month come out of its payouts
    assert {e.slug for e in build() if e.policy.payout_instalments == "due_this_month"} == {
        "kopi-wewewa"}


# --- savings --------------------------------------------------------------------------


def test_every_admitted_member_pays_pokok_once_on_the_day_of_admission() -> None:
    for e in build():
        members = admitted(e.slug)
        assert sorted(p.member_seq for p in e.pokok) == sorted(members)
        for p in e.pokok:
            assert p.on == members[p.member_seq].admitted_on
            assert p.body(e.policy.pokok_idr)["amount_idr"] == e.policy.pokok_idr
        keys = {p.key(e.slug, a) for p in e.pokok for a in (e.policy.pokok_idr, 50_000)}
        assert len(keys) == len(e.pokok) * (1 if e.policy.pokok_idr == 50_000 else 2)


def test_most_members_pay_wajib_and_some_are_in_arrears() -> None:
    for e in build():
        members = admitted(e.slug)
        wajib = [f for f in e.facts if f.savings_type == "wajib"]
        per_member = Counter(f.member_seq for f in wajib)
        assert all(f.amount_idr == e.policy.wajib_idr for f in wajib)
        assert max(per_member.values()) == len(DATES.months)
        owed = len(members) * len(DATES.months)
        assert 0.6 * owed <= len(wajib) < owed, e.slug  # most pay, some in arrears
        for f in wajib:
            assert f.member_seq is not None
            period = f.client_id.rsplit("-", 2)[-2:]
            start = date(int(period[0]), int(period[1]), 1)
            assert max(start, members[f.member_seq].admitted_on or start) <= f.on
            assert f.on <= DATES.until
        sukarela = [f for f in e.facts if f.savings_type == "sukarela"]
        assert sukarela, e.slug


def test_offline_facts_are_numbered_in_date_order_with_stable_unique_client_ids() -> None:
    for e in build():
        items = sync_items(e)
        assert [i["device_seq"] for i in items] == list(range(1, len(items) + 1))
        assert [f.on for f in e.facts] == sorted(f.on for f in e.facts)
        ids = [i["client_id"] for i in items]
        assert len(ids) == len(set(ids))
        assert all(len(c) <= 100 and all("!" <= ch <= "~" for ch in c) for c in ids)
        assert len(items) <= 500  # one sync batch
        offset = "+08:00" if e.time_zone == "WITA" else "+09:00"
        for item, fact in zip(items, e.facts, strict=True):
            assert item["occurred_at"].endswith(offset)
            assert item["occurred_at"][:10] == item["business_date"] == fact.on.isoformat()
            assert DATES.money_from - timedelta(days=120) <= fact.on <= DATES.until


# --- loans ----------------------------------------------------------------------------


def test_loans_go_to_long_standing_members_of_the_three_lending_cooperatives() -> None:
    federation = build()
    assert {e.slug for e in federation if e.loans} == LOAN_COOPS
    for e in federation:
        if not e.loans:
            continue
        assert 2 <= len(e.loans) <= 5
        members = admitted(e.slug)
        assert len({loan.member_seq for loan in e.loans}) == len(e.loans)
        for loan in e.loans:
            admitted_on = members[loan.member_seq].admitted_on
            assert admitted_on is not None
            assert admitted_on <= loan.applied_on - timedelta(days=60)
            assert (loan.applied_on <= loan.approved_on <= loan.disbursed_on
                    < loan.first_due_date)
            if loan.applied_on < DATES.money_from:
                assert loan.first_due_date <= DATES.until
            else:  # the coffee farmers' pre-harvest loans
                assert e.slug == "kopi-wewewa"
                assert loan.disbursed_on <= DATES.until
            assert 1 <= loan.term_months <= 60
            assert 0 <= loan.interest_rate_bp_per_month <= 1000


def test_the_schedule_repays_the_principal_exactly() -> None:
    for e in build():
        for loan in e.loans:
            schedule = loan.schedule()
            assert len(schedule) == loan.term_months
            assert sum(i.principal_idr for i in schedule) == loan.principal_idr
            assert [i.due_date for i in schedule] == [
                economy.add_months(loan.first_due_date, n) for n in range(loan.term_months)]


def test_the_schedule_follows_the_flat_and_declining_rules() -> None:
    flat = economy.Loan(1, 1, 1_500_000, 12, 100, "flat", 200, date(2026, 7, 3),
                        date(2026, 7, 5), date(2026, 7, 6), date(2026, 8, 6), "modal tani")
    assert {(i.principal_idr, i.interest_idr) for i in flat.schedule()} == {(125_000, 15_000)}
    declining = economy.Loan(1, 1, 1_000_000, 3, 200, "declining_balance", 200,
                             date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7),
                             date(2026, 1, 31), "x")
    assert [(i.due_date, i.principal_idr, i.interest_idr) for i in declining.schedule()] == [
        (date(2026, 1, 31), 333_333, 20_000), (date(2026, 2, 28), 333_333, 13_333),
        (date(2026, 3, 31), 333_334, 6_667)]


def test_repayments_pay_instalments_on_time_and_one_loan_is_left_overdue() -> None:
    overdue = []
    for e in build():
        for loan in e.loans:
            paid = [f for f in e.facts if f.loan_n == loan.n]
            schedule = {i.n: i for i in loan.schedule()}
            assert [f.instalment_n for f in paid] == list(range(1, len(paid) + 1))
            for f in paid:
                instalment = schedule[f.instalment_n or 0]
                assert f.amount_idr == instalment.total_idr
                assert loan.disbursed_on < f.on <= instalment.due_date <= e.last_day
            if loan.overdue:
                overdue.append(e.slug)
                assert len(paid) == 1
            elif e.slug == "kopi-wewewa":
                # Paid in cash through October; November waits for the harvest payout.
                assert all(f.on <= date(2026, 10, 31) for f in paid)
            else:
                # Up to its last day: the stale cooperative's collector stopped syncing.
                due = [i for i in loan.schedule() if i.due_date <= e.last_day]
                assert len(paid) == len(due) >= 1
    assert overdue == ["ksp-nusa-kenari"]


# --- inventory ------------------------------------------------------------------------


def test_each_cooperative_has_a_shop_and_a_catalogue_that_suits_it() -> None:
    federation = {e.slug: e for e in build()}
    for e in federation.values():
        assert 4 <= len(e.products) <= 8
        assert [w.kind for w in e.warehouses].count("shop") == 1
        skus = {p.sku for p in e.products}
        assert len(skus) == len(e.products)
        assert "BERAS-5KG" in skus
        assert {p.warehouse for p in e.products} <= {w.code for w in e.warehouses}
    assert "cold_storage" in {w.kind for w in federation["nelayan-jargaria"].warehouses}
    assert {p.category for p in federation["tenun-lambanapu"].products} >= {"handicraft"}
    assert any(p.sku.startswith("PUPUK") for p in federation["kopi-wewewa"].products)
    for slug in PRODUCE_COOPS:
        grams = [p for p in federation[slug].products if p.price("buy_from_member")]
        assert len(grams) >= 2
        assert all(p.base_unit == "g" and p.lot_tracking != "none" for p in grams)
        assert all(p.warehouse != "shop" for p in grams)


def test_the_shops_sell_every_month_to_members_and_non_members() -> None:
    for e in build():
        profile = economy.PROFILES[e.slug]
        per_month = Counter(f"{s.on:%Y-%m}" for s in e.sales)
        assert tuple(per_month[m] for m in DATES.months) == tuple(
            economy.month_share(n, m, e.last_day)
            for n, m in zip(profile.sales, DATES.months, strict=True))
        if e.last_day == DATES.until:  # whole months: a whole month's count each
            assert tuple(per_month[m] for m in DATES.months) == profile.sales
        assert all(10 <= n <= 40 for n in profile.sales)
        members = admitted(e.slug)
        for month in DATES.months:
            buyers = Counter(s.buyer_type for s in e.sales if f"{s.on:%Y-%m}" == month)
            assert buyers["member"] > 0, (e.slug, month)
            assert buyers["non_member"] > 0, (e.slug, month)
        for sale in e.sales:
            if sale.member_seq is not None:  # a member buys as a member once admitted
                admitted_on = members[sale.member_seq].admitted_on
                assert admitted_on is not None
                assert admitted_on <= sale.on
        methods = {t.method for s in e.sales for t in s.tenders}
        assert methods == {"cash", "qris", "credit"}
        assert len({s.receipt_no for s in e.sales}) == len(e.sales)
        for sale in e.sales:
            assert 1 <= len(sale.lines) <= 3
            assert len({line.sku for line in sale.lines}) == len(sale.lines)
            assert all(e.product(line.sku).warehouse == "shop" for line in sale.lines)


def test_the_till_and_the_scale_number_their_offline_facts_in_date_order() -> None:
    client_ids: list[str] = []
    for e in build():
        offset = "+08:00" if e.time_zone == "WITA" else "+09:00"
        for device, items, facts in ((e.till_device_id, sale_items(e), e.sales),
                                     (e.scale_device_id, produce_items(e), e.produce)):
            assert device.startswith(f"demo-{e.slug}-")
            assert [i["device_seq"] for i in items] == list(range(1, len(items) + 1))
            assert [f.on for f in facts] == sorted(f.on for f in facts)
            moments = [i["occurred_at"] for i in items]
            assert len(moments) == len(set(moments))
            for item in items:
                assert item["occurred_at"].endswith(offset)
                assert item["occurred_at"][:10] == item["business_date"]
            client_ids += [i["client_id"] for i in items]
        assert len({e.device_id, e.till_device_id, e.scale_device_id}) == 3
        assert [i["type"] for i in sale_items(e)] == ["sale"] * len(e.sales)
        assert [i["type"] for i in produce_items(e)] == ["produce_receipt"] * len(e.produce)
    assert len(client_ids) == len(set(client_ids))
    assert all(len(c) <= 100 and all("!" <= ch <= "~" for ch in c) for c in client_ids)


def test_the_coffee_cooperative_grows_and_the_weavers_gallery_shrinks() -> None:
    federation = {e.slug: e for e in build()}
    coffee = federation["kopi-wewewa"]
    omzet = omzet_by_month(coffee)
    assert omzet[0] < omzet[1] < omzet[2]
    produce = produce_by_month(coffee)
    assert produce[0] < produce[1] < produce[2]
    # Pre-harvest loans in September and October: the portfolio grows too.
    assert sorted(f"{loan.disbursed_on:%Y-%m}" for loan in coffee.loans
                  if loan.disbursed_on >= DATES.money_from) == ["2026-09", "2026-10"]
    gallery = omzet_by_month(federation["tenun-lambanapu"])
    assert gallery[0] > gallery[1] > gallery[2]
    for e in federation.values():
        assert all(amount > 0 for amount in omzet_by_month(e)), e.slug


def test_one_cooperatives_devices_stopped_syncing_ten_days_before_the_end() -> None:
    federation = {e.slug: e for e in build()}
    stale = [e for e in federation.values() if e.last_day < DATES.until]
    assert [e.slug for e in stale] == [STALE]
    e = stale[0]
    assert e.last_day == DATES.until - timedelta(days=economy.STALE_DAYS)
    assert economy.STALE_DAYS == 10
    # Everything of it stops: shop, scale and collector.
    last = max([s.on for s in e.sales] + [p.on for p in e.produce] + [f.on for f in e.facts])
    assert last <= e.last_day
    assert any(s.on == e.last_day for s in e.sales)
    # Instalments falling due after it are not repaid (its collector's phone stopped too).
    repaid = {(f.loan_n, f.instalment_n) for f in e.facts if f.loan_n}
    assert not {(loan.n, i.n) for loan in e.loans for i in loan.schedule()
                if i.due_date > e.last_day} & repaid
    for other in federation.values():
        if other is not e:
            assert other.last_day == DATES.until
            assert max(s.on for s in other.sales) >= DATES.until - timedelta(days=3)


def test_goods_receipts_cover_what_the_shop_sells_in_all_three_months() -> None:
    for e in build():
        received = {r.sku: r for r in e.receipts}
        sold = Counter[str]()
        for sale in e.sales:
            for line in sale.lines:
                sold[line.sku] += line.qty
        for sku, qty in sold.items():
            assert received[sku].qty > qty
        for receipt in e.receipts:
            cost = e.product(receipt.sku).unit_cost_idr
            assert cost is not None
            assert receipt.total_cost_idr == receipt.qty * cost
            assert receipt.supplier_ref


def test_produce_is_bought_from_members_by_weight_month_by_month() -> None:
    federation = {e.slug: e for e in build()}
    assert {slug for slug, e in federation.items() if e.produce} == PRODUCE_COOPS
    november = economy.month_days(DATES.months[-1], DATES.until)
    for slug in PRODUCE_COOPS:
        e = federation[slug]
        members = admitted(slug)
        profile = economy.PROFILES[slug].produce
        assert profile is not None
        per_month = Counter(f"{p.on:%Y-%m}" for p in e.produce)
        assert tuple(per_month[m] for m in DATES.months) == profile.deliveries
        lots: dict[tuple[str, str], date] = {}
        for p in e.produce:
            assert p.member_seq in members
            admitted_on = members[p.member_seq].admitted_on
            assert admitted_on is not None
            assert admitted_on <= p.on
            assert e.product(p.sku).price("buy_from_member") is not None
            assert 0 < p.tare_g < p.gross_qty_g
            assert p.harvest_date <= p.on <= DATES.until
            # A lot has one harvest date, hence one expiry date.
            assert lots.setdefault((p.sku, p.lot_id), p.harvest_date) == p.harvest_date
        # Borrowers deliver in November: the payouts withhold the instalments due.
        november_suppliers = {p.member_seq for p in e.produce
                              if november[0] <= p.on <= november[1]}
        assert {loan.member_seq for loan in e.loans} <= november_suppliers
        wajib_paid = Counter(f.member_seq for f in e.facts if f.savings_type == "wajib")
        in_arrears = {seq for seq in members if wajib_paid[seq] < len(DATES.months)}
        suppliers = {p.member_seq for p in e.produce}
        assert suppliers & in_arrears, slug  # a payout withholds wajib arrears
        # ... only once the last bill is due, so the payout settles bills really due.
        last_due = e.policy.due_date(DATES.months[-1])
        assert all(p.on > last_due for p in e.produce if p.member_seq in in_arrears)


def test_keys_are_unique_printable_and_short_enough() -> None:
    keys: list[str] = []
    for e in build():
        keys.append(economy.economy_key("policy", e.slug))
        keys += [p.key(e.slug, e.policy.pokok_idr) for p in e.pokok]
        keys += [k for loan in e.loans for k in loan.keys(e.slug)]
        keys += [economy.economy_key("warehouse", e.slug, w.code) for w in e.warehouses]
        keys += [economy.economy_key("product", e.slug, p.sku) for p in e.products]
        keys += [economy.economy_key("receipt", e.slug, r.sku) for r in e.receipts]
        keys += [pr.key(e.slug, p.sku, DATES.prices_from) for p in e.products
                 for pr in p.prices]
    assert len(keys) == len(set(keys))
    assert all(key.startswith("demo-v1-") for key in keys)
    assert all(len(key) <= 255 and all(" " <= ch <= "~" for ch in key) for key in keys)


def test_rupiah_and_kilograms_read_the_indonesian_way() -> None:
    assert format_rupiah(1_234_567) == "Rp 1.234.567"
    assert format_rupiah(0) == "Rp 0"
    assert format_rupiah(-50_000) == "-Rp 50.000"
    assert format_kg(459_940) == "459,9 kg"
    assert format_kg(1_234_550) == "1.234,6 kg"


# --- agreement with the services' own code --------------------------------------------


def test_our_arithmetic_agrees_with_the_services() -> None:
    for e in build():
        for loan in e.loans:
            theirs = payments_schedule.build_schedule(
                loan.principal_idr, loan.term_months, loan.interest_rate_bp_per_month,
                payments_values.InterestMethod(loan.method), loan.first_due_date)
            assert [(i.n, i.due_date, i.principal_idr, i.interest_idr) for i in theirs] == [
                (i.n, i.due_date, i.principal_idr, i.interest_idr) for i in loan.schedule()]
        for sale in e.sales:
            for line in sale.lines:
                assert line.total_idr == inventory_pricing.line_amount(
                    line.qty, line.price_idr, line.per_qty)
    for day in (date(2026, 1, 31), date(2024, 1, 31), date(2026, 8, 20)):
        for months in (1, 2, 13):
            assert economy.add_months(day, months) == payments_dates.add_months(day, months)


def test_the_bodies_are_valid_for_the_services_schemas() -> None:
    for e in build():
        products, _ = fake_ids(e)
        payments_schemas.SavingsPolicyIn.model_validate(e.policy.body())
        for pokok in e.pokok:
            payments_schemas.DepositIn.model_validate(pokok.body(e.policy.pokok_idr))
        for loan in e.loans:
            payments_loans.LoanApplyIn.model_validate(loan.apply_body("member-x"))
            payments_loans.ApproveIn.model_validate(loan.approve_body())
            payments_loans.DisburseIn.model_validate(loan.disburse_body())
        items = sync_items(e)
        platform_sync.SyncBatch.model_validate({"device_id": e.device_id, "items": items})
        for item in items:
            model = (payments_offline.DepositFact if item["type"] == "savings_deposit"
                     else payments_offline.RepaymentFact)
            model.model_validate(item["payload"])
        for w in e.warehouses:
            inventory_schemas.WarehouseIn.model_validate(w.body())
        for product in e.products:
            inventory_schemas.ProductIn.model_validate(product.body())
            for price in product.prices:
                inventory_schemas.PriceIn.model_validate(price.body(e.dates.prices_from))
        for r in e.receipts:
            inventory_schemas.GoodsReceiptIn.model_validate(r.body(products[r.sku]))
        for device, items in ((e.scale_device_id, produce_items(e)),
                              (e.till_device_id, sale_items(e))):
            if items:
                platform_sync.SyncBatch.model_validate({"device_id": device, "items": items})
        for item in produce_items(e):
            inventory_sync.ProduceFactIn.model_validate(item["payload"])
        for item in sale_items(e):
            # the offline sale's payload
            inventory_schemas.SaleIn.model_validate(item["payload"])


# --- the processes --------------------------------------------------------------------


def test_make_run_starts_every_role_once_on_its_own_ports(tmp_path: Any) -> None:
    names = [s.name for s in SERVICES]
    assert len(names) == len(set(names)) == 15
    for service in ("members", "inventory", "payments", "reporting", "partners"):
        assert f"{service}-api" in names
    apis = {s.name: s.port for s in SERVICES if s.port is not None}
    assert apis == {"members-api": 8001, "inventory-api": 8002, "payments-api": 8003,
                    "reporting-api": 8004, "partners-api": 8005}
    metrics = {s.name: s.metrics_port for s in SERVICES if s.metrics_port is not None}
    assert metrics == {"inventory-consumer": 9102, "payments-consumer": 9103,
                       "reporting-consumer": 9104, "partners-consumer": 9105}
    settings = Settings(stack_root=tmp_path, cache_dir=tmp_path, pg_port=55432,
                        kafka_version=KAFKA_VERSION, kafka_port=59092,
                        kafka_controller_port=59093, pg_admin_dsn_given=None,
                        kafka_bootstrap_given=None)
    consumer = next(s for s in SERVICES if s.name == "payments-consumer")
    env = service_env(consumer, settings, Paths(tmp_path), "nik",
                      base={"GOTONG_PAYMENTS_JWT_KEY": "inline"})
    assert env["GOTONG_PAYMENTS_CONSUMER_METRICS_PORT"] == "9103"
    assert env["OTEL_SERVICE_NAME"] == "payments-consumer"  # as its Deployment names it
    assert env["GOTONG_PAYMENTS_DATABASE_URL"].endswith("/gotong_payments")
    assert "GOTONG_PAYMENTS_JWT_KEY" not in env
    assert "GOTONG_PAYMENTS_NIK_KEY" not in env
    assert "GOTONG_PAYMENTS_PSEUDONYM_KEY" not in env
    # Every service logs in to the broker (SASL/SCRAM) as the stack's internal user.
    assert env["GOTONG_PAYMENTS_KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
    assert env["GOTONG_PAYMENTS_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert env["GOTONG_PAYMENTS_KAFKA_SASL_USERNAME"] == "gotong"
    assert env["GOTONG_PAYMENTS_KAFKA_SASL_PASSWORD"] == "gotong-dev-secret"
    # The gateway's processes get the pseudonym key from its file under the stack.
    Paths(tmp_path).pseudonym_key.write_text("a2V5\n", "ascii")
    gateway = next(s for s in SERVICES if s.name == "partners-consumer")
    env = service_env(gateway, settings, Paths(tmp_path), "nik", base={})
    assert env["GOTONG_PARTNERS_PSEUDONYM_KEY"] == "a2V5"
    assert env["GOTONG_PARTNERS_CONSUMER_METRICS_PORT"] == "9105"
    assert "GOTONG_PARTNERS_NIK_KEY" not in env
    assert "GOTONG_PARTNERS_WEBHOOK_ALLOW_HTTP" not in env
    api = next(s for s in SERVICES if s.name == "partners-api")
    env = service_env(api, settings, Paths(tmp_path), "nik", base={})
    assert env["GOTONG_PARTNERS_WEBHOOK_ALLOW_HTTP"] == "true"  # development only
    # The dashboard's partner pages: reporting names the gateway, the gateway allows its page.
    assert json.loads(env["GOTONG_PARTNERS_CORS_ORIGINS"]) == ["http://127.0.0.1:8004"]
    reporting = next(s for s in SERVICES if s.name == "reporting-api")
    env = service_env(reporting, settings, Paths(tmp_path), "nik", base={})
    assert env["GOTONG_REPORTING_PARTNERS_API_URL"] == "http://127.0.0.1:8005"
    # The member's page (on payments) reads her SHU and her cooperative from reporting.
    assert json.loads(env["GOTONG_REPORTING_CORS_ORIGINS"]) == ["http://127.0.0.1:8003"]
    payments = next(s for s in SERVICES if s.name == "payments-api")
    env = service_env(payments, settings, Paths(tmp_path), "nik", base={})
    assert env["GOTONG_PAYMENTS_REPORTING_API_URL"] == "http://127.0.0.1:8004"


def test_each_process_is_its_service_module_and_role_with_the_services_settings() -> None:
    for s in SERVICES:
        service, role = s.name.split("-")
        port = () if s.port is None else ("--port", str(s.port))
        assert s.args == ("-m", service, role, *port), s.name
        assert (s.env_prefix, s.database) == (f"GOTONG_{service.upper()}_", f"gotong_{service}")
    assert {s.name for s in SERVICES if s.nik_key} == {"members-api", "members-relay"}
    assert {s.name for s in SERVICES if s.pseudonym_key} == {"partners-api", "partners-consumer"}

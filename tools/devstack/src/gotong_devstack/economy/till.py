"""The shop's side of the economy: the till's sales month by month, and the goods receipts
that stock them."""

from __future__ import annotations

import random
from datetime import date, time, timezone

from gotong_devstack.demo import Applicant
from gotong_devstack.demo_dates import DemoDates
from gotong_devstack.economy.draws import admitted_on, day_between, moments, weighted_distinct
from gotong_devstack.economy.inventory import GoodsReceipt, PriceListName, Sale, SaleLine, Tender
from gotong_devstack.economy.keys import economy_key
from gotong_devstack.economy.months import month_days, month_share
from gotong_devstack.economy.profiles import Profile


def draw_sales(rng: random.Random, slug: str, profile: Profile, members: list[Applicant],
               zone: timezone, dates: DemoDates) -> tuple[Sale, ...]:
    """The till's sales, month by month (`profile.sales`, by days in a month it reaches
    only in part), on days up to its `last_day`, the last of them on that day."""
    shelf = [p for p in profile.products if p.weight > 0 and p.warehouse == "shop"]
    last_day = profile.last_day(dates)
    days: list[date] = []
    for month, count in zip(dates.months, profile.sales, strict=True):
        first, last = month_days(month, last_day)
        if last < first:
            continue  # its devices stopped before this month began
        share = month_share(count, month, last_day)
        month_sales = [day_between(rng, first, last) for _ in range(share)]
        if month_sales and last == last_day:
            month_sales[-1] = last  # the shop sells up to its last day
        days += sorted(month_sales)
    sales: list[Sale] = []
    for n, (day, at) in enumerate(zip(days, moments(days, zone, time(7, 30), 23),
                                      strict=True), start=1):
        # A member buys as a member only once admitted.
        eligible = [a for a in members if admitted_on(a) <= day]
        member = (rng.choice(eligible) if eligible and rng.random() < profile.member_share
                  else None)
        price_list: PriceListName = "non_member" if member is None else "member"
        month_index = dates.months.index(f"{day:%Y-%m}")
        items = {p: profile.weight(p, month_index) for p in shelf}
        lines = []
        for product in weighted_distinct(rng, items, rng.choices((1, 2, 3), (5, 3, 2))[0]):
            price = product.price(price_list)
            if price is None:
                raise ValueError(f"{product.sku} has no {price_list} price")
            lines.append(SaleLine(product.sku, rng.randint(1, product.max_qty), price.price_idr,
                                  price.per_qty))
        total = sum(line.total_idr for line in lines)
        sales.append(Sale(n, economy_key(slug, "sale", n), day, at,
                          None if member is None else member.seq, tuple(lines),
                          _tenders(rng, total, member is not None),
                          f"{profile.code}-G1-{n:04d}"))
    return tuple(sales)


def _tenders(rng: random.Random, total: int, is_member: bool) -> tuple[Tender, ...]:
    draw = rng.random()
    if not is_member:
        return (Tender("cash" if draw < 0.7 else "qris", total),)
    if draw < 0.45:
        return (Tender("cash", total),)
    if draw < 0.65:
        return (Tender("qris", total),)
    if draw < 0.85 or total < 2_000:
        return (Tender("credit", total),)
    # Part now, the rest on the member's account (kasbon), in whole thousands.
    cash = max(1_000, total * rng.randint(30, 70) // 100 // 1_000 * 1_000)
    return (Tender("cash", cash), Tender("credit", total - cash))


def draw_receipts(rng: random.Random, profile: Profile, sales: tuple[Sale, ...],
                  received_on: date) -> tuple[GoodsReceipt, ...]:
    """Enough of every shop product for all the months' sales, and some left on the shelf.

    Goods receipts are online commands, dated (`received_on`) the first day of the months:
    the whole stock comes in before the till's offline sales are uploaded, so none of them
    oversells, and every month's stock on hand is what its sales left.
    """
    receipts = []
    for i, product in enumerate(p for p in profile.products if p.unit_cost_idr is not None):
        sold = sum(line.qty for sale in sales for line in sale.lines if line.sku == product.sku)
        spare = rng.randint(2, 4) if product.max_qty == 1 else rng.randint(5, 15)
        qty = sold + spare
        receipts.append(GoodsReceipt(product.sku, qty, qty * (product.unit_cost_idr or 0),
                                     f"{product.supplier}, DO {profile.code}-{i + 1:03d}",
                                     received_on))
    return tuple(receipts)

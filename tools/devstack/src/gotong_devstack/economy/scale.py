"""Produce bought from members: the warehouse scale's offline facts, month by month."""

from __future__ import annotations

import random
from datetime import date, time, timedelta, timezone

from gotong_devstack.demo import Applicant
from gotong_devstack.demo_dates import DemoDates
from gotong_devstack.economy.collector import due_periods
from gotong_devstack.economy.draws import admitted_on, day_between, moments
from gotong_devstack.economy.inventory import ProducePurchase
from gotong_devstack.economy.keys import economy_key
from gotong_devstack.economy.months import month_days, month_share
from gotong_devstack.economy.payments import Loan
from gotong_devstack.economy.profiles import Profile


def draw_produce_purchases(rng: random.Random, slug: str, profile: Profile,
                           members: list[Applicant], loans: tuple[Loan, ...],
                           arrears: dict[int, int], zone: timezone, dates: DemoDates
                           ) -> tuple[ProducePurchase, ...]:
    """Members' deliveries, month by month (`produce.deliveries`, by days in a month the
    facts reach only in part).

    Payments pays each out, withholding first the loan instalments due (by the receipt's
    date, or, for the coffee cooperative's policy, the whole month's), then the member's
    wajib arrears as they stand when it pays. So every borrower delivers in the last month
    (the harvest repays that month's instalment), and a member in arrears delivers after
    the last wajib due date when the month has a day for it (the payout then settles bills
    that are really due, not next month's).
    """
    produce = profile.produce
    if produce is None:
        return ()
    skus_of: dict[int, tuple[str, ...]] = {}
    for a in members:
        for word, skus in produce.by_occupation:
            if word in a.occupation:
                skus_of[a.seq] = skus
                break
    default = produce.by_occupation[0][1]
    admitted = {a.seq: admitted_on(a) for a in members}
    last_day = profile.last_day(dates)
    last_month = month_days(dates.months[-1], last_day)
    if last_month[1] < last_month[0]:
        raise ValueError(f"{slug}: a cooperative that buys produce must sync to the end")
    due = due_periods(profile.policy, dates)
    settles_after = (profile.policy.due_date(due[-1]) + timedelta(days=1) if due
                     else last_month[0])

    def window(seq: int, first: date, last: date) -> tuple[date, date]:
        low = max(first, admitted[seq], settles_after if seq in arrears else first)
        return min(low, last), last

    deliveries: list[tuple[date, int]] = []
    # Borrowers deliver in the last month: their payouts withhold the instalments due.
    for seq in dict.fromkeys(loan.member_seq for loan in loans):
        deliveries.append((day_between(rng, *window(seq, *last_month)), seq))
    # A member in arrears delivers too: the payout settles the arrears.
    owing = sorted(seq for seq in arrears if seq in skus_of)
    if owing and not set(owing) & {seq for _, seq in deliveries}:
        seq = rng.choice(owing)
        deliveries.append((day_between(rng, *window(seq, *last_month)), seq))
    regulars = sorted(seq for seq in skus_of if seq not in arrears
                      and seq not in {s for _, s in deliveries})
    regulars = rng.sample(regulars, min(len(regulars), 8))
    for month, count in zip(dates.months, produce.deliveries, strict=True):
        first, last = month_days(month, last_day)
        have = sum(1 for day, _ in deliveries if first <= day <= last)
        for _ in range(month_share(count, month, last_day) - have):
            day = day_between(rng, first, last)
            eligible = [seq for seq in regulars if admitted[seq] <= day]
            deliveries.append((day, rng.choice(eligible)))
    deliveries.sort()

    weights = dict(produce.weights)
    days = [day for day, _ in deliveries]
    purchases = []
    for n, ((day, seq), at) in enumerate(zip(deliveries, moments(days, zone, time(7, 0), 20),
                                             strict=True), start=1):
        sku = rng.choice(skus_of.get(seq, default))
        gross_min, gross_max, tare_min, tare_max = weights[sku]
        harvest = day - timedelta(days=rng.randint(*produce.harvest_lag))
        grade = rng.choice(produce.grades)
        purchases.append(ProducePurchase(
            n=n, client_id=economy_key(slug, "produce", n), on=day, at=at, member_seq=seq,
            sku=sku, gross_qty_g=rng.randint(gross_min // 100, gross_max // 100) * 100,
            tare_g=rng.randint(tare_min // 10, tare_max // 10) * 10, grade=grade,
            # One lot per product, harvest day and grade: a lot has one expiry date.
            lot_id=f"{sku.split('-')[0]}-{sku.split('-')[1][:3]}-{harvest:%y%m%d}-{grade}",
            harvest_date=harvest))
    return tuple(purchases)

"""Generating the economy: one cooperative at a time, each concern from its own seeded
generator, so the same federation and day give the same data on every run."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from gotong_devstack.demo import SEED, Applicant, DemoCoop
from gotong_devstack.demo_dates import DemoDates
from gotong_devstack.economy.collector import draw_facts, draw_loans
from gotong_devstack.economy.coop import ZONES, CoopEconomy
from gotong_devstack.economy.draws import admitted_on
from gotong_devstack.economy.payments import Pokok
from gotong_devstack.economy.profiles import PROFILES
from gotong_devstack.economy.scale import draw_produce_purchases
from gotong_devstack.economy.till import draw_receipts, draw_sales


def build_economy(federation: Sequence[DemoCoop], today: date) -> tuple[CoopEconomy, ...]:
    """The economy of every demo cooperative of `demo.build_demo(today)`, seeded on `today`
    (pure: the same federation and day give the same data)."""
    dates = DemoDates.of(today)
    return tuple(_coop(coop, dates) for coop in federation)


def _coop(coop: DemoCoop, dates: DemoDates) -> CoopEconomy:
    spec = coop.spec
    profile = PROFILES[spec.slug]
    # Generators of its own, one per concern: the members' data (demo.py), the other
    # cooperatives and the other concerns are unchanged by a change to one of them.
    rng = random.Random(f"{SEED}:economy:{spec.slug}")  # noqa: S311 - demo data
    shop_rng = random.Random(f"{SEED}:economy:{spec.slug}:shop")  # noqa: S311
    produce_rng = random.Random(f"{SEED}:economy:{spec.slug}:produce")  # noqa: S311
    members = [a for a in coop.applicants if a.outcome == "admitted"]
    if not members:
        raise ValueError(f"{spec.slug} has no admitted members")
    if any(a.admitted_on is None or a.admitted_on > dates.until for a in members):
        raise ValueError(f"{spec.slug}: every admitted member must be admitted by "
                         f"{dates.until.isoformat()}")
    zone = ZONES[spec.regency.time_zone]

    pokok = tuple(Pokok(a.seq, admitted_on(a), f"{profile.code}-SP-{a.seq:03d}") for a in members)
    arrears = _arrears(rng, members)
    loans = draw_loans(rng, profile.loans, members, dates) if profile.loans else ()
    facts = draw_facts(rng, spec.slug, profile, members, arrears, loans, dates)
    sales = draw_sales(shop_rng, spec.slug, profile, members, zone, dates)
    produce = draw_produce_purchases(produce_rng, spec.slug, profile, members, loans, arrears,
                                     zone, dates)
    return CoopEconomy(
        slug=spec.slug, code=profile.code, time_zone=spec.regency.time_zone,
        policy=profile.policy, pokok=pokok, loans=loans, facts=facts,
        warehouses=profile.warehouses, products=profile.products,
        receipts=draw_receipts(shop_rng, profile, sales, dates.money_from), produce=produce,
        sales=sales, last_day=profile.last_day(dates), dates=dates,
    )


def _arrears(rng: random.Random, members: list[Applicant]) -> dict[int, int]:
    """member seq -> how many of the latest wajib periods the member has not paid."""
    owing: dict[int, int] = {}
    for a in members:
        draw = rng.random()
        if draw < 0.10:
            owing[a.seq] = 2
        elif draw < 0.30:
            owing[a.seq] = 1
    if not owing:
        owing[rng.choice(members).seq] = 1
    return owing

"""Payments' side of the economy: the loans, and the collector's offline facts (wajib and
sukarela deposits, loan repayments) in the order the phone uploads them."""

from __future__ import annotations

import random
from datetime import timedelta

from gotong_devstack.demo import Applicant
from gotong_devstack.demo_dates import DemoDates, add_months
from gotong_devstack.economy.draws import admitted_on, day_between
from gotong_devstack.economy.keys import economy_key
from gotong_devstack.economy.payments import Channel, Fact, Loan, Policy
from gotong_devstack.economy.profiles import LoanProfile, Profile


def draw_loans(rng: random.Random, profile: LoanProfile, members: list[Applicant],
               dates: DemoDates) -> tuple[Loan, ...]:
    """The cooperative's loans, one borrower each, applied for in date order."""
    applied = sorted(day_between(rng, dates.loans_from, dates.loans_until)
                     for _ in range(profile.count))
    applied += sorted(profile.later_days(dates))
    chosen: list[Applicant] = []
    for day in applied:
        # Members of some standing: admitted at least 60 days before they apply.
        eligible = [a for a in members if a not in chosen
                    and admitted_on(a) <= day - timedelta(days=60)]
        if not eligible:
            raise ValueError("too few long-standing members for the loans")
        chosen.append(rng.choice(eligible))
    overdue = set(rng.sample(range(profile.count), profile.overdue))
    loans = []
    for i, (day, borrower) in enumerate(zip(applied, chosen, strict=True)):
        approved = day + timedelta(days=rng.randint(1, 3))
        disbursed = approved + timedelta(days=rng.randint(0, 2))
        first_due = add_months(disbursed, 1).replace(day=min(disbursed.day, 20))
        loans.append(Loan(
            n=i + 1, member_seq=borrower.seq, principal_idr=rng.choice(profile.principals),
            term_months=rng.choice(profile.terms),
            interest_rate_bp_per_month=rng.choice(profile.rates_bp),
            method=rng.choice(profile.methods), penalty_bp_per_month=200, applied_on=day,
            approved_on=approved, disbursed_on=disbursed, first_due_date=first_due,
            purpose=rng.choice(profile.purposes), overdue=i in overdue,
        ))
    return tuple(loans)


_FACT_ORDER = {"savings_deposit": 0, "loan_repayment": 1}


def due_periods(policy: Policy, dates: DemoDates) -> tuple[str, ...]:
    """The months whose wajib bill is due by the demo's last day (the running month's may
    not be yet: its members have paid early, or not yet, but are not in arrears)."""
    return tuple(p for p in dates.months if policy.due_date(p) <= dates.until)


def draw_facts(rng: random.Random, slug: str, profile: Profile, members: list[Applicant],
               arrears: dict[int, int], loans: tuple[Loan, ...], dates: DemoDates
               ) -> tuple[Fact, ...]:
    """The collector's facts up to the cooperative's last day, in upload (device seq) order."""
    policy = profile.policy
    last_day = profile.last_day(dates)
    due = due_periods(policy, dates)
    channels: tuple[Channel, ...] = ("cash", "cash", "cash", "transfer", "qris")
    facts: list[Fact] = []
    for a in members:
        admitted = admitted_on(a)
        # In arrears: the latest bills already due are unpaid.
        unpaid = set(due[len(due) - arrears.get(a.seq, 0):]) if a.seq in arrears else set()
        for period in dates.months:
            due_date = policy.due_date(period)
            start = due_date.replace(day=1)
            on = max(due_date - timedelta(days=rng.randint(0, 6)), start, admitted)
            if period in unpaid or on > last_day:  # not paid (yet), or not uploaded
                continue
            facts.append(Fact(economy_key(slug, "wajib", a.seq, period), "savings_deposit",
                              on, policy.wajib_idr, rng.choice(channels), member_seq=a.seq,
                              savings_type="wajib"))
        if rng.random() < 0.4:
            for k in range(1, rng.randint(1, 2) + 1):
                on = day_between(rng, max(dates.money_from, admitted), last_day)
                amount = rng.choice((25_000, 50_000, 100_000, 150_000, 200_000, 250_000, 500_000))
                facts.append(Fact(economy_key(slug, "sukarela", a.seq, k), "savings_deposit",
                                  on, amount, rng.choice(channels), member_seq=a.seq,
                                  savings_type="sukarela"))
    cash_until = min(profile.loans.cash_until(dates) if profile.loans else last_day, last_day)
    for loan in loans:
        for inst in loan.schedule():
            if inst.due_date > cash_until or (loan.overdue and inst.n > 1):
                break
            on = max(inst.due_date - timedelta(days=rng.randint(0, 4)),
                     loan.disbursed_on + timedelta(days=1))
            facts.append(Fact(economy_key(slug, "angsuran", loan.n, inst.n), "loan_repayment",
                              on, inst.total_idr, rng.choice(channels), loan_n=loan.n,
                              instalment_n=inst.n))
    facts.sort(key=lambda f: (f.on, _FACT_ORDER[f.type], f.member_seq or 0, f.loan_n or 0,
                              f.client_id))
    return tuple(facts)

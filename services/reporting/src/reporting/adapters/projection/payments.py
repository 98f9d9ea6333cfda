"""Applies payments events (by their published contracts) to the fact tables.

Savings movements are signed (deposits add, withdrawals and exit refunds take
away). A loan is its disbursement, its schedules (the disbursement's is version 0;
a restructuring's is the loan stream version of its event, so a later one always
wins) and every later fact about it. Rows are written once, keyed by event id or
business key, so duplicated and reordered deliveries converge.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from gotong_platform.contracts import EventContract
from gotong_platform.contracts import payments as c
from gotong_platform.envelope import Envelope
from reporting.adapters.projection.statements import InsertNew, Statements

__all__ = ["apply_contract"]

_SAVINGS = InsertNew("fact_savings", """
    event_id uuid, cooperative_id text, member_id text, savings_type text, kind text,
    channel text, business_date date, recorded_at timestamptz, delta_idr bigint,
    account_id text""", "(event_id)")
_WAJIB_BILL = InsertNew("fact_wajib_bills", """
    account_id text, period text, cooperative_id text, member_id text, due_date date,
    recorded_at timestamptz, amount_idr bigint, business_date date""", "(account_id, period)")
_LOAN = InsertNew("fact_loans", """
    loan_id text, cooperative_id text, member_id text, principal_idr bigint,
    business_date date, recorded_at timestamptz""", "(loan_id)")
_SCHEDULE = InsertNew("fact_loan_schedule", """
    loan_id text, schedule_version integer, number integer, due_date date,
    principal_idr bigint, interest_idr bigint, effective_from date,
    recorded_at timestamptz""")
_LOAN_EVENT = InsertNew("fact_loan_events", """
    event_id uuid, loan_id text, cooperative_id text, member_id text, kind text,
    business_date date, recorded_at timestamptz, principal_idr bigint, interest_idr bigint,
    penalty_idr bigint, channel text, stream_version integer, excess_idr bigint""",
                        "(event_id)")


def _savings(out: Statements, e: c.SavingsDepositedV1 | c.SavingsWithdrawnV1
             | c.SavingsRefundedV1, env: Envelope) -> None:
    channel: str | None = None
    if isinstance(e, c.SavingsDepositedV1):
        kind, delta, channel = "deposit", e.amount_idr, e.channel
    elif isinstance(e, c.SavingsWithdrawnV1):
        kind, delta = "withdrawal", -e.amount_idr
    else:
        kind, delta = "refund", -e.amount_idr
    out.add(_SAVINGS, env.event_id, e.cooperative_id, e.member_id, e.savings_type,
            kind, channel, e.business_date, env.recorded_at, delta, e.account_id)


def _schedule(out: Statements, loan_id: str, version: int,
              schedule: Sequence[c.Instalment], effective_from: date, env: Envelope
              ) -> None:
    out.add_many(_SCHEDULE, [
        (loan_id, version, i.number, i.due_date, i.principal_idr, i.interest_idr,
         effective_from, env.recorded_at) for i in schedule])


def _loan_event(out: Statements, e: Any, env: Envelope, kind: str, *,
                principal: int = 0, interest: int = 0, penalty: int = 0,
                channel: str | None = None, excess: int = 0) -> None:
    out.add(_LOAN_EVENT, env.event_id, e.loan_id, e.cooperative_id, e.member_id,
            kind, e.business_date, env.recorded_at, principal, interest, penalty,
            channel, env.stream_version, excess)


def _loan(out: Statements, e: EventContract, env: Envelope) -> None:
    match e:
        case c.LoanDisbursedV1():
            out.add(_LOAN, e.loan_id, e.cooperative_id, e.member_id,
                    e.principal_idr, e.business_date, env.recorded_at)
            _schedule(out, e.loan_id, 0, e.schedule, e.business_date, env)
        case c.LoanRestructuredV1():
            _loan_event(out, e, env, "restructured",
                        principal=e.outstanding_principal_idr)
            _schedule(out, e.loan_id, env.stream_version, e.schedule, e.business_date,
                      env)
        case c.LoanRepaymentReceivedV1():
            _loan_event(out, e, env, "repayment", principal=e.principal_idr,
                        interest=e.interest_idr, penalty=e.penalty_idr,
                        channel=e.channel, excess=e.excess_idr)
        case c.LoanWrittenOffV1():
            _loan_event(out, e, env, "written_off", principal=e.outstanding_principal_idr,
                        interest=e.interest_idr, penalty=e.penalty_idr)
        case c.LoanClosedV1():
            _loan_event(out, e, env, "closed")
        case c.LoanOverpaidV1():
            _loan_event(out, e, env, "overpaid", excess=e.excess_idr)


def apply_contract(out: Statements, e: EventContract, env: Envelope) -> None:
    match e:
        case c.SavingsDepositedV1() | c.SavingsWithdrawnV1() | c.SavingsRefundedV1():
            _savings(out, e, env)
        case c.WajibBilledV1():
            out.add(_WAJIB_BILL, e.account_id, e.period, e.cooperative_id,
                    e.member_id, e.due_date, env.recorded_at, e.amount_idr,
                    env.business_date)
        case _:
            _loan(out, e, env)

"""From internal domain events to published contracts (what partners may see).

An outbound adapter: the repositories call it when they turn a domain event into a
stored event, whose published payload the outbox relay sends.

Not published: ``LoanPenaltyCharged`` (the penalty shows in the repayment's
allocation) and ``SavingsPolicySet`` (internal setup). The mapping drops receipt references and who
approved what: user ids stay home.
"""

from __future__ import annotations

import typing
from datetime import date
from typing import Any

from gotong_platform.contracts import EventContract
from gotong_platform.contracts import payments as c
from gotong_platform.money import MAX_AMOUNT_IDR
from payments.domain import (
    Instalment,
    LoanApplicationSubmitted,
    LoanApproved,
    LoanClosed,
    LoanDisbursed,
    LoanEvent,
    LoanOverpaid,
    LoanPenaltyCharged,
    LoanRejected,
    LoanRepaid,
    LoanRepaymentReceived,
    LoanRestructured,
    LoanWrittenOff,
    MemberExitRefunded,
    ProducePayoutMade,
    SaleEvent,
    SalePaymentRecorded,
    SalePaymentRefused,
    SavingsAccount,
    SavingsAccountOpened,
    SavingsDeposited,
    SavingsEvent,
    SavingsPolicySet,
    SavingsRefunded,
    SavingsWithdrawn,
    WajibBilled,
)

__all__ = [
    "business_date_of",
    "loan_contract",
    "payout_contract",
    "refund_contract",
    "sale_contract",
    "savings_contract",
]


def savings_contract(event: SavingsEvent, account: SavingsAccount) -> dict[str, Any]:
    """``account`` is the state after ``event``: it supplies the savings type."""
    ids = {"cooperative_id": event.cooperative_id, "account_id": event.account_id,
           "member_id": event.member_id}
    kind = account.savings_type.value
    if type(event) is SavingsDeposited:
        fast = _deposited_contract(event, kind)
        if fast is not None:
            return fast
    contract: EventContract
    match event:
        case SavingsAccountOpened():
            contract = c.SavingsAccountOpenedV1(**ids, savings_type=kind)
        case SavingsDeposited():
            contract = c.SavingsDepositedV1(
                **ids, savings_type=kind, amount_idr=event.amount_idr,
                channel=event.channel.value, business_date=event.business_date,
                recorded_offline=event.recorded_offline)
        case SavingsWithdrawn():
            contract = c.SavingsWithdrawnV1(**ids, savings_type=kind, amount_idr=event.amount_idr,
                                            business_date=event.business_date)
        case WajibBilled():
            contract = c.WajibBilledV1(**ids, period=event.period, amount_idr=event.amount_idr,
                                       due_date=event.due_date)
        case SavingsRefunded():
            contract = c.SavingsRefundedV1(**ids, savings_type=kind, amount_idr=event.amount_idr,
                                           business_date=event.business_date, reason=event.reason)
    return _dump(contract)


_CHANNELS = frozenset(typing.get_args(c.Channel))


def _deposited_contract(event: SavingsDeposited, kind: str) -> dict[str, Any] | None:
    """``SavingsDepositedV1(...).model_dump(mode="json")`` without the model (~6 us less per
    deposit, the offline sync's hot path); None unless every value is already of its
    contract type and valid, so the model (and its validation error) decides the rest.
    The unit tests prove both give the same payload."""
    amount, day, offline = event.amount_idr, event.business_date, event.recorded_offline
    channel = event.channel.value
    if not (type(amount) is int and 0 < amount <= MAX_AMOUNT_IDR and type(day) is date
            and type(offline) is bool and channel in _CHANNELS
            and type(event.cooperative_id) is str and type(event.account_id) is str
            and type(event.member_id) is str):
        return None
    return {"cooperative_id": event.cooperative_id, "account_id": event.account_id,
            "member_id": event.member_id, "savings_type": kind, "amount_idr": amount,
            "channel": channel, "business_date": day.isoformat(),
            "recorded_offline": offline}


def loan_contract(event: LoanEvent) -> dict[str, Any] | None:
    ids = {"cooperative_id": event.cooperative_id, "loan_id": event.loan_id,
           "member_id": event.member_id}
    day = business_date_of(event)
    contract: EventContract
    match event:
        case LoanApplicationSubmitted():
            contract = c.LoanAppliedV1(
                **ids, principal_idr=event.principal_idr, term_months=event.term_months,
                interest_rate_bp_per_month=event.interest_rate_bp_per_month,
                method=event.method.value, business_date=day)
        case LoanApproved():
            contract = c.LoanApprovedV1(**ids, business_date=day)
        case LoanDisbursed():
            contract = c.LoanDisbursedV1(**ids, principal_idr=event.principal_idr,
                                         business_date=day, schedule=_schedule(event.schedule))
        case LoanRepaymentReceived():
            contract = c.LoanRepaymentReceivedV1(
                **ids, amount_idr=event.amount_idr, penalty_idr=event.penalty_idr,
                interest_idr=event.interest_idr, principal_idr=event.principal_idr,
                excess_idr=event.excess_idr, channel=event.channel.value, business_date=day,
                recorded_offline=event.recorded_offline)
        case LoanOverpaid():
            contract = c.LoanOverpaidV1(**ids, excess_idr=event.excess_idr, business_date=day,
                                        after_closure=event.after_closure)
        case LoanRestructured():
            contract = c.LoanRestructuredV1(
                **ids, outstanding_principal_idr=event.outstanding_principal_idr,
                business_date=day, schedule=_schedule(event.schedule))
        case LoanWrittenOff():
            contract = c.LoanWrittenOffV1(**ids, outstanding_principal_idr=event.principal_idr,
                                          interest_idr=event.interest_idr,
                                          penalty_idr=event.penalty_idr, business_date=day)
        case LoanClosed():
            contract = c.LoanClosedV1(**ids, business_date=day)
        case LoanRejected():
            contract = c.LoanRejectedV1(**ids, business_date=day)
        case LoanRepaid():
            contract = c.LoanRepaidV1(**ids, business_date=day)
        case LoanPenaltyCharged():
            return None  # the penalty shows in the repayment's allocation
    return _dump(contract)


def sale_contract(event: SaleEvent) -> dict[str, Any]:
    contract: EventContract
    match event:
        case SalePaymentRecorded():
            contract = c.SalePaymentRecordedV1(
                cooperative_id=event.cooperative_id, sale_id=event.sale_id,
                buyer_type=event.buyer_type.value, member_id=event.member_id,
                total_idr=event.total_idr, business_date=event.business_date,
                payments=tuple(c.SalePaymentPart(method=p.method.value, amount_idr=p.amount_idr)
                               for p in event.payments))
        case SalePaymentRefused():
            contract = c.SalePaymentRefusedV1(
                cooperative_id=event.cooperative_id, sale_id=event.sale_id,
                reason_code=event.reason_code, detail=event.detail)
    return _dump(contract)


def payout_contract(event: ProducePayoutMade) -> dict[str, Any]:
    return _dump(c.ProducePayoutMadeV1(
        cooperative_id=event.cooperative_id, payout_id=event.payout_id,
        receipt_id=event.receipt_id, member_id=event.member_id, gross_idr=event.gross_idr,
        deductions=tuple(c.PayoutDeduction(type=d.deduction_type.value, reference=d.ref,
                                           amount_idr=d.applied_idr)
                         for d in event.deductions),
        net_paid_idr=event.net_paid_idr, business_date=event.business_date))


def refund_contract(event: MemberExitRefunded) -> dict[str, Any]:
    return _dump(c.MemberExitRefundedV1(
        cooperative_id=event.cooperative_id, member_id=event.member_id,
        pokok_idr=event.pokok_idr, wajib_idr=event.wajib_idr, offset_idr=event.offset_idr,
        refund_idr=event.refund_idr, unrecovered_idr=event.unrecovered_idr,
        business_date=event.business_date))


def _schedule(schedule: tuple[Instalment, ...]) -> tuple[c.Instalment, ...]:
    return tuple(c.Instalment(number=i.n, due_date=i.due_date, principal_idr=i.principal_idr,
                              interest_idr=i.interest_idr) for i in schedule)


def _dump(contract: EventContract) -> dict[str, Any]:
    data: dict[str, Any] = contract.model_dump(mode="json")
    return data


def business_date_of(event: SavingsEvent | LoanEvent | SavingsPolicySet) -> date:
    """The day the fact takes effect in the cooperative's books (reports group by it).

    A wajib bill counts on its due date, the day the obligation falls on the member.
    """
    match event:
        case SavingsAccountOpened():
            return event.opened_on
        case SavingsDeposited() | SavingsWithdrawn() | SavingsRefunded():
            return event.business_date
        case WajibBilled():
            # Issued today for a due date ahead: the fact is the billing, not the due day
            # (a business date is never after the cooperative's today).
            return event.billed_on or event.due_date
        case LoanApplicationSubmitted():
            return event.applied_on
        case LoanApproved():
            return event.approved_on
        case LoanRejected():
            return event.rejected_on
        case LoanDisbursed():
            return event.disbursed_on
        case LoanPenaltyCharged():
            return event.charged_on
        case LoanRepaymentReceived() | LoanOverpaid():
            return event.paid_on
        case LoanRepaid():
            return event.repaid_on
        case LoanRestructured():
            return event.restructured_on
        case LoanWrittenOff():
            return event.written_off_on
        case LoanClosed():
            return event.closed_on
        case SavingsPolicySet():
            return event.set_on

"""Facts a field device recorded offline, for ``POST /cooperatives/{id}/sync``.

Accepted fact types: ``savings_deposit`` and ``loan_repayment``: cash that already
changed hands, recorded on the day it happened (the item's ``business_date``) even
when the state moved on meanwhile. A repayment to a loan repaid or closed since is
kept as an overpayment for staff and flagged ``overpayment``. Disbursements,
withdrawals and refunds are online only: ``process_batch`` rejects any other type.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gotong_platform.db import DbConnection
from gotong_platform.sync import HandlerOutcome, ItemHandler, SyncContext, SyncItem
from payments.adapters.events import Origin
from payments.application.errors import InvalidFactPayload
from payments.application.loan_service import LoanService
from payments.application.savings_service import SavingsService
from payments.domain import (
    DepositChannel,
    DepositSavings,
    LoanOverpaid,
    ReceiveRepayment,
    RepaymentChannel,
    SavingsType,
)

__all__ = ["FLAG_OVERPAYMENT", "OfflineFacts"]

FLAG_OVERPAYMENT = "overpayment"

_M = TypeVar("_M", bound=BaseModel)


class _Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DepositFact(_Fact):
    member_id: str = Field(min_length=1, max_length=100)
    savings_type: Literal["pokok", "wajib", "sukarela"]
    amount_idr: int = Field(strict=True, gt=0)
    channel: Literal["cash", "transfer", "qris"]
    reference: str | None = Field(default=None, max_length=100)


class RepaymentFact(_Fact):
    loan_id: str = Field(min_length=1, max_length=100)
    amount_idr: int = Field(strict=True, gt=0)
    channel: Literal["cash", "transfer", "qris"]
    reference: str | None = Field(default=None, max_length=100)


@dataclasses.dataclass(frozen=True)
class OfflineFacts:
    savings: SavingsService
    loans: LoanService

    def handlers(self) -> Mapping[str, ItemHandler]:
        return {"savings_deposit": self.savings_deposit, "loan_repayment": self.loan_repayment}

    async def savings_deposit(
        self, conn: DbConnection, item: SyncItem, context: SyncContext
    ) -> HandlerOutcome:
        fact = _parse(DepositFact, item)
        account, version = await self.savings.deposit(
            conn, context.cooperative_id, fact.member_id, SavingsType(fact.savings_type),
            DepositSavings(amount_idr=fact.amount_idr, channel=DepositChannel(fact.channel),
                           business_date=item.business_date, reference=fact.reference,
                           recorded_offline=True),
            _origin(item, context))
        return HandlerOutcome(result={"account_id": account.account_id,
                                      "balance_idr": account.balance_idr, "version": version})

    async def loan_repayment(
        self, conn: DbConnection, item: SyncItem, context: SyncContext
    ) -> HandlerOutcome:
        fact = _parse(RepaymentFact, item)
        change = await self.loans.change(
            conn, context.cooperative_id, fact.loan_id,
            ReceiveRepayment(amount_idr=fact.amount_idr, paid_on=item.business_date,
                             channel=RepaymentChannel(fact.channel), recorded_offline=True,
                             reference=fact.reference),
            _origin(item, context))
        overpaid = sum(e.excess_idr for e in change.events if isinstance(e, LoanOverpaid))
        loan = change.loan
        return HandlerOutcome(
            result={"loan_id": loan.loan_id, "status": loan.status.value,
                    "outstanding_idr": loan.outstanding_idr, "overpaid_idr": overpaid},
            flags=[FLAG_OVERPAYMENT] if overpaid else [])


def _parse(model: type[_M], item: SyncItem) -> _M:
    try:
        return model.model_validate(item.payload)
    except ValidationError as exc:
        # Where and what only: the values may be personal data.
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                             for e in exc.errors())
        raise InvalidFactPayload(f"The {item.type} payload is invalid: {problems}.") from exc


def _origin(item: SyncItem, context: SyncContext) -> Origin:
    """The fact keeps the device's time; the client_id is its command id."""
    return Origin(meta=context.meta, occurred_at=item.occurred_at)

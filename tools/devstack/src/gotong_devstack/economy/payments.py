"""What the demo sends to payments: the savings policy, simpanan pokok, loans and the
collector's offline facts (savings deposits and loan repayments), each with its request body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from gotong_devstack.demo_dates import add_months
from gotong_devstack.economy.keys import economy_key
from gotong_devstack.economy.money import round_half_up_div

# The payments service's default policy: a member admitted before the cooperative set its
# own policy has a pokok account that expects this amount.
DEFAULT_POKOK_IDR = 50_000

Channel = Literal["cash", "transfer", "qris"]
InterestMethod = Literal["flat", "declining_balance"]
SavingsType = Literal["pokok", "wajib", "sukarela"]
FactType = Literal["savings_deposit", "loan_repayment"]


@dataclass(frozen=True)
class Policy:
    pokok_idr: int
    wajib_idr: int
    wajib_due_day: int
    # Which instalments a produce payout deducts (payments' rule): those due by the
    # receipt's date, or the whole month's (a cooperative whose members repay at harvest).
    payout_instalments: Literal["due_by_receipt_date", "due_this_month"] = (
        "due_by_receipt_date")

    def body(self) -> dict[str, Any]:
        return {"pokok_idr": self.pokok_idr, "wajib_idr": self.wajib_idr,
                "wajib_due_day": self.wajib_due_day,
                "payout_instalments": self.payout_instalments}

    def due_date(self, period: str) -> date:
        year, month = (int(part) for part in period.split("-"))
        return date(year, month, self.wajib_due_day)


@dataclass(frozen=True)
class Pokok:
    """Simpanan pokok, paid at the office on the day of admission (online, backdated)."""

    member_seq: int
    on: date
    reference: str

    def key(self, slug: str, amount_idr: int) -> str:
        # The amount is part of the key: a member admitted before the policy was set owes
        # the default pokok, and a retry with the other amount must not reuse the key.
        return economy_key("pokok", slug, self.member_seq, amount_idr)

    def body(self, amount_idr: int) -> dict[str, Any]:
        return {"amount_idr": amount_idr, "channel": "cash", "business_date": self.on.isoformat(),
                "reference": self.reference}


@dataclass(frozen=True)
class Instalment:
    n: int
    due_date: date
    principal_idr: int
    interest_idr: int

    @property
    def total_idr(self) -> int:
        return self.principal_idr + self.interest_idr


@dataclass(frozen=True)
class Loan:
    """A loan and its life up to disbursement; repayments are `Fact`s."""

    n: int  # 1.. within the cooperative; part of the keys
    member_seq: int
    principal_idr: int
    term_months: int
    interest_rate_bp_per_month: int
    method: InterestMethod
    penalty_bp_per_month: int
    applied_on: date
    approved_on: date
    disbursed_on: date
    first_due_date: date
    purpose: str
    overdue: bool = False  # stops repaying after its first instalment

    def keys(self, slug: str) -> tuple[str, str, str]:
        """Idempotency-Keys of applying, approving and disbursing."""
        return (economy_key("loan", slug, self.n), economy_key("approve", slug, self.n),
                economy_key("disburse", slug, self.n))

    def apply_body(self, member_id: str) -> dict[str, Any]:
        return {
            "member_id": member_id,
            "principal_idr": self.principal_idr,
            "term_months": self.term_months,
            "interest_rate_bp_per_month": self.interest_rate_bp_per_month,
            "method": self.method,
            "penalty_bp_per_month": self.penalty_bp_per_month,
            "first_due_date": self.first_due_date.isoformat(),
            "applied_on": self.applied_on.isoformat(),
            "purpose": self.purpose,
        }

    def approve_body(self) -> dict[str, Any]:
        return {"approved_on": self.approved_on.isoformat()}

    def disburse_body(self) -> dict[str, Any]:
        return {"disbursed_on": self.disbursed_on.isoformat()}

    def schedule(self) -> tuple[Instalment, ...]:
        """The payments service's schedule (equal principal, the last absorbs the rest)."""
        base, remainder = divmod(self.principal_idr, self.term_months)
        outstanding = self.principal_idr
        out: list[Instalment] = []
        for n in range(1, self.term_months + 1):
            principal = base + (remainder if n == self.term_months else 0)
            basis = self.principal_idr if self.method == "flat" else outstanding
            out.append(Instalment(
                n=n, due_date=add_months(self.first_due_date, n - 1), principal_idr=principal,
                interest_idr=round_half_up_div(basis * self.interest_rate_bp_per_month, 10_000)))
            outstanding -= principal
        return tuple(out)


@dataclass(frozen=True)
class Fact:
    """One offline fact of the collector's phone: a savings deposit or a loan repayment."""

    client_id: str
    type: FactType
    on: date
    amount_idr: int
    channel: Channel
    member_seq: int | None = None  # savings_deposit
    savings_type: SavingsType | None = None
    loan_n: int | None = None  # loan_repayment
    instalment_n: int | None = None

    def item(self, seq: int, occurred_at: datetime, target_id: str,
             reference: str) -> dict[str, Any]:
        """The sync item; `target_id` is the member id or the loan id the API assigned."""
        payload: dict[str, Any]
        if self.type == "savings_deposit":
            payload = {"member_id": target_id, "savings_type": self.savings_type,
                       "amount_idr": self.amount_idr, "channel": self.channel,
                       "reference": reference}
        else:
            payload = {"loan_id": target_id, "amount_idr": self.amount_idr,
                       "channel": self.channel, "reference": reference}
        return {"client_id": self.client_id, "device_seq": seq, "type": self.type,
                "occurred_at": occurred_at.isoformat(), "business_date": self.on.isoformat(),
                "payload": payload}

"""The closed vocabularies of the payments domain (stored by value in events)."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "BuyerType",
    "DeductionType",
    "DepositChannel",
    "InterestMethod",
    "LoanStatus",
    "RepaymentChannel",
    "SaleTender",
    "SavingsType",
]


class SavingsType(StrEnum):
    """The three kinds of simpanan a member holds, one account each."""

    POKOK = "pokok"  # simpanan pokok: one fixed amount paid on joining, refunded on exit
    WAJIB = "wajib"  # simpanan wajib: billed every month, refunded on exit
    SUKARELA = "sukarela"  # simpanan sukarela: voluntary, withdrawable


class DepositChannel(StrEnum):
    """How money reached a savings account."""

    CASH = "cash"
    TRANSFER = "transfer"
    QRIS = "qris"  # Indonesia's national QR payment standard
    PRODUCE_DEDUCTION = "produce_deduction"  # withheld from a produce (harvest) payout
    REFUND_OFFSET = "refund_offset"  # taken from the member's own exit refund


class RepaymentChannel(StrEnum):
    """How a loan repayment reached the cooperative."""

    CASH = "cash"
    TRANSFER = "transfer"
    QRIS = "qris"
    PRODUCE_DEDUCTION = "produce_deduction"
    REFUND_OFFSET = "refund_offset"


class InterestMethod(StrEnum):
    """How a loan's interest (jasa pinjaman) is computed; see ``payments.domain.schedule``."""

    FLAT = "flat"  # on the original principal every month
    DECLINING_BALANCE = "declining_balance"  # on the principal still outstanding


class LoanStatus(StrEnum):
    """Where a loan (pinjaman) stands.

    REPAID is reached by the repayment that clears the last rupiah; CLOSED by the
    clerk afterwards. REJECTED, CLOSED and WRITTEN_OFF are final.
    """

    APPLIED = "applied"
    APPROVED = "approved"
    REJECTED = "rejected"
    ACTIVE = "active"  # disbursed, money outstanding
    REPAID = "repaid"
    CLOSED = "closed"
    WRITTEN_OFF = "written_off"


class DeductionType(StrEnum):
    """What may be withheld from a member's produce payout."""

    LOAN_INSTALMENT = "loan_instalment"
    SIMPANAN_WAJIB = "simpanan_wajib"
    ADVANCE = "advance"  # recovery of an advance (panjar) paid before the harvest


class BuyerType(StrEnum):
    """Who bought at the gerai: SHU may only reward what members bought (handbook §0.4)."""

    MEMBER = "member"
    NON_MEMBER = "non_member"


class SaleTender(StrEnum):
    """How a sale was paid; ``credit`` is kasbon / bayar tempo, owed to the cooperative."""

    CASH = "cash"
    QRIS = "qris"
    TRANSFER = "transfer"
    CREDIT = "credit"

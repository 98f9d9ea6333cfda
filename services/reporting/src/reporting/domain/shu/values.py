"""Value types of the SHU engine: the choices a cooperative's AD/ART makes.

SHU (Sisa Hasil Usaha) is the cooperative's surplus for a fiscal year after tax.
Part of it goes back to the members in two pools: jasa modal (JMA, in proportion
to the capital each member holds) and jasa usaha (JUA, in proportion to the
business each member did with the cooperative). The rest goes to the reserve
(dana cadangan) and to funds such as pengurus & pengawas, karyawan, pendidikan
and sosial. The percentages are ratified at the annual members' meeting (RAT).
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "JASA_MODAL",
    "JASA_USAHA",
    "SUGGESTED_TRANSACTION_BASIS",
    "CalculationStatus",
    "CapitalMeasure",
    "SavingsType",
    "Structure",
    "TransactionKind",
]

JASA_MODAL = "jasa_modal"  # the capital pool (JMA): by simpanan
JASA_USAHA = "jasa_usaha"  # the patronage pool (JUA): by business with the cooperative


class Structure(StrEnum):
    """How the percentages are stated (handbook §5.2).

    ``flat``: every pool is a share of the SHU. ``nested``: "SHU bagian anggota"
    is a share of the SHU, then split between jasa modal and jasa usaha; the
    other pools are shares of the SHU beside it.
    """

    FLAT = "flat"
    NESTED = "nested"


class SavingsType(StrEnum):
    POKOK = "pokok"  # simpanan pokok: paid once on joining
    WAJIB = "wajib"  # simpanan wajib: the monthly compulsory saving
    SUKARELA = "sukarela"  # simpanan sukarela: voluntary, withdrawable


class CapitalMeasure(StrEnum):
    """How a member's capital basis (S_a) is measured over the fiscal year (§5.3)."""

    YEAR_END_BALANCE = "year_end_balance"
    AVERAGE_MONTHLY_BALANCE = "average_monthly_balance"
    MONTHS_PRORATED = "months_prorated"


class TransactionKind(StrEnum):
    """What counts as a member's business with the cooperative (V_a, §5.3)."""

    MEMBER_PURCHASES = "member_purchases"  # shop purchases, net of voids
    PRODUCE_SOLD = "produce_sold"  # produce the member sold to the cooperative
    LOAN_INTEREST_PAID = "loan_interest_paid"  # interest (jasa pinjaman) paid


# Handbook §5.3, by the members service's cooperative types. The engine never
# picks one on its own: the caller adopting a policy may rely on this default.
# A multi-purpose cooperative (KSU) sums all three; the handbook recommends
# separate pools per business unit, which a policy per unit can express later.
SUGGESTED_TRANSACTION_BASIS = MappingProxyType({
    "consumer": (TransactionKind.MEMBER_PURCHASES,),
    "producer": (TransactionKind.PRODUCE_SOLD,),
    "marketing": (TransactionKind.PRODUCE_SOLD,),
    "savings_and_loan": (TransactionKind.LOAN_INTEREST_PAID,),
    "multi_purpose": (TransactionKind.MEMBER_PURCHASES, TransactionKind.PRODUCE_SOLD,
                      TransactionKind.LOAN_INTEREST_PAID),
})


class CalculationStatus(StrEnum):
    DRAFT = "draft"  # recomputable
    APPROVED = "approved"  # ratified at the RAT: frozen

"""What a leaving member gets back: simpanan pokok and wajib, after what they still owe.

On exit the member's capital is refunded after lawful deductions (handbook §1.2):
outstanding loans and wajib arrears are offset first, and only the rest is paid out.
Sukarela is not part of it: the member withdraws it like any other day.
"""

from __future__ import annotations

import dataclasses

__all__ = ["RefundPlan", "exit_refund"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class RefundPlan:
    """``refund_idr`` is paid out; ``offset_idr`` settles debts; ``unrecovered_idr`` stays owed."""

    refund_idr: int
    offset_idr: int
    unrecovered_idr: int


def exit_refund(pokok_balance_idr: int, wajib_balance_idr: int, owed_idr: int) -> RefundPlan:
    """Split the member's pokok and wajib between debts owed (first) and a cash refund.

    ``owed_idr`` is everything the member still owes the cooperative (loan outstanding
    plus wajib arrears). The refund is never negative: a debt larger than the savings
    leaves ``unrecovered_idr`` for the cooperative to collect or write off.
    Negative inputs are a programming error (balances and debts are never below zero).
    """
    if min(pokok_balance_idr, wajib_balance_idr, owed_idr) < 0:
        raise ValueError("balances and the amount owed must not be negative")
    capital = pokok_balance_idr + wajib_balance_idr
    offset = min(capital, owed_idr)
    return RefundPlan(
        refund_idr=capital - offset, offset_idr=offset, unrecovered_idr=owed_idr - offset
    )

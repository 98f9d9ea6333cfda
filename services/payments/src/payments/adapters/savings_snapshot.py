"""A savings account's state as stored on its query row (``savings_accounts.state``).

The snapshot is the domain state after ``savings_accounts.version`` events, written in
the same transaction as those events, so the write path loads one row instead of
replaying the stream. The identity fields (account, cooperative, member, type, opening
date) are columns of the row; the snapshot holds the rest.

``SNAPSHOT_FORMAT`` names the layout. A snapshot of another format is ignored (the
account is replayed from its first event and the next save writes the current format),
so changing ``SavingsAccount`` means: change this codec, bump the format, and optionally
run ``python -m payments rebuild-savings``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from payments.domain import SavingsAccount, SavingsType
from payments.domain.wajib import WajibBill, WajibDeposit

__all__ = ["SNAPSHOT_FIELDS", "SNAPSHOT_FORMAT", "snapshot_of", "state_from_snapshot"]

SNAPSHOT_FORMAT = 1

# Every field of SavingsAccount this codec stores or takes from the row's columns; a
# unit test fails when SavingsAccount gains a field the codec does not know.
SNAPSHOT_FIELDS = frozenset({
    "account_id", "cooperative_id", "member_id", "savings_type", "opened_on",
    "pokok_amount_idr", "balance_idr", "pokok_paid", "refunded_idr", "bills",
    "wajib_deposits",
})


def snapshot_of(state: SavingsAccount) -> dict[str, Any]:
    """The JSON-ready snapshot of ``state`` (without the row's identity columns)."""
    return {
        "format": SNAPSHOT_FORMAT,
        "pokok_amount_idr": state.pokok_amount_idr,
        "balance_idr": state.balance_idr,
        "pokok_paid": state.pokok_paid,
        "refunded_idr": state.refunded_idr,
        "bills": [[b.period, b.amount_idr, b.due_date.isoformat()] for b in state.bills],
        "wajib_deposits": [[d.business_date.isoformat(), d.amount_idr]
                           for d in state.wajib_deposits],
    }


def state_from_snapshot(
    snapshot: Mapping[str, Any], *, account_id: str, cooperative_id: str, member_id: str,
    savings_type: str, opened_on: date,
) -> SavingsAccount:
    """The state a snapshot of ``SNAPSHOT_FORMAT`` holds, with the row's identity."""
    return SavingsAccount(
        account_id=account_id, cooperative_id=cooperative_id, member_id=member_id,
        savings_type=SavingsType(savings_type), opened_on=opened_on,
        pokok_amount_idr=snapshot["pokok_amount_idr"], balance_idr=snapshot["balance_idr"],
        pokok_paid=snapshot["pokok_paid"], refunded_idr=snapshot["refunded_idr"],
        bills=tuple(WajibBill(period=p, amount_idr=a, due_date=date.fromisoformat(d))
                    for p, a, d in snapshot["bills"]),
        wajib_deposits=tuple(WajibDeposit(business_date=date.fromisoformat(d), amount_idr=a)
                             for d, a in snapshot["wajib_deposits"]),
    )

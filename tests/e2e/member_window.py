"""A member with a little of everything, for the tests of the member's own window.

Seeded through the public APIs of a ``Federation``: a cooperative (with the builders'
savings policy: pokok Rp 100.000, wajib Rp 25.000 due on the 10th), the member (Maria)
with pokok, two wajib months billed and one paid, sukarela in and out, a loan disbursed
45 days ago whose first instalment fell due 10 days ago, and 52 kg of coffee bought from
her, paid out after that instalment and her wajib arrears were deducted; beside her, a
second member of the same cooperative and a member of another one, with records of
their own (the ids her token must never open).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from builders import Coop, a_cooperative, a_deposit, a_loan, a_member, a_product, a_warehouse
from e2e_support import Federation, eventually


@dataclass
class MemberWindow:
    coop: Coop
    maria: str
    neighbour: str  # another member of Maria's cooperative
    stranger: str  # a member of another cooperative
    stranger_coop: Coop
    loan_id: str
    receipt_id: str


def _month(day: Any, back: int) -> str:
    year, month = divmod(day.year * 12 + day.month - 1 - back, 12)
    return f"{year:04d}-{month + 1:02d}"


async def a_member_window(f: Federation) -> MemberWindow:
    c = await a_cooperative(f, "Koperasi Kopi Wewewa", "5318")
    other = await a_cooperative(f, "Koperasi Tenun Sumba", "5302")
    maria = await a_member(f, c, applied_days_ago=120)
    neighbour = await a_member(f, c, applied_days_ago=120)
    stranger = await a_member(f, other, applied_days_ago=120)
    for member, coop in ((maria, c), (neighbour, c), (stranger, other)):
        await a_deposit(f, coop, member, "pokok", 100_000)
    for back in (1, 0):
        await f.post(f.payments, c.path("/wajib-billing"), {"period": _month(f.today, back)},
                     c.admin)
    await a_deposit(f, c, maria, "wajib", 25_000)
    await a_deposit(f, c, maria, "sukarela", 200_000)
    await f.post(f.payments, c.path(f"/members/{maria}/savings/sukarela/withdrawals"),
                 {"amount_idr": 50_000}, c.admin)
    await a_deposit(f, c, neighbour, "sukarela", 777_000)
    loan_id = await a_loan(f, c, maria, 1_000_000, applied=f.today - timedelta(days=45),
                           first_due=f.today - timedelta(days=10))
    warehouse = await a_warehouse(f, c, "Gudang Kopi", "warehouse")
    coffee = await a_product(f, c, "KOPI-AR", "farm_produce", "g", {"buy_from_member": 45_000},
                             per_qty=1000, name="Kopi arabika Wewewa")
    receipt = await f.post(f.inventory, c.path(f"/warehouses/{warehouse}/produce-receipts"), {
        "member_id": maria, "product_id": coffee, "gross_qty_g": 52_300, "tare_g": 300,
        "grade": "A", "lot_id": "KOPI-2026-A1",
        "harvest_date": (f.today - timedelta(days=2)).isoformat()}, c.clerk, expect=201)

    async def paid_out() -> bool:
        rows = (await f.get(f.payments, c.path(f"/payouts?member_id={maria}"), c.admin)).json()
        return bool(rows)
    await eventually(paid_out)
    return MemberWindow(c, maria, neighbour, stranger, other, loan_id, receipt["receipt_id"])

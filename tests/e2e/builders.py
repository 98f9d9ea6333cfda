"""Test data for the end-to-end tests, built through the services' public APIs.

Each builder sends the commands a clerk or pengurus would, then waits until the other
services have learnt what they need from the events (a cooperative known to payments and
inventory, a member known to payments), so a test can go on with its next command. Every
cooperative here is in WITA; dates are relative to ``f.today``, the business date of the
federation's clock.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from e2e_support import Federation, eventually

# The savings policy the cooperatives adopt unless a test keeps payments' default.
SAVINGS_POLICY = {"pokok_idr": 100_000, "wajib_idr": 25_000, "wajib_due_day": 10}

# Member numbers for the tests that do not choose their own (NIKs unique per database).
_member_numbers = itertools.count(1)


@dataclass
class Coop:
    """A cooperative of the federation and the headers of the people who work in it."""

    cooperative_id: str
    name: str
    regency: str
    admin: dict[str, str]  # pengurus (coop_admin): the ketua
    clerk: dict[str, str]  # kasir (coop_clerk)
    checker: dict[str, str]  # a second pengurus (the bendahara), for maker-checker

    def path(self, rest: str) -> str:
        return f"/cooperatives/{self.cooperative_id}{rest}"


async def a_cooperative(f: Federation, name: str, regency: str, *,
                        savings_policy: bool = True) -> Coop:
    """A WITA cooperative registered and joined to the federation, known to payments and
    inventory; with ``SAVINGS_POLICY`` adopted unless ``savings_policy`` is False."""
    office = f.auth("federation_admin", "federation-office")
    coop = await f.post(f.members, "/cooperatives", {
        "name": name, "coop_type": "multi_purpose", "province_code": regency[:2],
        "legal_registration_number": f"AHU-{uuid.uuid4().hex[:12]}", "regency_code": regency,
        "time_zone": "WITA", "registered_on": "2019-03-01"}, office)
    cid = coop["cooperative_id"]
    await f.post(f.members, f"/cooperatives/{cid}/join-federation",
                 {"effective_date": "2019-04-01"}, office)
    c = Coop(cid, name, regency, f.auth("coop_admin", "pengurus-ketua", cooperative_id=cid),
             f.auth("coop_clerk", "kasir-1", cooperative_id=cid),
             f.auth("coop_admin", "pengurus-bendahara", cooperative_id=cid))

    async def known_everywhere() -> bool:  # each service learns of it from the events
        policy = await f.get(f.payments, c.path("/savings-policy"), c.admin)
        shops = await f.get(f.inventory, c.path("/warehouses"), c.admin)
        return policy.status_code == shops.status_code == 200
    await eventually(known_everywhere)
    if savings_policy:
        await f.post(f.payments, c.path("/savings-policy"), SAVINGS_POLICY, c.admin)
    return c


async def a_member(f: Federation, c: Coop, n: int | None = None, gender: str = "P", *,
                   applied_days_ago: int = 80) -> str:
    """Member ``n`` (numbered for her when None), admitted the day after she applied,
    once payments has opened her savings accounts."""
    n = next(_member_numbers) if n is None else n
    applied_on = f.today - timedelta(days=applied_days_ago)
    applied = await f.post(f.members, c.path("/members"), {
        "full_name": f"Anggota {n}", "nik": f"531101{'05' if gender == 'L' else '45'}0390{n:04d}",
        "gender": gender, "birth_date": "1990-03-05", "village_code": f"{c.regency}012001",
        "applied_on": applied_on.isoformat()}, c.clerk)
    member_id: str = applied["member_id"]
    await f.post(f.members, c.path(f"/members/{member_id}/admit"),
                 {"admitted_on": (applied_on + timedelta(days=1)).isoformat()}, c.admin)

    async def known() -> bool:
        savings = await f.get(f.payments, c.path(f"/members/{member_id}/savings"), c.admin)
        return savings.status_code == 200
    await eventually(known)
    return member_id


async def a_warehouse(f: Federation, c: Coop, name: str, kind: str) -> str:
    warehouse = await f.post(f.inventory, c.path("/warehouses"), {"name": name, "kind": kind},
                             c.admin)
    warehouse_id: str = warehouse["warehouse_id"]
    return warehouse_id


async def a_product(f: Federation, c: Coop, sku: str, category: str, unit: str,
                    prices: dict[str, int], per_qty: int = 1, *, name: str | None = None
                    ) -> str:
    """A product (named ``sku`` unless ``name`` is given; lot-tracked when sold by the
    gram) with its price per ``per_qty`` units on each price list of ``prices``."""
    product = await f.post(f.inventory, c.path("/products"), {
        "sku": sku, "name": name or sku, "category": category, "base_unit": unit,
        **({"lot_tracking": "lot"} if unit == "g" else {})}, c.admin)
    for price_list, price in prices.items():
        await f.post(f.inventory, c.path(f"/products/{product['product_id']}/prices"),
                     {"price_list": price_list, "price_idr": price, "per_qty": per_qty},
                     c.admin)
    product_id: str = product["product_id"]
    return product_id


async def a_goods_receipt(f: Federation, c: Coop, warehouse: str, product: str, qty: int,
                          total_cost: int) -> None:
    await f.post(f.inventory, c.path(f"/warehouses/{warehouse}/goods-receipts"),
                 {"product_id": product, "qty": qty, "total_cost_idr": total_cost}, c.clerk)


async def a_stocked_shop(f: Federation, c: Coop, shop_name: str, sku: str, category: str,
                         prices: tuple[int, int], stock: tuple[int, int], *,
                         product_name: str | None = None) -> tuple[str, str]:
    """A shop and one product in pieces at its (member, non-member) ``prices``, with
    ``stock`` = (qty, total cost) received: (warehouse id, product id)."""
    shop = await a_warehouse(f, c, shop_name, "shop")
    member, non_member = prices
    product = await a_product(f, c, sku, category, "pcs",
                              {"member": member, "non_member": non_member}, name=product_name)
    await a_goods_receipt(f, c, shop, product, *stock)
    return shop, product


async def a_sale(f: Federation, c: Coop, shop: str, lines: list[tuple[str, int, int]],
                 member_id: str | None, discount: int = 0,
                 to_cooperative: str | None = None) -> dict[str, Any]:
    """``lines``: (product, qty, the unit price this buyer pays); paid in cash. A sale to
    another cooperative of the federation names it in ``to_cooperative``."""
    total = sum(qty * price for _, qty, price in lines) - discount
    buyer = ("cooperative" if to_cooperative else "member" if member_id else "non_member")
    body = {"warehouse_id": shop, "lines": [{"product_id": p, "qty": q} for p, q, _ in lines],
            "discount_idr": discount, "buyer_type": buyer, "member_id": member_id,
            "buyer_cooperative_id": to_cooperative,
            "payments": [{"method": "cash", "amount_idr": total}]}

    async def recorded() -> Any:  # inventory learns of a new member from its events
        response = await f.inventory.post(c.path("/sales"), json=body, headers={
            **c.clerk, "Idempotency-Key": uuid.uuid4().hex})
        if response.status_code == 422 and "not-an-active-member" in response.text:
            return None
        assert response.status_code == 201, response.text
        return response.json()
    sale: dict[str, Any] = await eventually(recorded)
    assert sale["total_idr"] == total
    return sale


async def a_deposit(f: Federation, c: Coop, member_id: str, kind: str, amount: int) -> None:
    await f.post(f.payments, c.path(f"/members/{member_id}/savings/{kind}/deposits"),
                 {"amount_idr": amount, "channel": "cash"}, c.clerk, expect=201)


async def a_loan(f: Federation, c: Coop, member_id: str, principal: int, *, applied: date,
                 first_due: date) -> str:
    """A flat 1.5 % loan over ten months, applied for by the kasir, approved the next
    day and disbursed the day after by the second pengurus."""
    loan = await f.post(f.payments, c.path("/loans"), {
        "member_id": member_id, "principal_idr": principal, "term_months": 10,
        "interest_rate_bp_per_month": 150, "method": "flat", "penalty_bp_per_month": 0,
        "first_due_date": first_due.isoformat(), "applied_on": applied.isoformat()},
        c.clerk, expect=201)
    path = c.path(f"/loans/{loan['loan_id']}")
    await f.post(f.payments, f"{path}/approve",
                 {"approved_on": (applied + timedelta(days=1)).isoformat()}, c.checker)
    await f.post(f.payments, f"{path}/disburse",
                 {"disbursed_on": (applied + timedelta(days=2)).isoformat()}, c.checker)
    loan_id: str = loan["loan_id"]
    return loan_id

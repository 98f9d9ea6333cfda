"""What the load needs, found and made through the public APIs after `make run` seeded its
demo federation: each cooperative's admitted members, a shop and a produce warehouse of
the soak's own, stock, prices, sukarela balances to withdraw from and loans to repay.

Nothing is written to a database directly: the soak goes through the same doors as a
till or a field device, so the events, outboxes and reactions it causes are real ones.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from gotong_platform.auth.keys import read_key_file
from gotong_platform.auth.principal import Principal, Role
from gotong_platform.auth.tokens import TokenIssuer

__all__ = ["Coop", "Minter", "SetupError", "Urls", "prepare"]

# A price per unit; stock deep enough for an hour of sales at any mix.
SALE_PRICE_IDR = 5_000
STOCK_QTY = 50_000_000
PRODUCE_PRICE_PER_KG_IDR = 8_000
OPENING_SUKARELA_IDR = 50_000_000
LOAN_PRINCIPAL_IDR = 500_000_000
LOANS_PER_COOP = 3
TOKEN_TTL = timedelta(hours=12)  # longer than any soak; the services' maximum is 24
# Clerks and treasurers per cooperative, each a principal of its own: the APIs limit each
# principal's rate (20 a second by default), as a real till would be one of many.
CLERKS_PER_COOP = 8
ADMINS_PER_COOP = 4


class SetupError(RuntimeError):
    """A setup request was refused: the load would measure nothing but refusals."""


@dataclass(frozen=True)
class Urls:
    members: str
    inventory: str
    payments: str


@dataclass(frozen=True)
class Coop:
    cooperative_id: str
    regency_code: str
    clerk_tokens: tuple[str, ...]
    admin_tokens: tuple[str, ...]  # a withdrawal is approved by the treasurer's role
    members: tuple[str, ...]  # admitted
    shop_id: str
    sale_product_id: str
    produce_warehouse_id: str
    produce_product_id: str
    loan_ids: tuple[str, ...]


class Minter:
    """Development tokens signed with the soak stack's key (as `gotong-token mint`)."""

    def __init__(self, key_file: Path) -> None:
        self._issuer = TokenIssuer(read_key_file(key_file))

    def __call__(self, role: str, subject: str, cooperative_id: str | None = None) -> str:
        principal = Principal(subject=subject, role=Role(role), cooperative_id=cooperative_id)
        return self._issuer.issue(principal, ttl=TOKEN_TTL)


class _Api:
    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def call(self, method: str, url: str, token: str,
             body: Mapping[str, Any] | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"}
        if method == "POST":
            headers["Idempotency-Key"] = str(uuid.uuid4())
        reply = self.client.request(method, url, json=body, headers=headers)
        if reply.status_code >= 300:
            raise SetupError(f"{method} {url}: {reply.status_code} {reply.text[:400]}")
        return reply.json()


def _admitted(api: _Api, urls: Urls, coop_id: str, token: str) -> list[str]:
    members: list[str] = []
    after: str | None = None
    while True:
        query = "?status=admitted&limit=500" + (f"&after={after}" if after else "")
        page = api.call("GET", f"{urls.members}/cooperatives/{coop_id}/members{query}", token)
        members.extend(m["member_id"] for m in page["items"])
        after = page.get("next_cursor")
        if not after:
            return members


def _product(api: _Api, base: str, token: str, body: Mapping[str, Any],
             prices: Mapping[str, tuple[int, int]]) -> str:
    product_id = str(api.call("POST", f"{base}/products", token, body)["product_id"])
    for price_list, (price, per_qty) in prices.items():
        api.call("POST", f"{base}/products/{product_id}/prices", token,
                 {"price_list": price_list, "price_idr": price, "per_qty": per_qty})
    return product_id


def _one_coop(api: _Api, urls: Urls, coop: Mapping[str, Any], admins: tuple[str, ...],
              clerks: tuple[str, ...], members: list[str], today: date, tag: str) -> Coop:
    coop_id = coop["cooperative_id"]
    admin, clerk = admins[0], clerks[0]
    inv = f"{urls.inventory}/cooperatives/{coop_id}"
    pay = f"{urls.payments}/cooperatives/{coop_id}"
    shop = api.call("POST", f"{inv}/warehouses", admin,
                    {"name": f"Gerai soak {tag}", "kind": "shop"})["warehouse_id"]
    store = api.call("POST", f"{inv}/warehouses", admin,
                     {"name": f"Gudang soak {tag}", "kind": "warehouse"})["warehouse_id"]
    sale_product = _product(api, inv, admin, {
        "sku": f"SOAK-BERAS-{tag}", "name": "Beras soak", "category": "staple_goods",
        "base_unit": "pcs"}, {"member": (SALE_PRICE_IDR, 1), "non_member": (SALE_PRICE_IDR, 1)})
    api.call("POST", f"{inv}/warehouses/{shop}/goods-receipts", clerk, {
        "product_id": sale_product, "qty": STOCK_QTY,
        "total_cost_idr": STOCK_QTY * SALE_PRICE_IDR // 2})
    produce_product = _product(api, inv, admin, {
        "sku": f"SOAK-KOPI-{tag}", "name": "Kopi soak", "category": "farm_produce",
        "base_unit": "g", "lot_tracking": "lot"},
        {"buy_from_member": (PRODUCE_PRICE_PER_KG_IDR, 1000)})
    for member in members:
        api.call("POST", f"{pay}/members/{member}/savings/sukarela/deposits", clerk,
                 {"amount_idr": OPENING_SUKARELA_IDR, "channel": "cash"})
    loans = []
    for member in members[:LOANS_PER_COOP]:
        loan = api.call("POST", f"{pay}/loans", clerk, {
            "member_id": member, "principal_idr": LOAN_PRINCIPAL_IDR, "term_months": 60,
            "interest_rate_bp_per_month": 100, "method": "flat", "penalty_bp_per_month": 0,
            "first_due_date": (today + timedelta(days=30)).isoformat()})
        loan_id = loan["loan_id"]
        api.call("POST", f"{pay}/loans/{loan_id}/approve", admin, {})
        api.call("POST", f"{pay}/loans/{loan_id}/disburse", admin, {})
        loans.append(loan_id)
    return Coop(cooperative_id=coop_id, regency_code=coop["regency_code"],
                clerk_tokens=clerks, admin_tokens=admins,
                members=tuple(members), shop_id=shop, sale_product_id=sale_product,
                produce_warehouse_id=store, produce_product_id=produce_product,
                loan_ids=tuple(loans))


def prepare(urls: Urls, key_file: Path, today: date, max_coops: int = 5) -> list[Coop]:
    """The soak's cooperatives: every joined one of the demo (up to ``max_coops``) with at
    least ``LOANS_PER_COOP`` admitted members, set up for the load."""
    tag = uuid.uuid4().hex[:6].upper()  # a second setup on the same databases: new SKUs
    mint = Minter(key_file)
    admin_fed = mint("federation_admin", "soak-federation")
    coops: list[Coop] = []
    with httpx.Client(timeout=30.0) as client:
        api = _Api(client)
        for coop in api.call("GET", f"{urls.members}/cooperatives", admin_fed):
            if len(coops) >= max_coops or not coop.get("in_federation"):
                continue
            coop_id = coop["cooperative_id"]
            admins = tuple(mint("coop_admin", f"soak-admin-{tag}-{n}", coop_id)
                           for n in range(ADMINS_PER_COOP))
            clerks = tuple(mint("coop_clerk", f"soak-clerk-{tag}-{n}", coop_id)
                           for n in range(CLERKS_PER_COOP))
            members = _admitted(api, urls, coop_id, admins[0])
            if len(members) < LOANS_PER_COOP:
                continue
            coops.append(_one_coop(api, urls, coop, admins, clerks, members, today, tag))
    if not coops:
        raise SetupError("no cooperative of the demo has enough admitted members")
    return coops

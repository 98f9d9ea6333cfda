"""Seeding the demo economy (the `economy` package) through the payments and inventory APIs.

After the members demo, per cooperative, in this order (later steps need earlier ones):

1. wait until both services' local directories know the cooperative and its admitted
   members (their consumers read the members topic);
2. payments (the savings policy was set by `policy_hook` right after the cooperative
   joined): wajib billing, every admitted member's pokok, the loans (the
   clerk applies, the treasurer approves and disburses: maker-checker), then the
   collector's offline facts (wajib, sukarela, repayments) in one `POST /sync`;
3. inventory: warehouses, catalogue and prices (in force from the calendar's
   `prices_from`), goods receipts (online, dated the first day of the three months: all
   the stock they sell), then, once
   inventory's directory knows every member who buys or delivers, two offline uploads
   (`POST /sync`): the warehouse scale's produce bought from members (payments pays them
   out, withholding loan instalments and wajib arrears) and the till's shop sales
   (payments records each payment, inventory then completes the sale); last, the public
   catalogue (`economy.catalogue`): a placeholder picture and a listing per product
   offered outside the region, and the storefront's story.

Then `settle` waits for those reactions, and `summarise` reads back what the APIs hold.

Every POST carries an Idempotency-Key from `economy.economy_key` and is sent with a token
whose subject never changes; sync items carry fixed client ids and device seqs. A second
run therefore creates nothing: keyed POSTs are replayed, sync items answer `duplicate`.

Databases seeded by the older demo (shop dated the day of its first run) hold prices
already in use, which inventory will not backdate: the first price answers 422
`price-backdated`, and seeding stops with `EconomyError` naming the fresh start
(`START_AFRESH`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from gotong_devstack import economy as eco
from gotong_devstack.demo import (
    AfterJoin,
    ApiError,
    CoopSpec,
    DemoCoop,
    Mint,
    Reply,
    ReplyCounts,
    call,
    coop_admin_subject,
)
from gotong_devstack.economy.catalogue import CATALOGUES, placeholder_svg

__all__ = [
    "START_AFRESH",
    "CoopRecord",
    "Counts",
    "EconomyError",
    "Endpoints",
    "Tokens",
    "format_kg",
    "format_rupiah",
    "policy_hook",
    "seed_economy",
    "settle",
    "summarise",
]

T = TypeVar("T")
Say = Callable[[str], None]

DIRECTORY_TIMEOUT = 60.0
SETTLE_TIMEOUT = 120.0
SYNC_BATCH = 500  # gotong_platform.sync.MAX_BATCH_ITEMS
START_AFRESH = "make stop && make down && rm -rf .stack && make run"
# More of one product than any demo shelf ever holds (see `_CoopSeeder.wait_for_members`).
PROBE_QTY = 1_000_000


class EconomyError(Exception):
    """Seeding the economy cannot go on; the message says why and what to look at."""


@dataclass(frozen=True)
class Endpoints:
    inventory: str
    payments: str


class Tokens:
    """The demo's people per cooperative, one token each (minted once per run).

    pengurus (coop_admin) sets things up, bendahara (coop_admin) approves and disburses
    loans, kasir (coop_clerk) rings up sales, takes deposits and records applications.
    """

    def __init__(self, mint: Mint) -> None:
        self._mint = mint
        self._cache: dict[tuple[str, str, str], str] = {}

    def _get(self, role: str, subject: str, cooperative_id: str) -> str:
        key = (role, subject, cooperative_id)
        if key not in self._cache:
            self._cache[key] = self._mint(role, subject, cooperative_id)
        return self._cache[key]

    def pengurus(self, slug: str, cooperative_id: str) -> str:
        return self._get("coop_admin", coop_admin_subject(slug), cooperative_id)

    def bendahara(self, slug: str, cooperative_id: str) -> str:
        return self._get("coop_admin", f"demo-{slug}-bendahara", cooperative_id)

    def kasir(self, slug: str, cooperative_id: str) -> str:
        return self._get("coop_clerk", f"demo-{slug}-kasir", cooperative_id)


@dataclass
class Counts(ReplyCounts):
    accepted: int = 0  # sync items recorded now
    duplicates: int = 0  # sync items recorded by an earlier run


@dataclass
class CoopRecord:
    """What one cooperative's seeding produced: the ids, for settling and the summary."""

    name: str
    economy: eco.CoopEconomy
    cooperative_id: str
    member_ids: dict[int, str]  # admitted members only
    loan_ids: list[str] = field(default_factory=list)
    # The sync answers' results (the first answer's, for a duplicate), in economy order:
    sales: list[dict[str, Any]] = field(default_factory=list)  # sale_id, total_idr
    produce: list[dict[str, Any]] = field(default_factory=list)  # receipt_id, net_qty_g, ...
    flags: Counter[str] = field(default_factory=Counter)  # review flags of offline facts


# --- requests -----------------------------------------------------------------------


def _problem_code(exc: ApiError) -> str | None:
    code = (exc.problem or {}).get("code")
    return code if isinstance(code, str) else None


def _wait(what: str, attempt: Callable[[], T], retry_codes: Iterable[str], hint: str,
          timeout: float = DIRECTORY_TIMEOUT) -> T:
    """`attempt()` until it stops failing with one of `retry_codes` (or `timeout` passes)."""
    codes = set(retry_codes)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return attempt()
        except ApiError as exc:
            if _problem_code(exc) not in codes:
                raise
            if time.monotonic() > deadline:
                raise EconomyError(
                    f"{what}: still {exc.status} {_problem_code(exc)} after {timeout:.0f} s; "
                    f"{hint}") from None
        time.sleep(0.5)


def _id(reply: Reply, name: str, what: str) -> str:
    value = reply.data.get(name) if isinstance(reply.data, dict) else None
    if not isinstance(value, str) or not value:
        raise EconomyError(f"{what}: the answer has no {name!r}: {reply.data!r}")
    return value


def _consumer_hint(service: str) -> str:
    return (f"is {service}-consumer running? Its log is .stack/logs/{service}-consumer.log "
            f"(it builds the local directory from the members topic)")


# --- the savings policy, right after a cooperative joins ----------------------------


def policy_hook(endpoints: Endpoints, tokens: Tokens, counts: Counts) -> AfterJoin:
    """Set the cooperative's savings policy before its members are admitted.

    Payments opens a member's accounts when the admission reaches its consumer, with the
    pokok of the policy then in force: a policy set later leaves those at the default.
    """

    def hook(spec: CoopSpec, cooperative_id: str) -> None:
        profile = eco.PROFILES.get(spec.slug)
        if profile is not None:
            _set_policy(endpoints, tokens, counts, spec.slug, cooperative_id, profile.policy)

    return hook


def _set_policy(endpoints: Endpoints, tokens: Tokens, counts: Counts, slug: str,
                cooperative_id: str, policy: eco.Policy) -> None:
    token = tokens.pengurus(slug, cooperative_id)
    base = f"/cooperatives/{cooperative_id}"
    _wait(f"payments does not know cooperative {slug} ({cooperative_id})",
          lambda: call(endpoints.payments, "GET", f"{base}/savings-policy", token=token),
          {"cooperative-not-found"}, _consumer_hint("payments"))
    counts.count(call(endpoints.payments, "POST", f"{base}/savings-policy", token=token,
                      body=policy.body(), key=eco.economy_key("policy", slug)))


# --- seeding ------------------------------------------------------------------------


def seed_economy(
    economies: Sequence[eco.CoopEconomy], federation: Sequence[DemoCoop],
    cooperative_ids: Mapping[str, str], member_ids: Mapping[str, Mapping[int, str]],
    endpoints: Endpoints, tokens: Tokens, counts: Counts,
) -> list[CoopRecord]:
    names = {coop.spec.slug: coop.spec.name for coop in federation}
    records = []
    for economy in economies:
        slug = economy.slug
        admitted = {a.seq for coop in federation if coop.spec.slug == slug
                    for a in coop.applicants if a.outcome == "admitted"}
        record = CoopRecord(
            name=names[slug], economy=economy, cooperative_id=cooperative_ids[slug],
            member_ids={seq: mid for seq, mid in member_ids[slug].items() if seq in admitted})
        seeder = _CoopSeeder(record, endpoints, tokens, counts)
        seeder.wait_for_directories()
        seeder.payments()
        seeder.inventory()
        records.append(record)
    return records


class _CoopSeeder:
    def __init__(self, record: CoopRecord, endpoints: Endpoints, tokens: Tokens,
                 counts: Counts) -> None:
        self.r = record
        self.e = record.economy
        self.urls = endpoints
        self.counts = counts
        self.base = f"/cooperatives/{record.cooperative_id}"
        self.pengurus = tokens.pengurus(self.e.slug, record.cooperative_id)
        self.bendahara = tokens.bendahara(self.e.slug, record.cooperative_id)
        self.kasir = tokens.kasir(self.e.slug, record.cooperative_id)

    def _post(self, url: str, path: str, token: str, body: Mapping[str, Any], key: str,
              retry_codes: Iterable[str] = ()) -> Reply:
        def attempt() -> Reply:
            return call(url, "POST", self.base + path, token=token, body=body, key=key)

        hint = _consumer_hint("inventory" if url == self.urls.inventory else "payments")
        return self.counts.count(_wait(f"POST {path} ({key})", attempt, retry_codes, hint))

    def member(self, seq: int) -> str:
        return self.r.member_ids[seq]

    # --- directories

    def wait_for_directories(self) -> None:
        slug = self.e.slug
        _wait(f"inventory does not know cooperative {slug} ({self.r.cooperative_id})",
              lambda: call(self.urls.inventory, "GET", f"{self.base}/warehouses",
                           token=self.pengurus),
              {"cooperative-not-found"}, _consumer_hint("inventory"))
        for seq, member_id in sorted(self.r.member_ids.items()):
            # The accounts open when payments' consumer applies the admission.
            _wait(f"payments has no savings accounts for {slug} member {seq} ({member_id})",
                  partial(call, self.urls.payments, "GET",
                          f"{self.base}/members/{member_id}/savings", token=self.pengurus),
                  {"cooperative-not-found", "savings-accounts-not-found"},
                  _consumer_hint("payments"))

    # --- payments

    def payments(self) -> None:
        e, pay = self.e, self.urls.payments
        # The savings policy was set by `policy_hook` when the cooperative joined.
        for period in e.dates.months:
            self._post(pay, "/wajib-billing", self.pengurus, {"period": period},
                       eco.economy_key("wajib-billing", e.slug, period))
        for pokok in e.pokok:
            self._pokok(pokok)
        for loan in e.loans:
            self.r.loan_ids.append(self._loan(loan))
        self._sync()

    def _pokok(self, pokok: eco.Pokok) -> None:
        member_id = self.member(pokok.member_seq)
        savings = call(self.urls.payments, "GET", f"{self.base}/members/{member_id}/savings",
                       token=self.pengurus).data
        paid = next((a.get("balance_idr", 0) for a in savings.get("accounts", [])
                     if a.get("savings_type") == "pokok"), 0)
        # Already paid: send the same request again (a replay). Not yet: the policy's
        # amount, or the default one if the account opened before the policy was set.
        amounts = [paid] if paid else [self.e.policy.pokok_idr, eco.DEFAULT_POKOK_IDR]
        path = f"/members/{member_id}/savings/pokok/deposits"
        for amount in dict.fromkeys(amounts):
            try:
                self._post(self.urls.payments, path, self.kasir, pokok.body(amount),
                           pokok.key(self.e.slug, amount))
                return
            except ApiError as exc:
                if _problem_code(exc) == "pokok-already-paid":
                    return  # paid by someone else than the demo: leave it
                if _problem_code(exc) != "pokok-amount-mismatch" or amount == amounts[-1]:
                    raise

    def _loan(self, loan: eco.Loan) -> str:
        pay = self.urls.payments
        apply_key, approve_key, disburse_key = loan.keys(self.e.slug)
        reply = self._post(pay, "/loans", self.kasir, loan.apply_body(self.member(loan.member_seq)),
                           apply_key)
        loan_id = _id(reply, "loan_id", f"loan {loan.n} of {self.e.slug}")
        self._post(pay, f"/loans/{loan_id}/approve", self.bendahara, loan.approve_body(),
                   approve_key)
        reply = self._post(pay, f"/loans/{loan_id}/disburse", self.bendahara,
                           loan.disburse_body(), disburse_key)
        schedule = [(i.get("n"), i.get("due_date"), i.get("principal_idr"), i.get("interest_idr"))
                    for i in (reply.data or {}).get("schedule", [])]
        expected = [(i.n, i.due_date.isoformat(), i.principal_idr, i.interest_idr)
                    for i in loan.schedule()]
        if schedule != expected:
            # The repayments are computed from our copy of the schedule rules.
            raise EconomyError(f"loan {loan.n} of {self.e.slug}: payments scheduled "
                               f"{schedule[:2]}..., the demo expected {expected[:2]}...")
        return loan_id

    def _sync(self) -> None:
        e = self.e
        items = []
        for index, fact in enumerate(e.facts):
            target = (self.member(fact.member_seq) if fact.member_seq is not None
                      else self.r.loan_ids[(fact.loan_n or 0) - 1])
            items.append(fact.item(index + 1, e.occurred_at(index), target,
                                   e.fact_reference(index)))
        self._upload("payments", e.device_id, items)

    def _upload(self, service: str, device_id: str,
                items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """`POST /sync` of one device's facts; what the service made of each, in order."""
        url = self.urls.payments if service == "payments" else self.urls.inventory
        results: list[dict[str, Any]] = []
        refused: list[str] = []
        for start in range(0, len(items), SYNC_BATCH):
            batch = {"device_id": device_id, "items": list(items[start:start + SYNC_BATCH])}
            reply = call(url, "POST", f"{self.base}/sync", token=self.kasir, body=batch)
            for result in (reply.data or {}).get("results", []):
                outcome = self._sync_result(result)
                if outcome is None:
                    refused.append(f"{result.get('client_id')}: {result.get('code')} "
                                   f"{result.get('detail')}")
                else:
                    results.append(outcome)
        if refused:
            raise EconomyError(
                f"{service} refused {len(refused)} offline facts of {self.e.slug} from "
                f"{device_id} (a refused fact stays refused; start afresh after fixing the "
                f"data: {START_AFRESH}): " + "; ".join(refused[:5]))
        if len(results) != len(items):
            raise EconomyError(f"{service} answered {len(results)} of the {len(items)} "
                               f"offline facts of {device_id}")
        return results

    def _sync_result(self, result: Mapping[str, Any]) -> dict[str, Any] | None:
        """The result of an accepted fact (the first answer's for a duplicate), else None."""
        status = result.get("status")
        first = result.get("result") or {}
        self.r.flags.update(result.get("flags") or [])
        if status == "accepted":
            self.counts.accepted += 1
            return dict(first)
        if status == "duplicate" and first.get("status") == "accepted":
            self.counts.duplicates += 1
            return dict(first.get("result") or {})
        return None

    # --- inventory

    def inventory(self) -> None:
        e, inv = self.e, self.urls.inventory
        warehouse_ids = {
            w.code: _id(self._post(inv, "/warehouses", self.pengurus, w.body(),
                                   eco.economy_key("warehouse", e.slug, w.code)),
                        "warehouse_id", w.name)
            for w in e.warehouses}
        product_ids: dict[str, str] = {}
        for product in e.products:
            reply = self._post(inv, "/products", self.pengurus, product.body(),
                               eco.economy_key("product", e.slug, product.sku))
            product_ids[product.sku] = pid = _id(reply, "product_id", product.sku)
            for price in product.prices:
                self._price(pid, product, price)
        # Online, before the offline sales that sell it: all the stock, dated the first day.
        for receipt in e.receipts:
            warehouse = warehouse_ids[e.product(receipt.sku).warehouse]
            self._post(inv, f"/warehouses/{warehouse}/goods-receipts", self.kasir,
                       receipt.body(product_ids[receipt.sku]),
                       eco.economy_key("receipt", e.slug, receipt.sku))
        shop = warehouse_ids[e.shop.code]
        self.wait_for_members(shop, product_ids)
        self._produce(warehouse_ids, product_ids)
        self._sales(shop, product_ids)
        self._catalogue(warehouse_ids, product_ids)

    def _catalogue(self, warehouse_ids: Mapping[str, str], product_ids: Mapping[str, str]
                   ) -> None:
        e, inv = self.e, self.urls.inventory
        catalogue = CATALOGUES.get(e.slug)
        if catalogue is None:
            return
        shop = warehouse_ids[e.shop.code]
        listed = dict(product_ids)
        for extra in catalogue.extra:
            reply = self._post(inv, "/products", self.pengurus, extra.body(),
                               eco.economy_key("product", e.slug, extra.sku))
            listed[extra.sku] = pid = _id(reply, "product_id", extra.sku)
            self._post(inv, f"/warehouses/{shop}/goods-receipts", self.kasir,
                       {"product_id": pid, "qty": extra.qty_g,
                        "total_cost_idr": extra.total_cost_idr, "supplier_ref": "kebun anggota"},
                       eco.economy_key("receipt", e.slug, extra.sku))
        warehouse_of = {p.sku: warehouse_ids[p.warehouse] for p in e.products}
        for listing in catalogue.listings:
            svg = placeholder_svg(listing.title, listing.colours)
            image = self.counts.count(call(
                inv, "POST", f"{self.base}/catalogue-images", token=self.kasir,
                raw=(svg, "image/svg+xml"), key=eco.economy_key("image", e.slug, listing.sku)))
            body = listing.body(listed[listing.sku], warehouse_of.get(listing.sku, shop),
                                _id(image, "path", listing.sku), catalogue.regency)
            self._post(inv, "/listings", self.kasir, body,
                       eco.economy_key("listing", e.slug, listing.sku))
        self._post(inv, "/storefront", self.pengurus,
                   {"story": catalogue.story, "region": catalogue.region},
                   eco.economy_key("storefront", e.slug))

    def _price(self, product_id: str, product: eco.Product, price: eco.Price) -> None:
        try:
            since = self.e.dates.prices_from
            self._post(self.urls.inventory, f"/products/{product_id}/prices", self.pengurus,
                       price.body(since), price.key(self.e.slug, product.sku, since))
        except ApiError as exc:
            if _problem_code(exc) != "price-backdated":
                raise
            raise EconomyError(
                f"inventory will not backdate the {price.price_list} price of {product.sku} "
                f"({self.e.slug}) to {self.e.dates.prices_from.isoformat()}: these databases "
                f"hold prices a demo of another day set, and a price list already in use "
                f"cannot be backdated. The demo needs a fresh start: "
                f"{START_AFRESH}") from None

    def wait_for_members(self, shop_id: str, product_ids: Mapping[str, str]) -> None:
        """Wait until inventory's directory knows every member an offline fact names.

        An offline fact of a member the directory does not know yet is still accepted,
        but flagged `member_unverified` for good. Inventory has no read of its directory,
        so each member is probed with an online sale of more than any shelf holds: it is
        refused either 422 `not-an-active-member` (not known yet: wait) or 409
        `insufficient-stock` (known), and writes nothing either way (a refused command
        leaves no Idempotency-Key behind).
        """
        e = self.e
        priced = [(price.amount(PROBE_QTY), p.sku) for p in e.products
                  if p.warehouse == e.shop.code and (price := p.price("member")) is not None]
        if not priced:
            raise EconomyError(f"{e.slug}: no shop product has a member price")
        total, sku = min(priced)  # the cheapest: the total must stay a valid amount
        seqs = sorted({s.member_seq for s in e.sales if s.member_seq is not None}
                      | {p.member_seq for p in e.produce})
        for seq in seqs:
            body = {"warehouse_id": shop_id, "buyer_type": "member",
                    "member_id": self.member(seq),
                    "lines": [{"product_id": product_ids[sku], "qty": PROBE_QTY}],
                    "discount_idr": 0, "payments": [{"method": "cash", "amount_idr": total}]}

            def probe(body: Mapping[str, Any] = body, seq: int = seq) -> None:
                try:
                    call(self.urls.inventory, "POST", f"{self.base}/sales", token=self.kasir,
                         body=body, key=eco.economy_key("probe", e.slug, seq))
                except ApiError as exc:
                    if _problem_code(exc) == "insufficient-stock":
                        return
                    raise
                raise EconomyError(f"{e.slug}: the directory probe for member {seq} was "
                                   f"recorded as a sale; void it in inventory")

            _wait(f"inventory does not know {e.slug} member {seq} ({self.member(seq)})",
                  probe, {"not-an-active-member"}, _consumer_hint("inventory"))

    def _produce(self, warehouse_ids: Mapping[str, str],
                 product_ids: Mapping[str, str]) -> None:
        e = self.e
        if not e.produce:
            return
        items = [p.item(warehouse_ids[e.product(p.sku).warehouse], self.member(p.member_seq),
                        product_ids[p.sku]) for p in e.produce]
        results = self._upload("inventory", e.scale_device_id, items)
        for purchase, result in zip(e.produce, results, strict=True):
            price = e.product(purchase.sku).price("buy_from_member")
            expected = None if price is None else price.amount(purchase.net_qty_g)
            if result.get("amount_idr") != expected:
                raise EconomyError(f"produce purchase {purchase.n} of {e.slug}: inventory "
                                   f"priced it Rp {result.get('amount_idr')}, the demo's "
                                   f"price list says Rp {expected}")
            self.r.produce.append(result | {"business_date": purchase.on.isoformat()})

    def _sales(self, shop_id: str, product_ids: dict[str, str]) -> None:
        e = self.e
        items = [s.item(shop_id, product_ids,
                        None if s.member_seq is None else self.member(s.member_seq))
                 for s in e.sales]
        results = self._upload("inventory", e.till_device_id, items)
        for sale, result in zip(e.sales, results, strict=True):
            if result.get("total_idr") != sale.total_idr:
                raise EconomyError(f"sale {sale.n} of {e.slug}: inventory priced it Rp "
                                   f"{result.get('total_idr')}, the demo's price list says "
                                   f"Rp {sale.total_idr}")
            self.r.sales.append(result)


# --- the services' reactions --------------------------------------------------------


def settle(records: Sequence[CoopRecord], endpoints: Endpoints, tokens: Tokens,
           timeout: float = SETTLE_TIMEOUT) -> list[str]:
    """Wait until payments answered every sale and paid out every produce receipt.

    Returns what is still open after `timeout` (empty when everything settled).
    """
    deadline = time.monotonic() + timeout
    while True:
        open_items: list[str] = []
        for r in records:
            token = tokens.pengurus(r.economy.slug, r.cooperative_id)
            statuses = _sale_statuses(r, endpoints, token)
            recorded = sum(1 for s in r.sales if statuses.get(s["sale_id"]) == "recorded")
            if recorded:
                open_items.append(f"{r.economy.slug}: {recorded} sales not yet completed")
            paid = {p["receipt_id"] for p in _payouts(r, endpoints, token)}
            unpaid = sum(1 for p in r.produce if p["receipt_id"] not in paid)
            if unpaid:
                open_items.append(f"{r.economy.slug}: {unpaid} produce receipts not paid out")
        if not open_items or time.monotonic() > deadline:
            return open_items
        time.sleep(1.0)


def _sale_statuses(r: CoopRecord, endpoints: Endpoints, token: str) -> dict[str, str]:
    reply = call(endpoints.inventory, "GET", f"/cooperatives/{r.cooperative_id}/sales?limit=1000",
                 token=token)
    items = reply.data.get("items", []) if isinstance(reply.data, dict) else []
    return {s["sale_id"]: s["status"] for s in items}


def _payouts(r: CoopRecord, endpoints: Endpoints, token: str) -> list[dict[str, Any]]:
    reply = call(endpoints.payments, "GET", f"/cooperatives/{r.cooperative_id}/payouts",
                 token=token)
    receipts = {p["receipt_id"] for p in r.produce}
    return [p for p in (reply.data or []) if p.get("receipt_id") in receipts]


# --- the summary --------------------------------------------------------------------


def format_rupiah(amount: int) -> str:
    """Rp 1.234.567 (Indonesian thousands separator)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


def format_kg(grams: int) -> str:
    """1.234,5 kg (one decimal, Indonesian separators)."""
    tenths = (grams + 50) // 100
    whole, tenth = divmod(tenths, 10)
    return f"{whole:,}".replace(",", ".") + f",{tenth} kg"


def summarise(records: Sequence[CoopRecord], endpoints: Endpoints, tokens: Tokens) -> list[str]:
    """Per cooperative, what the APIs now hold (read back, not taken from the demo data)."""
    lines: list[str] = []
    totals: Counter[str] = Counter()
    for r in records:
        token = tokens.pengurus(r.economy.slug, r.cooperative_id)
        lines.append(f"  {r.name}")
        lines += _savings_lines(r, endpoints, token, totals)
        if r.loan_ids:
            lines += _loan_lines(r, endpoints, token, totals)
        lines += _shop_lines(r, endpoints, token, totals)
        if r.produce:
            lines += _produce_lines(r, endpoints, token, totals)
        lines += _device_lines(r)
    lines.append(
        f"  federation: savings {format_rupiah(totals['savings'])}, "
        f"loans outstanding {format_rupiah(totals['outstanding'])}, "
        f"{totals['sales']} sales for {format_rupiah(totals['omzet'])}, "
        f"produce bought {format_rupiah(totals['produce'])}")
    months = ", ".join(
        f"{month} {totals[f'sales {month}']} sales {format_rupiah(totals[f'omzet {month}'])}"
        + (f" + produce {format_rupiah(totals[f'produce {month}'])}"
           if totals[f"produce {month}"] else "")
        for month in (records[0].economy.dates.months if records else ()))
    lines.append(f"  by month: {months}")
    return lines


def _by_month(amounts: Iterable[tuple[str, int]]) -> tuple[Counter[str], Counter[str]]:
    """(business date, amount) pairs -> count and amount per month (YYYY-MM)."""
    count: Counter[str] = Counter()
    amount: Counter[str] = Counter()
    for day, value in amounts:
        count[day[:7]] += 1
        amount[day[:7]] += value
    return count, amount


def _months_text(count: Counter[str], amount: Counter[str], noun: str,
                 months: Sequence[str]) -> str:
    return ", ".join(f"{month} {count[month]} {noun} {format_rupiah(amount[month])}"
                     for month in months)


def _savings_lines(r: CoopRecord, endpoints: Endpoints, token: str,
                   totals: Counter[str]) -> list[str]:
    balance: Counter[str] = Counter()
    arrears = owing = 0
    for member_id in r.member_ids.values():
        data = call(endpoints.payments, "GET",
                    f"/cooperatives/{r.cooperative_id}/members/{member_id}/savings",
                    token=token).data
        for account in data.get("accounts", []):
            balance[account["savings_type"]] += account["balance_idr"]
        arrears += data.get("wajib_arrears_idr", 0)
        owing += 1 if data.get("wajib_arrears_idr", 0) else 0
    totals["savings"] += sum(balance.values())
    return [f"    savings   {len(r.member_ids)} members: pokok {format_rupiah(balance['pokok'])}, "
            f"wajib {format_rupiah(balance['wajib'])} (arrears {format_rupiah(arrears)} "
            f"from {_plural(owing, 'member')}), sukarela {format_rupiah(balance['sukarela'])}"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _loan_lines(r: CoopRecord, endpoints: Endpoints, token: str,
                totals: Counter[str]) -> list[str]:
    loans = [call(endpoints.payments, "GET", f"/cooperatives/{r.cooperative_id}/loans/{lid}",
                  token=token).data for lid in r.loan_ids]
    principal = sum(loan["principal_idr"] for loan in loans)
    outstanding = sum(loan["outstanding_principal_idr"] for loan in loans)
    totals["outstanding"] += outstanding
    statuses = Counter(loan["status"] for loan in loans)
    late = [f"{loan['days_past_due']} days, {loan['collectibility']}" for loan in loans
            if loan["days_past_due"] > 0]
    state = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
    overdue = f"; overdue: {'; '.join(late)}" if late else "; none overdue"
    return [f"    loans     {len(loans)} disbursed {format_rupiah(principal)} ({state}), "
            f"principal outstanding {format_rupiah(outstanding)}{overdue}"]


def _shop_lines(r: CoopRecord, endpoints: Endpoints, token: str,
                totals: Counter[str]) -> list[str]:
    reply = call(endpoints.inventory, "GET",
                 f"/cooperatives/{r.cooperative_id}/sales?limit=1000", token=token)
    listed = {s["sale_id"]: s for s in (reply.data or {}).get("items", [])}
    ours = [listed[s["sale_id"]] for s in r.sales if s["sale_id"] in listed]
    states = Counter(s["status"] for s in ours)
    states["unknown"] = len(r.sales) - len(ours)
    kept = [s for s in ours if s["status"] != "voided"]
    omzet = sum(s["total_idr"] for s in kept)
    by_method: Counter[str] = Counter()
    for sale in kept:
        for payment in sale.get("payments", []):
            by_method[payment["method"]] += payment["amount_idr"]
    members = sum(1 for s in kept if s.get("buyer_type") == "member")
    count, amount = _by_month((str(s["business_date"]), s["total_idr"]) for s in kept)
    totals["sales"] += len(kept)
    totals["omzet"] += omzet
    for month in r.economy.dates.months:
        totals[f"sales {month}"] += count[month]
        totals[f"omzet {month}"] += amount[month]
    last = max((str(s["business_date"]) for s in kept), default="none")
    methods = ", ".join(f"{m} {format_rupiah(a)}" for m, a in sorted(by_method.items()))
    state = ", ".join(f"{n} {status}" for status, n in sorted(states.items()) if n)
    by_months = _months_text(count, amount, "sales", r.economy.dates.months)
    return [f"    shop      {len(kept)} sales ({members} to members), omzet "
            f"{format_rupiah(omzet)}: {methods}; {state}",
            f"              {by_months}; last sale {last}"]


def _produce_lines(r: CoopRecord, endpoints: Endpoints, token: str,
                   totals: Counter[str]) -> list[str]:
    grams = sum(p["net_qty_g"] for p in r.produce)
    amount = sum(p["amount_idr"] for p in r.produce)
    totals["produce"] += amount
    payouts = _payouts(r, endpoints, token)
    deducted: Counter[str] = Counter()
    for payout in payouts:
        for d in payout.get("deductions", []):
            deducted[d["type"]] += d["amount_idr"]
    net = sum(p["net_paid_idr"] for p in payouts)
    kinds = {"loan_instalment": "loan instalments", "simpanan_wajib": "wajib arrears"}
    withheld = ", ".join(f"{kinds.get(k, k)} {format_rupiah(v)}"
                         for k, v in sorted(deducted.items()) if v)
    count, by_month = _by_month((p["business_date"], p["amount_idr"]) for p in r.produce)
    for month in r.economy.dates.months:
        totals[f"produce {month}"] += by_month[month]
    return [f"    produce   {len(r.produce)} purchases from members, {format_kg(grams)} for "
            f"{format_rupiah(amount)}; {len(payouts)} payouts, {format_rupiah(net)} paid out"
            + (f" after withholding {withheld}" if withheld else ""),
            "              "
            + _months_text(count, by_month, "deliveries", r.economy.dates.months)]


def _device_lines(r: CoopRecord) -> list[str]:
    """The stale cooperative, and any review flag the offline facts got."""
    e = r.economy
    lines = []
    if e.last_day < e.dates.until:
        lines.append(f"    devices   stopped syncing: no fact after {e.last_day.isoformat()} "
                     f"(the others run to {e.dates.until.isoformat()})")
    # Every demo fact is uploaded long after its day, so `late_upload` says nothing here.
    review = {flag: n for flag, n in r.flags.items() if flag != "late_upload"}
    if review:
        flags = ", ".join(f"{n} {flag}" for flag, n in sorted(review.items()))
        lines.append(f"    flags     offline facts flagged for review: {flags}")
    return lines

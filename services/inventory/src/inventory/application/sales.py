"""Recording a sale at the shop: ONE command writes the sale and issues its stock.

The sale (stream ``sale-<uuid>``) and one ``StockIssued`` per line (reason ``sale``,
reference the sale id, issue id ``<sale id>/<line no>``) are appended in the caller's
transaction, so a refused line leaves nothing behind. Prices come from the price list
of the buyer type (member / non-member) on the sale's business date; the till cannot
set them; a cooperative buyer pays the non-member price.

Online the shop may not sell what it does not hold (409 naming the product), a
member buyer must be active in the directory (422), and a cooperative buyer must be a
cooperative the directory knows (422), both it and the seller in the federation (409:
a sale to a cooperative outside it is an ordinary non-member sale). Offline the goods
were already handed over: the sale is accepted, and flagged ``went_negative``,
``member_unverified`` or ``buyer_cooperative_unverified`` for the clerk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from gotong_platform.db import DbConnection
from gotong_platform.ids import new_id
from gotong_platform.provenance import Provenance
from inventory.application.errors import NoListPrice, OutsideFederation, UnknownBuyerCooperative
from inventory.application.lookups import is_active_member, require_active_member
from inventory.application.ports import MembersDirectory, Till
from inventory.application.stock import FLAG_MEMBER_UNVERIFIED
from inventory.domain import (
    BuyerType,
    IssueReason,
    IssueStock,
    PriceList,
    Product,
    ProductNotFound,
    RecordSale,
    Sale,
    SaleLine,
    SalePayment,
    SaleRecorded,
    StockEvent,
    StockIssued,
    StockLedger,
    WarehouseNotFound,
    evolve_stock,
    issue_stock,
    record_sale,
)

__all__ = [
    "FLAG_BUYER_COOPERATIVE_UNVERIFIED",
    "FLAG_ISSUED_EXPIRED",
    "FLAG_WENT_NEGATIVE",
    "OrderLine",
    "RecordedSale",
    "SaleOrder",
    "SalesService",
]

FLAG_WENT_NEGATIVE = "went_negative"
FLAG_ISSUED_EXPIRED = "issued_expired"
FLAG_BUYER_COOPERATIVE_UNVERIFIED = "buyer_cooperative_unverified"


@dataclass(frozen=True, kw_only=True)
class OrderLine:
    product_id: str
    qty: int


@dataclass(frozen=True, kw_only=True)
class SaleOrder:
    """What the till sends: no prices, only products and quantities."""

    warehouse_id: str
    buyer_type: BuyerType
    member_id: str | None
    lines: tuple[OrderLine, ...]
    payments: tuple[SalePayment, ...]
    business_date: date
    buyer_cooperative_id: str | None = None  # a sale to another cooperative
    discount_idr: int = 0
    receipt_no: str | None = None
    device_id: str | None = None
    recorded_offline: bool = False


@dataclass(frozen=True)
class RecordedSale:
    sale: Sale
    issues: list[StockIssued]
    flags: list[str]
    event: SaleRecorded


@dataclass(frozen=True)
class SalesService:
    till: Till
    directory: MembersDirectory

    async def record(
        self, conn: DbConnection, cooperative_id: str, order: SaleOrder, today: date,
        provenance: Provenance,
    ) -> RecordedSale:
        """Reads the warehouse, products and ledgers in one statement, decides everything
        in memory, then appends the ledgers' and the sale's events in one statement."""
        sale_id = new_id("sale")
        # Ledgers in product order, in every transaction that writes several: two sales
        # racing over the same products then wait for each other instead of deadlocking.
        numbered = sorted(enumerate(order.lines, start=1), key=lambda nl: nl[1].product_id)
        place = await self.till.load_place(
            conn, order.warehouse_id, [line.product_id for line in order.lines],
            [f"{sale_id}/{n}" for n, _ in numbered])
        warehouse = place.warehouse
        if warehouse is None or warehouse.cooperative_id != cooperative_id:
            raise WarehouseNotFound("No warehouse with this id in this cooperative.")
        products: dict[str, Product] = {}
        for line in order.lines:
            product = place.products.get(line.product_id)
            if product is None or product.cooperative_id != cooperative_id:
                raise ProductNotFound(f"No product {line.product_id} in this cooperative.")
            products[line.product_id] = product
        events = record_sale(None, self._command(cooperative_id, order, products),
                             sale_id=sale_id, today=today)
        flags = await self._buyer_flags(conn, cooperative_id, order)
        issued: list[tuple[StockLedger, list[StockEvent]]] = []
        issues: list[StockIssued] = []
        for product_id, lines in groupby(numbered, key=lambda nl: nl[1].product_id):
            product = products[product_id]
            ledger, _ = place.ledgers[product_id]
            taken: list[StockEvent] = []
            for n, line in lines:  # a product named on two lines: the second takes after
                command = IssueStock(issue_id=f"{sale_id}/{n}", reason=IssueReason.SALE,
                                     reference=sale_id, qty=line.qty,
                                     business_date=order.business_date,
                                     recorded_offline=order.recorded_offline)
                for e in issue_stock(ledger, command, product=product, today=today):
                    ledger = evolve_stock(ledger, e)
                    taken.append(e)
            issued.append((ledger, taken))
            issues.extend(e for e in taken if isinstance(e, StockIssued))
        if any(issue.went_negative for issue in issues):
            flags.append(FLAG_WENT_NEGATIVE)
        if any(issue.issued_expired for issue in issues):
            flags.append(FLAG_ISSUED_EXPIRED)
        sale = await self.till.write_sale(conn, place, issued, events, flags=flags,
                                          provenance=provenance)
        recorded = next(e for e in events if isinstance(e, SaleRecorded))
        return RecordedSale(sale=sale, issues=issues, flags=flags, event=recorded)

    def _command(self, cooperative_id: str, order: SaleOrder,
                 products: dict[str, Product]) -> RecordSale:
        price_list = (PriceList.MEMBER if order.buyer_type is BuyerType.MEMBER
                      else PriceList.NON_MEMBER)
        return RecordSale(
            cooperative_id=cooperative_id, warehouse_id=order.warehouse_id,
            buyer_type=order.buyer_type, member_id=order.member_id,
            buyer_cooperative_id=order.buyer_cooperative_id,
            lines=tuple(_priced(products[line.product_id], line.qty, price_list,
                                order.business_date) for line in order.lines),
            payments=order.payments, business_date=order.business_date,
            discount_idr=order.discount_idr, receipt_no=order.receipt_no,
            device_id=order.device_id, recorded_offline=order.recorded_offline)

    async def _buyer_flags(self, conn: DbConnection, cooperative_id: str,
                           order: SaleOrder) -> list[str]:
        if order.buyer_type is BuyerType.COOPERATIVE:
            return await self._cooperative_buyer_flags(conn, cooperative_id, order)
        if order.buyer_type is not BuyerType.MEMBER or order.member_id is None:
            return []
        if await is_active_member(conn, self.directory, cooperative_id, order.member_id):
            return []
        if not order.recorded_offline:
            await require_active_member(conn, self.directory, cooperative_id, order.member_id)
        return [FLAG_MEMBER_UNVERIFIED]

    async def _cooperative_buyer_flags(self, conn: DbConnection, cooperative_id: str,
                                       order: SaleOrder) -> list[str]:
        """A cooperative buyer is a known cooperative, both it and the seller in the
        federation (only then can group reports eliminate the sale). Called after the
        domain checked that the sale names a buyer other than the seller."""
        if order.buyer_cooperative_id is None:
            return []
        buyer = await self.directory.cooperative(conn, order.buyer_cooperative_id)
        seller = await self.directory.cooperative(conn, cooperative_id)
        if buyer is not None and buyer.in_federation and seller is not None \
                and seller.in_federation:
            return []
        if order.recorded_offline:  # the goods were handed over: accepted, for staff to check
            return [FLAG_BUYER_COOPERATIVE_UNVERIFIED]
        if buyer is None:
            raise UnknownBuyerCooperative(
                f"{order.buyer_cooperative_id} is not a cooperative known here; name a "
                "cooperative of the federation, or sell to it as a non-member.")
        raise OutsideFederation(
            "A sale to a cooperative is between two cooperatives of the federation; sell "
            "to one outside it as a non-member.")


def _priced(product: Product, qty: int, price_list: PriceList, day: date) -> SaleLine:
    price = product.price_on(price_list, day)
    if price is None:
        raise NoListPrice(f"{product.name} has no {price_list.value.replace('_', '-')} price "
                          f"on {day.isoformat()}.")
    return SaleLine(product_id=product.product_id, qty=qty, price_idr=price.price_idr,
                    per_qty=price.per_qty, line_total_idr=price.amount(qty))


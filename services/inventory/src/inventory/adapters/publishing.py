"""From internal domain events to published contracts (what partners and reporting see).

Quantities and costs are published per (warehouse, product) movement as totals with the
document ids and the settlement variance; the per-lot lines stay inside the service (see
the contracts in ``gotong_platform.contracts.inventory``). ``StockCounted`` has no contract:
what a count changed is published as its ``StockAdjusted(count_correction)`` events.

An outbound adapter: the repositories put each event's contract in its outbox row, in
the transaction that appends the event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, assert_never

from gotong_platform.contracts import EventContract
from gotong_platform.contracts import inventory as c
from inventory.domain import (
    BuyerType,
    GoodsReceived,
    ListingEvent,
    ListingPublished,
    ListingWithdrawn,
    ProduceReceivedFromMember,
    ProductCategory,
    ProductDefined,
    ProductEvent,
    ProductPriceSet,
    SaleCompleted,
    SaleEvent,
    SaleRecorded,
    SaleVoided,
    StockAdjusted,
    StockCounted,
    StockEvent,
    StockIssued,
    StockLine,
    StockReturned,
    StockTransferredIn,
    StockTransferredOut,
    StorefrontProfileSet,
    WarehouseRegistered,
)
from inventory.domain.order_events import (
    OrderCancelled,
    OrderEvent,
    OrderExpired,
    OrderPacked,
    OrderPaid,
    OrderPlaced,
    OrderShipped,
)
from inventory.domain.stock_events import StockReservationReleased, StockReserved

__all__ = [
    "UNGRADED",
    "business_date_of",
    "listing_contract",
    "order_contract",
    "product_contract",
    "sale_contract",
    "stock_contract",
    "storefront_contract",
    "warehouse_contract",
]

# The contract requires a grade on every produce receipt; the domain allows none.
UNGRADED = "ungraded"


def warehouse_contract(event: WarehouseRegistered) -> dict[str, Any]:
    return _dump(c.WarehouseRegisteredV1(
        cooperative_id=event.cooperative_id, warehouse_id=event.warehouse_id, name=event.name,
        kind=event.kind.value, capacity_kg=event.capacity_kg))


def product_contract(event: ProductEvent) -> dict[str, Any]:
    contract: EventContract
    match event:
        case ProductDefined():
            contract = c.ProductDefinedV1(
                cooperative_id=event.cooperative_id, product_id=event.product_id, sku=event.sku,
                name=event.name, category=event.category.value, base_unit=event.base_unit.value,
                lot_tracking=event.lot_tracking.value)
        case ProductPriceSet():
            contract = c.ProductPriceSetV1(
                cooperative_id=event.cooperative_id, product_id=event.product_id,
                price_list=event.price_list.value, price_idr=event.price_idr,
                per_qty=event.per_qty, effective_from=event.effective_from)
        case _:
            assert_never(event)
    return _dump(contract)


def stock_contract(
    event: StockEvent, *, cooperative_id: str, source_cooperative_id: str | None = None
) -> dict[str, Any] | None:
    """``cooperative_id`` owns the ledger's warehouse; ``source_cooperative_id`` is the
    sender of a transfer received (the same cooperative when ``None``)."""
    contract: EventContract
    match event:
        case GoodsReceived():
            contract = c.GoodsReceivedV1(
                cooperative_id=cooperative_id, warehouse_id=event.warehouse_id,
                product_id=event.product_id, qty=event.qty, cost_idr=event.total_cost_idr,
                lot_id=event.lot_id, expiry_date=event.expiry_date,
                business_date=event.business_date, receipt_id=event.receipt_id,
                settlement_variance_idr=event.settlement_variance_idr)
        case ProduceReceivedFromMember():
            contract = c.ProduceReceivedFromMemberV1(
                cooperative_id=cooperative_id, receipt_id=event.receipt_id,
                warehouse_id=event.warehouse_id, product_id=event.product_id,
                member_id=event.member_id, gross_qty_g=event.gross_qty_g,
                net_qty_g=event.net_qty_g, grade=event.grade or UNGRADED, lot_id=event.lot_id,
                price_idr=event.price_idr, per_qty=event.per_qty, amount_idr=event.amount_idr,
                business_date=event.business_date, recorded_offline=event.recorded_offline,
                settlement_variance_idr=event.settlement_variance_idr)
        case StockIssued():
            contract = c.StockIssuedV1(
                cooperative_id=cooperative_id, warehouse_id=event.warehouse_id,
                product_id=event.product_id, reason=event.reason.value,
                reference=event.reference, qty=_qty(event.lines),
                cost_idr=_cost(event.lines),
                went_negative=event.went_negative, business_date=event.business_date,
                issue_id=event.issue_id)
        case StockReturned():
            contract = c.StockReturnedV1(
                cooperative_id=cooperative_id, warehouse_id=event.warehouse_id,
                product_id=event.product_id, reference=event.reference,
                qty=_qty(event.lines),
                cost_idr=_cost(event.lines),
                business_date=event.business_date, issue_id=event.issue_id,
                settlement_variance_idr=event.settlement_variance_idr)
        case StockAdjusted():
            # value_idr is unsigned, as in the domain: its direction is qty_delta's.
            contract = c.StockAdjustedV1(
                cooperative_id=cooperative_id, warehouse_id=event.warehouse_id,
                product_id=event.product_id, qty_delta=event.qty_delta,
                reason=event.reason.value, value_idr=event.value_idr,
                business_date=event.business_date, adjustment_id=event.adjustment_id,
                lot_id=event.lot_id, settlement_variance_idr=event.settlement_variance_idr)
        case StockCounted():
            return None  # internal: its corrections are published as StockAdjusted
        case StockReserved() | StockReservationReleased():
            return None  # internal: the order's own events say what is held and when not
        case StockTransferredOut():
            contract = c.StockTransferredOutV1(
                cooperative_id=cooperative_id, transfer_id=event.transfer_id,
                warehouse_id=event.warehouse_id, product_id=event.product_id,
                to_warehouse_id=event.to_warehouse_id,
                to_cooperative_id=event.to_cooperative_id,
                qty=_qty(event.lines),
                cost_idr=_cost(event.lines),
                business_date=event.business_date)
        case StockTransferredIn():
            contract = c.StockTransferredInV1(
                cooperative_id=cooperative_id, transfer_id=event.transfer_id,
                warehouse_id=event.warehouse_id, product_id=event.product_id,
                from_warehouse_id=event.from_warehouse_id,
                from_cooperative_id=source_cooperative_id or cooperative_id,
                qty_sent=_qty(event.lines),
                qty_received=event.qty_received, shrinkage_qty=event.shrinkage_qty,
                cost_idr=_cost(event.lines),
                business_date=event.business_date,
                settlement_variance_idr=event.settlement_variance_idr)
        case _:
            assert_never(event)
    return _dump(contract)


def _qty(lines: Iterable[StockLine]) -> int:
    """A movement's quantity: its lots' (published as one total per ledger)."""
    return sum(line.qty for line in lines)


def _cost(lines: Iterable[StockLine]) -> int:
    """A movement's cost: its lots' (published as one total per ledger)."""
    return sum(line.cost_idr for line in lines)


def _published_buyer(buyer_type: BuyerType) -> c.BuyerType:
    """The v1 contract knows ``member`` and ``non_member``: a cooperative buyer is a
    non-member (for the seller's SHU) named by ``buyer_cooperative_id``. Adding a third
    value would break v1 consumers that validate it (payments does)."""
    return "member" if buyer_type is BuyerType.MEMBER else "non_member"


def sale_contract(
    event: SaleEvent, categories: Mapping[str, ProductCategory]
) -> dict[str, Any]:
    """``categories``: the category of every product the sale's lines name."""
    contract: EventContract
    match event:
        case SaleRecorded():
            contract = c.SaleRecordedV1(
                cooperative_id=event.cooperative_id, sale_id=event.sale_id,
                warehouse_id=event.warehouse_id, buyer_type=_published_buyer(event.buyer_type),
                member_id=event.member_id, buyer_cooperative_id=event.buyer_cooperative_id,
                lines=tuple(c.SaleLine(
                    product_id=line.product_id, category=categories[line.product_id].value,
                    qty=line.qty, price_idr=line.price_idr, per_qty=line.per_qty,
                    line_total_idr=line.line_total_idr) for line in event.lines),
                discount_idr=event.discount_idr, total_idr=event.total_idr,
                payments=tuple(c.SalePayment(method=p.method.value, amount_idr=p.amount_idr)
                               for p in event.payments),
                business_date=event.business_date, receipt_no=event.receipt_no,
                recorded_offline=event.recorded_offline, channel=event.channel.value)
        case SaleCompleted():
            contract = c.SaleCompletedV1(cooperative_id=event.cooperative_id,
                                         sale_id=event.sale_id)
        case SaleVoided():
            contract = c.SaleVoidedV1(cooperative_id=event.cooperative_id, sale_id=event.sale_id,
                                      reason_code=event.reason_code.value,
                                      detail=event.detail or "")
        case _:
            assert_never(event)
    return _dump(contract)


def listing_contract(event: ListingEvent) -> dict[str, Any]:
    contract: EventContract
    match event:
        case ListingPublished():
            contract = c.ListingPublishedV1(
                cooperative_id=event.cooperative_id, listing_id=event.listing_id,
                product_id=event.product_id, warehouse_id=event.warehouse_id,
                title=event.title, description=event.description, photos=event.photos,
                origin_regency=event.origin_regency, origin_village=event.origin_village,
                unit_label=event.unit_label, unit_qty=event.unit_qty,
                price_idr=event.price_idr, low_threshold=event.low_threshold,
                show_quantity=event.show_quantity)
        case ListingWithdrawn():
            contract = c.ListingWithdrawnV1(cooperative_id=event.cooperative_id,
                                            listing_id=event.listing_id)
        case _:
            assert_never(event)
    return _dump(contract)


def order_contract(event: OrderEvent) -> dict[str, Any]:
    """The order's facts without the buyer's name, phone and address (they stay here)."""
    contract: EventContract
    coop, oid, day = event.cooperative_id, event.order_id, event.business_date
    match event:
        case OrderPlaced():
            contract = c.OrderPlacedV1(
                cooperative_id=coop, order_id=oid, warehouse_id=event.warehouse_id,
                lines=tuple(c.OrderLine(product_id=line.product_id, qty=line.qty,
                                        price_idr=line.price_idr, per_qty=line.per_qty,
                                        line_total_idr=line.line_total_idr)
                            for line in event.lines),
                total_idr=event.total_idr, pay_by=event.pay_by, business_date=day,
                delivery_regency=event.delivery_regency)
        case OrderPaid():
            contract = c.OrderPaidV1(cooperative_id=coop, order_id=oid,
                                     method=event.method.value, amount_idr=event.amount_idr,
                                     business_date=day)
        case OrderPacked():
            contract = c.OrderPackedV1(cooperative_id=coop, order_id=oid, business_date=day)
        case OrderShipped():
            contract = c.OrderShippedV1(cooperative_id=coop, order_id=oid, sale_id=event.sale_id,
                                        courier=event.courier, tracking_no=event.tracking_no,
                                        business_date=day)
        case OrderCancelled():
            contract = c.OrderCancelledV1(cooperative_id=coop, order_id=oid, business_date=day)
        case OrderExpired():
            contract = c.OrderExpiredV1(cooperative_id=coop, order_id=oid, pay_by=event.pay_by,
                                        business_date=day)
        case _:
            assert_never(event)
    return _dump(contract)


def storefront_contract(event: StorefrontProfileSet) -> dict[str, Any]:
    return _dump(c.StorefrontProfileSetV1(cooperative_id=event.cooperative_id,
                                          story=event.story, region=event.region))


def business_date_of(event: object, today: date) -> date:
    """The day the fact takes effect in the cooperative's books (reports group by it).

    Catalogue facts (a warehouse, a product, a price set) count on the day they were
    recorded, ``today``; a price's own ``effective_from`` is in its payload.
    """
    match event:
        case SaleCompleted():
            return event.completed_on
        case SaleVoided():
            return event.voided_on
        case _:
            day = getattr(event, "business_date", None)
            return day if isinstance(day, date) else today


def _dump(contract: EventContract) -> dict[str, Any]:
    data: dict[str, Any] = contract.model_dump(mode="json")
    return data

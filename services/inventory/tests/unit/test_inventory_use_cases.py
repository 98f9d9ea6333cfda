"""The use cases, run against in-memory fakes of their ports: no database, no HTTP.

Each use case is wired as ``main.build_services`` wires it, with the fakes of
``inventory_fakes`` in place of the PostgreSQL adapters. What a refused command leaves
behind is checked on the fake streams: nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from inventory_builders import TODAY, a_definition, a_price, a_receipt, a_warehouse_registration
from inventory_fakes import (
    NO_CONN,
    FakeDirectory,
    FakeProducts,
    FakeSales,
    FakeStockLedgers,
    FakeStreams,
    FakeTill,
    FakeTransferLines,
    FakeWarehouses,
)

from gotong_platform.calendar import FixedClock
from gotong_platform.contracts import payments as p
from gotong_platform.envelope import Envelope
from gotong_platform.provenance import CommandMeta, Provenance
from inventory.application.catalogue import CatalogueService
from inventory.application.clock import BusinessCalendar
from inventory.application.errors import NoListPrice, NotAnActiveMember
from inventory.application.offline import OfflineFacts
from inventory.application.reactions import PaymentReactions
from inventory.application.sales import OrderLine, SaleOrder, SalesService
from inventory.application.stock import StockService
from inventory.application.transfers import TransferService
from inventory.domain import (
    BuyerType,
    DuplicateSku,
    InsufficientStock,
    LotTracking,
    PaymentMethod,
    PriceList,
    Product,
    ProductNotFound,
    ReceiveProduce,
    SalePayment,
    SaleStatus,
    StockReturned,
    Warehouse,
)

pytestmark = pytest.mark.unit

COOP = "cooperative-test"
OTHER_COOP = "cooperative-other"
# 10:00 WITA on TODAY: the business date of a WITA cooperative is TODAY.
CLOCK = FixedClock(datetime(2025, 6, 30, 2, 0, tzinfo=UTC))
PROVENANCE = Provenance(CommandMeta.current(actor="clerk", command_id="k", correlation=None))


@dataclass
class Inventory:
    """The use cases on fakes, and the fakes to look into."""

    streams: FakeStreams
    directory: FakeDirectory
    catalogue: CatalogueService
    stock: StockService
    transfers: TransferService
    sales: SalesService
    offline: OfflineFacts
    reactions: PaymentReactions


@pytest.fixture
def inv() -> Inventory:
    streams, directory = FakeStreams(), FakeDirectory()
    directory.add_cooperative(COOP)
    warehouses, products = FakeWarehouses(streams), FakeProducts(streams)
    ledgers, sales = FakeStockLedgers(streams), FakeSales(streams)
    calendar = BusinessCalendar(directory, CLOCK)
    stock = StockService(warehouses, products, ledgers, directory)
    selling = SalesService(FakeTill(streams), directory)
    return Inventory(
        streams, directory, CatalogueService(warehouses, products), stock,
        TransferService(warehouses, products, ledgers, FakeTransferLines(), directory),
        selling, OfflineFacts(selling, stock, calendar),
        PaymentReactions(sales, products, ledgers, calendar))


async def a_shop(inv: Inventory, **product: object) -> tuple[Warehouse, Product]:
    """A shop with a product priced for members, non-members and buying from members."""
    shop = await inv.catalogue.register_warehouse(
        NO_CONN, a_warehouse_registration(cooperative_id=COOP), TODAY, PROVENANCE)
    rice = await inv.catalogue.define_product(
        NO_CONN, a_definition(cooperative_id=COOP, **product), TODAY, PROVENANCE)
    for price_list in PriceList:
        rice = await inv.catalogue.set_price(NO_CONN, COOP, rice.product_id,
                                             a_price(price_list=price_list), TODAY, PROVENANCE)
    return shop, rice


def an_order(shop: Warehouse, rice: Product, qty: int, **overrides: object) -> SaleOrder:
    """``qty`` grams of rice at the member price (Rp 45.000 per kg), paid in cash."""
    fields: dict[str, object] = {
        "warehouse_id": shop.warehouse_id, "buyer_type": BuyerType.NON_MEMBER,
        "member_id": None, "lines": (OrderLine(product_id=rice.product_id, qty=qty),),
        "payments": (SalePayment(method=PaymentMethod.CASH, amount_idr=qty * 45),),
        "business_date": TODAY}
    return SaleOrder(**(fields | overrides))  # type: ignore[arg-type]


def produce_from(member_id: str, **overrides: object) -> ReceiveProduce:
    fields: dict[str, object] = {
        "receipt_id": f"produce-{uuid.uuid4()}", "member_id": member_id,
        "gross_qty_g": 10_500, "tare_g": 500, "lot_id": "PANEN-1", "harvest_date": TODAY,
        "business_date": TODAY}
    return ReceiveProduce(**(fields | overrides))  # type: ignore[arg-type]


async def test_a_second_product_with_a_sku_of_the_cooperative_is_refused(
        inv: Inventory) -> None:
    await inv.catalogue.define_product(NO_CONN, a_definition(cooperative_id=COOP, sku="BRS-1"),
                                       TODAY, PROVENANCE)
    before = inv.streams.appended

    with pytest.raises(DuplicateSku):
        await inv.catalogue.define_product(
            NO_CONN, a_definition(cooperative_id=COOP, sku=" BRS-1 "), TODAY, PROVENANCE)

    assert inv.streams.appended == before
    # Another cooperative keeps its own catalogue.
    await inv.catalogue.define_product(
        NO_CONN, a_definition(cooperative_id=OTHER_COOP, sku="BRS-1"), TODAY, PROVENANCE)


async def test_a_price_on_another_cooperatives_product_is_not_found(inv: Inventory) -> None:
    theirs = await inv.catalogue.define_product(
        NO_CONN, a_definition(cooperative_id=OTHER_COOP), TODAY, PROVENANCE)

    with pytest.raises(ProductNotFound):
        await inv.catalogue.set_price(NO_CONN, COOP, theirs.product_id, a_price(), TODAY,
                                      PROVENANCE)

    assert len(inv.streams.of(theirs.product_id)) == 1  # its definition only


async def test_produce_from_someone_not_a_member_is_refused_online_and_flagged_offline(
        inv: Inventory) -> None:
    shop, rice = await a_shop(inv, lot_tracking=LotTracking.LOT)  # produce is lot-tracked
    inv.directory.add_member("member-gone", COOP, status="exited")
    before = inv.streams.appended

    with pytest.raises(NotAnActiveMember):
        await inv.stock.receive_produce(NO_CONN, COOP, shop.warehouse_id, rice.product_id,
                                        produce_from("member-gone"), TODAY, PROVENANCE)
    assert inv.streams.appended == before

    receipt = await inv.offline.receive_produce(
        NO_CONN, COOP, shop.warehouse_id, rice.product_id,
        produce_from("member-gone", recorded_offline=True), PROVENANCE)

    assert receipt.flags == ["member_unverified"]
    assert receipt.ledger.on_hand == 10_000  # net of the tare


async def test_produce_without_a_buy_from_member_price_moves_no_stock(inv: Inventory) -> None:
    shop = await inv.catalogue.register_warehouse(
        NO_CONN, a_warehouse_registration(cooperative_id=COOP), TODAY, PROVENANCE)
    rice = await inv.catalogue.define_product(NO_CONN, a_definition(cooperative_id=COOP),
                                              TODAY, PROVENANCE)
    inv.directory.add_member("member-1", COOP)

    with pytest.raises(NoListPrice):
        await inv.stock.receive_produce(NO_CONN, COOP, shop.warehouse_id, rice.product_id,
                                        produce_from("member-1"), TODAY, PROVENANCE)

    ledger, version = await FakeStockLedgers(inv.streams).load(NO_CONN, shop.warehouse_id,
                                                               rice.product_id)
    assert (ledger.on_hand, version) == (0, 0)


async def test_an_online_sale_beyond_the_stock_writes_nothing(inv: Inventory) -> None:
    shop, rice = await a_shop(inv)
    await inv.stock.receive_goods(NO_CONN, COOP, shop.warehouse_id, rice.product_id,
                                  a_receipt(qty=1_000, cost=30_000), TODAY, PROVENANCE)
    before = inv.streams.appended

    with pytest.raises(InsufficientStock):
        await inv.sales.record(NO_CONN, COOP, an_order(shop, rice, 1_500), TODAY, PROVENANCE)

    assert inv.streams.appended == before


async def test_a_refused_payment_voids_the_sale_and_returns_its_stock_once(
        inv: Inventory) -> None:
    shop, rice = await a_shop(inv)
    await inv.stock.receive_goods(NO_CONN, COOP, shop.warehouse_id, rice.product_id,
                                  a_receipt(qty=1_000, cost=30_000), TODAY, PROVENANCE)
    sold = await inv.offline.record_sale(
        NO_CONN, COOP, an_order(shop, rice, 1_500, recorded_offline=True), PROVENANCE)
    assert sold.flags == ["went_negative"]  # handed over already: accepted, flagged
    refusal = p.SalePaymentRefusedV1(cooperative_id=COOP, sale_id=sold.sale.sale_id,
                                     reason_code="insufficient-balance", detail="no cash")
    env = Envelope(event_id=uuid.uuid4(), event_type=refusal.event_type, schema_version=1,
                   source="payments", stream_id=f"salepay-{sold.sale.sale_id}",
                   stream_version=1, cooperative_id=COOP, occurred_at=CLOCK.now(),
                   business_date=TODAY, recorded_at=CLOCK.now())

    for _ in range(2):  # a redelivery finds nothing left to do
        await inv.reactions.payment_refused(NO_CONN, refusal, env, PROVENANCE)

    sale, _ = await FakeSales(inv.streams).load(NO_CONN, sold.sale.sale_id)
    ledger, _ = await FakeStockLedgers(inv.streams).load(NO_CONN, shop.warehouse_id,
                                                         rice.product_id)
    assert sale is not None
    assert sale.status is SaleStatus.VOIDED
    assert ledger.on_hand == 1_000
    assert ledger.returned_issue_ids == {f"{sold.sale.sale_id}/1"}
    stream = inv.streams.of(f"stock-{shop.warehouse_id}--{rice.product_id}")
    assert sum(isinstance(e, StockReturned) for e in stream) == 1

"""One contract for the ports, run against the in-memory fakes and the PostgreSQL adapters.

The use cases' unit tests run on the fakes (``inventory_fakes``); this keeps the fakes
honest: whatever a test here asserts holds for both (style habit 5).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from inventory_api_support import Api, today
from inventory_fakes import (
    NO_CONN,
    FakeSales,
    FakeStreams,
    FakeTill,
    FakeTransferLines,
)

from gotong_platform.calendar import FixedClock
from gotong_platform.db import DbConnection
from gotong_platform.domain import ConcurrencyConflict
from gotong_platform.provenance import CommandMeta, Provenance
from inventory.adapters.ledgers import PostgresStockLedgers
from inventory.adapters.products import PostgresProducts
from inventory.adapters.sales import PostgresSales
from inventory.adapters.till import PostgresTill
from inventory.adapters.transfers import PostgresTransferLines
from inventory.adapters.warehouses import PostgresWarehouses
from inventory.application.ports import (
    Products,
    Sales,
    StockLedgers,
    Till,
    TransferLines,
    Warehouses,
)
from inventory.domain import (
    BaseUnit,
    BuyerType,
    DefineProduct,
    DuplicateSku,
    IssueReason,
    IssueStock,
    LotTracking,
    PaymentMethod,
    PriceList,
    Product,
    ProductCategory,
    ReceiveGoods,
    RecordSale,
    RegisterWarehouse,
    SaleLine,
    SalePayment,
    SaleStatus,
    SetPrice,
    StockTransferredOut,
    TransferStockOut,
    VoidReason,
    VoidSale,
    Warehouse,
    WarehouseKind,
    define_product,
    evolve_stock,
    issue_stock,
    receive_goods,
    record_sale,
    register_warehouse,
    set_price,
    transfer_stock_out,
    void_sale,
)
from inventory.main import event_store

pytestmark = pytest.mark.integration

PROVENANCE = Provenance(CommandMeta.current(actor="t", command_id="k", correlation=None))
COOP = "cooperative-contract"


@dataclass
class Ports:
    conn: DbConnection
    warehouses: Warehouses
    products: Products
    ledgers: StockLedgers
    sales: Sales
    till: Till
    lines: TransferLines


async def a_warehouse(ports: Ports, cooperative_id: str = COOP) -> Warehouse:
    events = register_warehouse(None, RegisterWarehouse(
        cooperative_id=cooperative_id, name="Gerai", kind=WarehouseKind.SHOP, capacity_kg=None),
        warehouse_id=f"warehouse-{uuid.uuid4()}")
    return await ports.warehouses.save(ports.conn, events, PROVENANCE, today())


async def a_product(ports: Ports, sku: str = "BRS-5", cooperative_id: str = COOP
                    ) -> tuple[Product, int]:
    events = define_product(None, DefineProduct(
        cooperative_id=cooperative_id, sku=sku, name="Beras", category=ProductCategory.STAPLE_GOODS,
        base_unit=BaseUnit.GRAM, lot_tracking=LotTracking.NONE),
        product_id=f"product-{uuid.uuid4()}")
    return await ports.products.save(ports.conn, None, 0, events, PROVENANCE, today())


async def stocked(ports: Ports, qty: int = 5_000) -> tuple[Warehouse, Product]:
    """A shop with ``qty`` g of a product received, priced at Rp 12.000 per kg."""
    shop = await a_warehouse(ports)
    product, version = await a_product(ports)
    for price_list in (PriceList.MEMBER, PriceList.NON_MEMBER):
        product, version = await ports.products.save(
            ports.conn, product, version, set_price(product, SetPrice(
                price_list=price_list, price_idr=12_000, per_qty=1000,
                effective_from=today()), today=today()), PROVENANCE, today())
    ledger, version = await ports.ledgers.load(ports.conn, shop.warehouse_id,
                                               product.product_id)
    receipt = ReceiveGoods(receipt_id=f"receipt-{uuid.uuid4()}", qty=qty,
                           total_cost_idr=qty * 10, business_date=today())
    await ports.ledgers.save(ports.conn, ledger, version,
                             receive_goods(ledger, receipt, product=product, today=today()),
                             product=product, cooperative_id=COOP, provenance=PROVENANCE)
    return shop, product


class PortContract:
    """What every implementation of the ports does (subclasses provide ``ports``)."""

    async def test_a_warehouse_loads_as_saved_and_other_ids_are_not_found(
            self, ports: Ports) -> None:
        shop = await a_warehouse(ports)

        assert await ports.warehouses.load(ports.conn, shop.warehouse_id) == shop
        assert await ports.warehouses.load(ports.conn, f"warehouse-{uuid.uuid4()}") is None
        assert await ports.warehouses.load(ports.conn, f"product-{uuid.uuid4()}") is None

    async def test_a_product_loads_at_its_version_and_is_found_by_its_sku(
            self, ports: Ports) -> None:
        product, version = await a_product(ports, sku="KOPI-1")
        priced, version = await ports.products.save(
            ports.conn, product, version, set_price(product, SetPrice(
                price_list=PriceList.MEMBER, price_idr=9_000, per_qty=1000,
                effective_from=today()), today=today()), PROVENANCE, today())

        assert await ports.products.load(ports.conn, product.product_id) == (priced, 2)
        assert version == 2
        assert await ports.products.id_of_sku(ports.conn, COOP, "KOPI-1") == product.product_id
        assert await ports.products.id_of_sku(ports.conn, "cooperative-else", "KOPI-1") is None
        assert await ports.products.load(ports.conn, f"sale-{uuid.uuid4()}") == (None, 0)

    async def test_a_new_product_with_a_sku_taken_in_its_cooperative_is_a_duplicate(
            self, ports: Ports) -> None:
        await a_product(ports, sku="TEH-1")
        await a_product(ports, sku="TEH-1", cooperative_id="cooperative-else")

        with pytest.raises(DuplicateSku):
            async with ports.conn.transaction():  # PostgreSQL: the refused insert's savepoint
                await a_product(ports, sku="TEH-1")

    async def test_a_ledger_saved_after_a_stale_version_is_a_conflict(
            self, ports: Ports) -> None:
        shop, product = await stocked(ports)
        ledger, version = await ports.ledgers.load(ports.conn, shop.warehouse_id,
                                                   product.product_id)
        issue = IssueStock(issue_id="issue-1", reason=IssueReason.OWN_USE,
                           reference="pemakaian-1", qty=100, business_date=today())
        events = issue_stock(ledger, issue, product=product, today=today())
        after, new_version = await ports.ledgers.save(
            ports.conn, ledger, version, events, product=product, cooperative_id=COOP,
            provenance=PROVENANCE)

        assert (after.on_hand, new_version) == (4_900, version + 1)
        with pytest.raises(ConcurrencyConflict):
            async with ports.conn.transaction():
                await ports.ledgers.save(ports.conn, ledger, version, events, product=product,
                                         cooperative_id=COOP, provenance=PROVENANCE)
        loaded, loaded_version = await ports.ledgers.load(
            ports.conn, shop.warehouse_id, product.product_id, ["issue-1"])
        assert (loaded, loaded_version) == (after, new_version)  # the entry named, loaded

    async def test_a_sale_is_written_with_its_issues_and_read_back(self, ports: Ports) -> None:
        shop, product = await stocked(ports)
        sale_id = f"sale-{uuid.uuid4()}"
        place = await ports.till.load_place(ports.conn, shop.warehouse_id,
                                            [product.product_id], [f"{sale_id}/1"])
        ledger, version = place.ledgers[product.product_id]
        assert (place.warehouse, place.products, version) == (shop, {
            product.product_id: (await ports.products.load(ports.conn,
                                                           product.product_id))[0]}, 1)
        sold = record_sale(None, RecordSale(
            cooperative_id=COOP, warehouse_id=shop.warehouse_id,
            buyer_type=BuyerType.NON_MEMBER, member_id=None,
            lines=(SaleLine(product_id=product.product_id, qty=1_000, price_idr=12_000,
                            per_qty=1000, line_total_idr=12_000),),
            payments=(SalePayment(method=PaymentMethod.CASH, amount_idr=12_000),),
            business_date=today()), sale_id=sale_id, today=today())
        taken = issue_stock(ledger, IssueStock(
            issue_id=f"{sale_id}/1", reason=IssueReason.SALE, reference=sale_id, qty=1_000,
            business_date=today()), product=product, today=today())
        after = ledger
        for e in taken:
            after = evolve_stock(after, e)

        sale = await ports.till.write_sale(ports.conn, place, [(after, taken)], sold,
                                           flags=[], provenance=PROVENANCE)

        assert await ports.sales.load(ports.conn, sale_id) == (sale, 1)
        assert await ports.sales.issues(ports.conn, sale_id) == [
            (product.product_id, f"{sale_id}/1")]
        assert await ports.ledgers.load(ports.conn, shop.warehouse_id, product.product_id,
                                        [f"{sale_id}/1"]) == (after, 2)
        voided, version = await ports.sales.save(ports.conn, sale, 1, void_sale(
            sale, VoidSale(reason_code=VoidReason.PAYMENT_FAILED, voided_on=today()),
            today=today()), provenance=PROVENANCE)
        assert (voided.status, version) == (SaleStatus.VOIDED, 2)
        assert await ports.sales.load(ports.conn, sale_id) == (voided, 2)
        assert await ports.sales.load(ports.conn, f"product-{uuid.uuid4()}") == (None, 0)

    async def test_a_transfer_is_on_its_way_to_its_warehouse_until_received(
            self, ports: Ports) -> None:
        shop, product = await stocked(ports)
        target = await a_warehouse(ports)
        ledger, _ = await ports.ledgers.load(ports.conn, shop.warehouse_id, product.product_id)
        transfer_id = f"transfer-{uuid.uuid4()}"
        sent = next(e for e in transfer_stock_out(ledger, TransferStockOut(
            transfer_id=transfer_id, to_warehouse_id=target.warehouse_id,
            to_cooperative_id=COOP, qty=700, business_date=today()),
            product=product, today=today()) if isinstance(e, StockTransferredOut))

        await ports.lines.record_sent(ports.conn, sent, from_cooperative_id=COOP)

        [line] = await ports.lines.incoming(ports.conn, transfer_id, target)
        assert (line.transfer_id, line.product_id, line.from_warehouse_id,
                line.from_cooperative_id, line.lines, line.received) == (
            transfer_id, product.product_id, shop.warehouse_id, COOP, sent.lines, False)
        assert await ports.lines.incoming(ports.conn, transfer_id, shop) == []
        await ports.lines.mark_received(ports.conn, transfer_id, product.product_id,
                                        received_product_id=product.product_id,
                                        qty_received=700, received_on=today())
        [line] = await ports.lines.incoming(ports.conn, transfer_id, target)
        assert line.received


class TestTheFakes(PortContract):
    @pytest.fixture
    async def ports(self) -> Ports:
        streams = FakeStreams()
        till = FakeTill(streams)
        return Ports(NO_CONN, till.warehouses, till.products, till.ledgers,
                     FakeSales(streams), till, FakeTransferLines())


class TestThePostgresAdapters(PortContract):
    @pytest.fixture
    async def ports(self, api: Api, clock: FixedClock) -> AsyncIterator[Ports]:
        store = event_store(api.settings, clock)
        products, ledgers = PostgresProducts(store), PostgresStockLedgers(store)
        async with api.pool.acquire() as conn:
            yield Ports(conn, PostgresWarehouses(store), products, ledgers,
                        PostgresSales(store), PostgresTill(store, products, ledgers),
                        PostgresTransferLines())

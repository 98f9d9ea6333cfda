"""Event store, outbox, idempotency keys, consumer positions, the local members directory,
device facts, and the inventory query tables.

Revision ID: 0001
Revises:
"""

from gotong_platform.migrations import create_platform_tables, execute_script

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables(consumer=True, devices=True)
    # Query tables, written in the same transaction as the events they follow,
    # so the API reads its own writes. The event store stays the truth.
    # Quantities (base units) and rupiah are bigint: a warehouse easily holds
    # more than 2^31 grams or rupiah.
    execute_script("""
    CREATE TABLE warehouses (
        warehouse_id    text PRIMARY KEY,
        cooperative_id  text NOT NULL,
        name            text NOT NULL,
        kind            text NOT NULL,
        capacity_kg     integer
    );
    CREATE INDEX warehouses_by_cooperative ON warehouses (cooperative_id, name);
    CREATE TABLE products (
        product_id      text PRIMARY KEY,
        cooperative_id  text NOT NULL,
        sku             text NOT NULL,
        name            text NOT NULL,
        category        text NOT NULL,
        base_unit       text NOT NULL,
        lot_tracking    text NOT NULL,
        shelf_life_days integer,
        UNIQUE (cooperative_id, sku)
    );
    CREATE TABLE prices (
        product_id      text NOT NULL REFERENCES products,
        price_list      text NOT NULL,
        effective_from  date NOT NULL,
        price_idr       bigint NOT NULL,
        per_qty         bigint NOT NULL,
        PRIMARY KEY (product_id, price_list, effective_from)
    );
    CREATE TABLE stock_levels (
        warehouse_id      text NOT NULL,
        product_id        text NOT NULL,
        cooperative_id    text NOT NULL,
        on_hand           bigint NOT NULL,
        value_idr         bigint NOT NULL,
        average_cost_idr  bigint NOT NULL,
        average_per_qty   integer NOT NULL,
        negative          boolean NOT NULL,
        version           integer NOT NULL,
        PRIMARY KEY (warehouse_id, product_id)
    );
    -- lot_id NULL: the unlotted balance (or what an oversell took beyond every lot).
    CREATE TABLE stock_lots (
        warehouse_id   text NOT NULL,
        product_id     text NOT NULL,
        lot_id         text,
        seq            integer NOT NULL,  -- receipt order within the ledger
        qty            bigint NOT NULL,
        expiry_date    date,
        harvest_date   date
    );
    CREATE UNIQUE INDEX stock_lots_key
        ON stock_lots (warehouse_id, product_id, coalesce(lot_id, ''));
    CREATE TABLE sales (
        sale_id           text PRIMARY KEY,
        cooperative_id    text NOT NULL,
        warehouse_id      text NOT NULL,
        status            text NOT NULL CHECK (status IN ('recorded', 'completed', 'voided')),
        buyer_type        text NOT NULL,
        member_id         text,
        lines             jsonb NOT NULL,
        discount_idr      bigint NOT NULL,
        total_idr         bigint NOT NULL,
        payments          jsonb NOT NULL,
        receipt_no        text,
        void_reason       text,
        void_detail       text,
        business_date     date NOT NULL,
        recorded_offline  boolean NOT NULL,
        flags             text[] NOT NULL DEFAULT '{}',
        version           integer NOT NULL
    );
    CREATE INDEX sales_by_day ON sales (cooperative_id, business_date);
    -- The stock issues of each sale, so a void can return exactly what it took.
    CREATE TABLE sale_issues (
        sale_id       text NOT NULL,
        warehouse_id  text NOT NULL,
        product_id    text NOT NULL,
        issue_id      text NOT NULL,
        PRIMARY KEY (sale_id, issue_id)
    );
    -- One row per product of a transfer: what left (with its lines as the sending
    -- ledger costed them) and, once received, what arrived.
    CREATE TABLE transfer_lines (
        transfer_id          text NOT NULL,
        product_id           text NOT NULL,
        from_warehouse_id    text NOT NULL,
        from_cooperative_id  text NOT NULL,
        to_warehouse_id      text NOT NULL,
        to_cooperative_id    text NOT NULL,
        qty_sent             bigint NOT NULL,
        lines                jsonb NOT NULL,
        sent_on              date NOT NULL,
        status               text NOT NULL CHECK (status IN ('sent', 'received')),
        received_product_id  text,
        qty_received         bigint,
        received_on          date,
        PRIMARY KEY (transfer_id, product_id)
    );
    """)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

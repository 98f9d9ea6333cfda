"""Orders from outside buyers: the ``orders`` query table (the sweeper finds unpaid
orders past their deadline by ``(status, pay_by)``), the quantity each ledger holds for
orders (``stock_levels.reserved``) and the channel of a sale (``sales.channel``).

Existing rows need nothing: no order existed, so nothing is reserved and every sale was
the shop's. Ledger snapshots of format 1 are replayed on their next load (format 2
adds the reservations).

Revision ID: 0007
Revises: 0006
"""

from gotong_platform.migrations import execute_script

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SQL = """
ALTER TABLE stock_levels ADD COLUMN reserved bigint NOT NULL DEFAULT 0;
ALTER TABLE sales ADD COLUMN channel text NOT NULL DEFAULT 'shop';

CREATE TABLE orders (
    order_id         text PRIMARY KEY,
    cooperative_id   text NOT NULL,
    warehouse_id     text NOT NULL,
    status           text NOT NULL,
    buyer_name       text NOT NULL,
    buyer_phone      text NOT NULL,
    delivery_address text NOT NULL,
    delivery_regency text,
    lines            jsonb NOT NULL,
    total_idr        bigint NOT NULL,
    placed_at        timestamptz NOT NULL,
    pay_by           timestamptz NOT NULL,
    business_date    date NOT NULL,
    placed_by        text,
    payment_method   text,
    payment_reference text,
    paid_on          date,
    packed_on        date,
    courier          text,
    tracking_no      text,
    shipped_on       date,
    sale_id          text,
    cancel_reason    text,
    closed_on        date,
    version          int NOT NULL
);
CREATE INDEX orders_coop ON orders (cooperative_id, business_date DESC, order_id DESC);
-- The sweeper's probe: unpaid orders by deadline.
CREATE INDEX orders_due ON orders (pay_by) WHERE status = 'placed';
"""


def upgrade() -> None:
    execute_script(SQL)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

"""Event store, outbox, idempotency keys, consumer positions, the members directory,
device facts, and the payments query tables.

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
    execute_script("""
    CREATE TABLE savings_policies (
        cooperative_id  text PRIMARY KEY,
        pokok_idr       bigint NOT NULL CHECK (pokok_idr > 0),
        wajib_idr       bigint NOT NULL CHECK (wajib_idr > 0),
        wajib_due_day   integer NOT NULL CHECK (wajib_due_day BETWEEN 1 AND 28),
        version         integer NOT NULL
    );
    CREATE TABLE savings_accounts (
        account_id      text PRIMARY KEY,
        cooperative_id  text NOT NULL,
        member_id       text NOT NULL,
        savings_type    text NOT NULL CHECK (savings_type IN ('pokok', 'wajib', 'sukarela')),
        balance_idr     bigint NOT NULL CHECK (balance_idr >= 0),
        arrears_idr     bigint NOT NULL DEFAULT 0,
        unpaid_periods  text[] NOT NULL DEFAULT '{}',
        opened_on       date NOT NULL,
        version         integer NOT NULL,
        UNIQUE (member_id, savings_type)
    );
    CREATE INDEX savings_accounts_by_cooperative
        ON savings_accounts (cooperative_id, savings_type);
    CREATE TABLE loans (
        loan_id                    text PRIMARY KEY,
        cooperative_id             text NOT NULL,
        member_id                  text NOT NULL,
        status                     text NOT NULL,
        principal_idr              bigint NOT NULL,
        outstanding_principal_idr  bigint NOT NULL,
        restructured               boolean NOT NULL DEFAULT false,
        applied_on                 date NOT NULL,
        disbursed_on               date,
        version                    integer NOT NULL
    );
    CREATE INDEX loans_by_member ON loans (cooperative_id, member_id, status);
    CREATE TABLE sale_payments (
        sale_id         text PRIMARY KEY,
        cooperative_id  text NOT NULL,
        status          text NOT NULL CHECK (status IN ('recorded', 'refused')),
        total_idr       bigint NOT NULL,
        reason_code     text,
        detail          text,
        business_date   date NOT NULL
    );
    -- Kasbon: what members owe the shop for sales on credit (a receivable).
    CREATE TABLE member_credit (
        sale_id         text PRIMARY KEY,
        cooperative_id  text NOT NULL,
        member_id       text NOT NULL,
        amount_idr      bigint NOT NULL CHECK (amount_idr > 0),
        business_date   date NOT NULL
    );
    CREATE INDEX member_credit_by_member ON member_credit (cooperative_id, member_id);
    CREATE TABLE payouts (
        receipt_id      text PRIMARY KEY,
        cooperative_id  text NOT NULL,
        member_id       text NOT NULL,
        gross_idr       bigint NOT NULL,
        deductions      jsonb NOT NULL,
        net_paid_idr    bigint NOT NULL,
        business_date   date NOT NULL
    );
    CREATE INDEX payouts_by_member ON payouts (cooperative_id, member_id);
    CREATE TABLE exit_refunds (
        member_id        text PRIMARY KEY,
        cooperative_id   text NOT NULL,
        pokok_idr        bigint NOT NULL,
        wajib_idr        bigint NOT NULL,
        offset_idr       bigint NOT NULL,
        refund_idr       bigint NOT NULL,
        unrecovered_idr  bigint NOT NULL,
        business_date    date NOT NULL
    );
    """)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

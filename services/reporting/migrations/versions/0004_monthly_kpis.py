"""The months published for the lenders: each cooperative's last published revision.

A query table of the ``monthly-kpis-<cooperative>-<month>`` streams, written in the
same transaction as the ``MonthlyKpisPublished`` event: a publication compares a
cooperative's figures with its row here, and publishes a new revision only when they
changed. Like the SHU tables, it lives in the public schema (not a disposable
read-model version).

Revision ID: 0004
Revises: 0003
"""

from gotong_platform.migrations import execute_script

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_script("""
    CREATE TABLE monthly_kpis (
        cooperative_id         text NOT NULL,
        month                  text NOT NULL,       -- YYYY-MM
        revision               integer NOT NULL,    -- its stream's version
        omzet_idr              bigint NOT NULL,
        savings_balance_idr    bigint NOT NULL,
        loans_outstanding_idr  bigint NOT NULL,
        par30_idr              bigint NOT NULL,
        active_members         integer NOT NULL,
        known_at               timestamptz NOT NULL,
        published_by           text NOT NULL,
        PRIMARY KEY (cooperative_id, month)
    );
    CREATE INDEX monthly_kpis_month ON monthly_kpis (month);
    """)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

"""Which loan instalments a produce payout deducts, per cooperative.

Until now a payout took every instalment due by the end of the receipt's month. The
default becomes what is due on the receipt's business date; "this month's instalment"
is an option the cooperative sets with its savings policy.

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
    ALTER TABLE savings_policies ADD COLUMN payout_instalments text NOT NULL
        DEFAULT 'due_by_receipt_date'
        CHECK (payout_instalments IN ('due_by_receipt_date', 'due_this_month'));
    """)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

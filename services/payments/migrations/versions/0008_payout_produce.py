"""A payout keeps what was delivered (product, net grams, grade), for the member's statement.

Revision ID: 0008
Revises: 0007
"""

from gotong_platform.migrations import execute_script

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_script("""
    ALTER TABLE payouts ADD COLUMN product_id text, ADD COLUMN net_qty_g bigint,
        ADD COLUMN grade text;
    CREATE INDEX payouts_by_member_and_date ON payouts (cooperative_id, member_id, business_date);
    """)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

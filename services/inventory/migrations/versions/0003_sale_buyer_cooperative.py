"""A sale may name the cooperative of the federation that bought it.

``sales.buyer_cooperative_id`` is set when ``buyer_type`` is ``cooperative`` (a sale to
another cooperative of the federation, eliminated in group reports); NULL otherwise.

Revision ID: 0003
Revises: 0002
"""

from gotong_platform.migrations import execute_script

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_script("ALTER TABLE sales ADD COLUMN buyer_cooperative_id text")


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

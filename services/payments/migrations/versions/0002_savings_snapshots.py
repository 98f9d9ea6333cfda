"""Savings accounts keep a snapshot of their state on the query row.

The write path reads an account's state from ``savings_accounts.state`` (the domain
state after ``version`` events, written in the same transaction as the append) plus
any events after that version, instead of replaying the whole stream. NULL means
"no snapshot": the account is replayed from its first event (rows written before
this revision) until its next save writes one. ``python -m payments rebuild-savings``
rewrites every row and snapshot from the events.

Revision ID: 0002
Revises: 0001
"""

from gotong_platform.migrations import execute_script

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_script("ALTER TABLE savings_accounts ADD COLUMN state jsonb")


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

"""Event store, outbox, idempotency keys, consumer positions, the local members directory,
the consumer's dead letters, and the partner gateway's tables.

Revision ID: 0001
Revises:
"""

from gotong_platform.consumer.dead_letters import DEAD_LETTERS_V1
from gotong_platform.migrations import create_platform_tables, execute_script

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables(consumer=True)
    execute_script(DEAD_LETTERS_V1)  # what the consumer gave up on, for an operator to replay


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

"""The event store keeps the payload it publishes, so ``python -m payments republish`` can
send the events to Kafka again from the event store (Kafka is not the system of record).

Revision ID: 0007
Revises: 0006
"""

from gotong_platform.eventstore import EVENT_STORE_V2
from gotong_platform.migrations import execute_script

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_script(EVENT_STORE_V2)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

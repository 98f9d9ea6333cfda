"""Dead letters a consumer gave up on, kept where an operator can list and replay them
(``python -m payments dead-letters list|replay``): before, a dead letter was only a copy on
the topic's ``.dlt`` topic and a processed mark, and nothing could apply it again.

Revision ID: 0006
Revises: 0005
"""

from gotong_platform.consumer.dead_letters import DEAD_LETTERS_V1
from gotong_platform.migrations import execute_script

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_script(DEAD_LETTERS_V1)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

"""A webhook secret's rotation: the replaced secret keeps signing until a moment.

Revision ID: 0002
Revises: 0001
"""

from gotong_platform.migrations import execute_script

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_script("""
    ALTER TABLE webhook_endpoints
        ADD COLUMN previous_secret text,
        ADD COLUMN previous_until timestamptz;
    """)


def downgrade() -> None:
    execute_script("""
    ALTER TABLE webhook_endpoints DROP COLUMN previous_secret, DROP COLUMN previous_until;
    """)

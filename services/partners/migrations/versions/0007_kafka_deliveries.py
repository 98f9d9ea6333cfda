"""KAFKA subscriptions: the dispatcher delivers them as it delivers webhooks (one row of
``webhook_endpoints`` per subscription, with its position, retries and log), to the
partner's topic instead of a URL; ``protocol`` says which. The partners whose Kafka user
the gateway created (its password is Kafka's, never kept here).

Revision ID: 0007
Revises: 0006
"""

from gotong_platform.migrations import execute_script

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_script("""
    ALTER TABLE webhook_endpoints ADD COLUMN protocol text NOT NULL DEFAULT 'HTTP';
    CREATE TABLE partner_kafka_users (
        partner_id   text PRIMARY KEY,
        username     text NOT NULL,
        created_at   timestamptz NOT NULL,
        password_set_at timestamptz NOT NULL
    );
    """)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

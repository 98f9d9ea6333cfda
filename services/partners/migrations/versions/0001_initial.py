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
    # Query tables of the registry, written in the same transaction as the events they
    # follow, so the API reads its own writes. The event store stays the truth.
    execute_script("""
    CREATE TABLE partners (
        partner_id     text PRIMARY KEY,
        name           text NOT NULL,
        kind           text NOT NULL,
        contacts       jsonb NOT NULL,
        registered_at  timestamptz NOT NULL,
        registered_by  text NOT NULL,
        version        integer NOT NULL
    );
    CREATE TABLE consents (
        consent_id       text PRIMARY KEY,
        partner_id       text NOT NULL REFERENCES partners,
        cooperative_id   text NOT NULL,
        categories       text[] NOT NULL,
        from_date        date NOT NULL,
        include_history  boolean NOT NULL,
        until_date       date,
        granted_at       timestamptz NOT NULL,
        granted_by       text NOT NULL,
        revoked_at       timestamptz,
        revoked_by       text,
        revoke_reason    text,
        version          integer NOT NULL
    );
    -- The delivery reads a cooperative's consents not revoked, for every event it maps.
    CREATE INDEX consents_in_force ON consents (cooperative_id) WHERE revoked_at IS NULL;
    CREATE INDEX consents_by_cooperative ON consents (cooperative_id, granted_at);
    """)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

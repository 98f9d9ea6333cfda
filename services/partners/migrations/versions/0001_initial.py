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

    -- Every consumed event a partner contract is made from, kept for the consents granted
    -- later with history (internal data: it never leaves as it is).
    CREATE TABLE source_events (
        event_id        uuid PRIMARY KEY,
        seq             bigint GENERATED ALWAYS AS IDENTITY,
        source          text NOT NULL,
        event_type      text NOT NULL,
        schema_version  integer NOT NULL,
        category        text NOT NULL,
        cooperative_id  text NOT NULL,
        business_date   date NOT NULL,
        occurred_at     timestamptz NOT NULL,
        recorded_at     timestamptz NOT NULL,
        data            jsonb NOT NULL
    );
    CREATE INDEX source_events_history ON source_events (cooperative_id, category, seq);

    -- Each partner's feed: partner events (already minimised) numbered per partner. The
    -- head row is taken and kept locked by the writer, so positions commit in order.
    CREATE TABLE partner_feed_heads (
        partner_id     text PRIMARY KEY,
        last_position  bigint NOT NULL
    );
    CREATE TABLE partner_feed (
        partner_id       text NOT NULL,
        position         bigint NOT NULL,
        event_id         uuid NOT NULL,
        source_event_id  uuid NOT NULL,
        type             text NOT NULL,
        dataschema       text NOT NULL,
        cooperative_id   text NOT NULL,
        business_date    date NOT NULL,
        time             timestamptz NOT NULL,
        consent_ids      text[] NOT NULL,
        data             jsonb NOT NULL,
        appended_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (partner_id, position),
        UNIQUE (partner_id, source_event_id)
    );

    -- Where each partner wants its feed pushed (Standard Webhooks), and how far it got.
    -- The secret lives here and in no event: it must be replaceable.
    CREATE TABLE webhook_endpoints (
        partner_id          text PRIMARY KEY,
        url                 text NOT NULL,
        secret              text NOT NULL,
        enabled             boolean NOT NULL,
        delivered_position  bigint NOT NULL,
        failures            integer NOT NULL,
        failing_since       timestamptz,
        next_attempt_at     timestamptz,  -- NULL: due now
        last_error          text,
        updated_at          timestamptz NOT NULL
    );
    -- Every attempt, accepted or not: the partner's delivery log.
    CREATE TABLE webhook_attempts (
        attempt_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        partner_id    text NOT NULL,
        position      bigint NOT NULL,
        webhook_id    uuid NOT NULL,
        attempted_at  timestamptz NOT NULL,
        status        integer,
        error         text
    );
    CREATE INDEX webhook_attempts_by_partner ON webhook_attempts (partner_id, attempt_id);
    """)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

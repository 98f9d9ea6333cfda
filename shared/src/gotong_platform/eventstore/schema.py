"""DDL of the event store and outbox, applied by each service's first migration.

Frozen once released: a change is a new constant applied by a new migration.
"""

EVENT_STORE_V1 = """
CREATE TABLE events (
    global_position bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    event_id        uuid PRIMARY KEY,
    stream_id       text NOT NULL,
    stream_version  integer NOT NULL CHECK (stream_version > 0),
    event_type      text NOT NULL,
    schema_version  integer NOT NULL,
    cooperative_id  text NOT NULL,
    occurred_at     timestamptz NOT NULL,
    business_date   date NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    correlation_id  uuid,
    causation_id    uuid,
    command_id      text,
    actor           text,
    traceparent     text,
    tracestate      text,
    payload         jsonb NOT NULL,
    -- Optimistic concurrency: the second writer of a version hits this index.
    CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
);
CREATE INDEX events_cooperative_idx ON events (cooperative_id, global_position);

-- Events waiting to be published. The relay deletes rows once Kafka has
-- acknowledged them, so the table holds only the backlog. It reads *all*
-- visible rows in position order rather than tailing "position > last seen":
-- a transaction that took a lower position but committed later is still found.
CREATE TABLE outbox (
    position  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id  uuid NOT NULL,
    topic     text NOT NULL,
    payload   jsonb NOT NULL
);
"""

# The event store keeps what it publishes: the outbox row is deleted once Kafka has it,
# and the public payload cannot be derived from the internal one (a contract may read
# the aggregate's state), so without this column Kafka would be the only copy of the
# published data. ``python -m <service> republish`` reads it. Events recorded before
# this revision and already published have no copy: ``republish_floor`` remembers the
# last of them, and republishing starts after it.
EVENT_STORE_V2 = """
ALTER TABLE events ADD COLUMN public_payload jsonb;
-- Still waiting in the outbox: what will be published is known.
UPDATE events e SET public_payload = o.payload FROM outbox o WHERE o.event_id = e.event_id;
CREATE TABLE republish_floor (
    last_unknown bigint NOT NULL  -- events up to this position: published data unknown
);
INSERT INTO republish_floor (last_unknown)
SELECT coalesce(max(e.global_position), 0) FROM events e
WHERE NOT EXISTS (SELECT FROM outbox o WHERE o.event_id = e.event_id);
"""

CONSUMER_V1 = """
-- Where each consumer is in each partition: written in the same transaction as
-- the consumer's effects, so the read model and its position never disagree.
CREATE TABLE consumer_positions (
    consumer     text NOT NULL,
    topic        text NOT NULL,
    partition    integer NOT NULL,
    next_offset  bigint NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, topic, partition)
);
-- Events already applied: the relay delivers at least once, and a duplicate
-- may sit at a different offset, so offsets alone cannot deduplicate.
CREATE TABLE processed_events (
    consumer  text NOT NULL,
    event_id  uuid NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
"""

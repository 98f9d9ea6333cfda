"""Snapshots on the write path: a command reads one row per stream, not the whole stream.

- ``stock_levels.state``: the ledger's bounded state (lots, valuation, negative flag, dates)
  at ``stock_levels.version``; ``products.state`` / ``products.version`` the same for a
  product. NULL means "no snapshot": the repository then replays the stream from its start,
  and its next save writes one. Snapshots are a cache of the events, written in the
  events' transaction; setting them to NULL is always safe.
- ``stock_ledger_entries``: the ledger's id sets, which grow with every movement (issues
  with the lines they took, returned issues, transfers sent and received). A command loads
  only the entries it names. Backfilled here from the events already stored.

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
    ALTER TABLE stock_levels ADD COLUMN state jsonb;
    ALTER TABLE products ADD COLUMN version integer NOT NULL DEFAULT 0;
    ALTER TABLE products ADD COLUMN state jsonb;
    -- kind: issue (reference + lines it took), returned, sent, received.
    CREATE TABLE stock_ledger_entries (
        stream_id  text NOT NULL,
        kind       text NOT NULL CHECK (kind IN ('issue', 'returned', 'sent', 'received')),
        entry_id   text NOT NULL,
        reference  text,
        lines      jsonb,
        PRIMARY KEY (stream_id, kind, entry_id)
    );
    INSERT INTO stock_ledger_entries (stream_id, kind, entry_id, reference, lines)
    SELECT stream_id, 'issue', payload->>'issue_id', payload->>'reference', payload->'lines'
    FROM events WHERE event_type = 'StockIssued'
    UNION ALL
    SELECT stream_id, 'returned', payload->>'issue_id', NULL, NULL
    FROM events WHERE event_type = 'StockReturned'
    UNION ALL
    SELECT stream_id, 'sent', payload->>'transfer_id', NULL, NULL
    FROM events WHERE event_type = 'StockTransferredOut'
    UNION ALL
    SELECT stream_id, 'received', payload->>'transfer_id', NULL, NULL
    FROM events WHERE event_type = 'StockTransferredIn'
    ON CONFLICT DO NOTHING;
    """)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

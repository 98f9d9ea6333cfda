"""The partners' public keys for signed (SNAP) requests: a query table of the partner
streams' ``SigningKeyRegistered`` events, which the API reads on every signed request.

Revision ID: 0003
Revises: 0002
"""

from gotong_platform.migrations import execute_script

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_script("""
    CREATE TABLE partner_signing_keys (
        key_id          text PRIMARY KEY,
        partner_id      text NOT NULL REFERENCES partners,
        ordinal         integer NOT NULL,  -- 1 for the partner's first key, 2 for the next
        algorithm       text NOT NULL,
        bits            integer NOT NULL,
        public_key_pem  text NOT NULL,
        fingerprint     text NOT NULL,
        registered_at   timestamptz NOT NULL,
        registered_by   text NOT NULL,
        valid_until     timestamptz
    );
    CREATE UNIQUE INDEX partner_signing_keys_partner ON partner_signing_keys (partner_id, ordinal);
    """)


def downgrade() -> None:
    execute_script("DROP TABLE partner_signing_keys;")

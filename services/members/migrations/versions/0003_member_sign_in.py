"""A member's phone number and her sign-in with a one-time code.

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
    -- The phone a member signs in with: encrypted for the back office, keyed hash to
    -- find her. Several members may share one phone (a household's), so the hash is
    -- not unique. Who set it and when stay with it (a phone change is a way into her
    -- records, so the row says who made it).
    CREATE TABLE member_phone (
        member_id       text PRIMARY KEY REFERENCES members,
        cooperative_id  text NOT NULL,
        phone_hash      text NOT NULL,
        phone_cipher    bytea NOT NULL,
        set_by          text NOT NULL,
        set_at          timestamptz NOT NULL
    );
    CREATE INDEX member_phone_by_hash ON member_phone (phone_hash);
    -- One row per code sent: only its keyed digest is kept, never the code.
    CREATE TABLE sign_in_codes (
        challenge_id    text PRIMARY KEY,
        phone_hash      text NOT NULL,
        code_digest     bytea NOT NULL,
        created_at      timestamptz NOT NULL,
        attempts        integer NOT NULL DEFAULT 0,
        consumed_at     timestamptz
    );
    CREATE INDEX sign_in_codes_latest ON sign_in_codes (phone_hash, created_at DESC);
    -- Every code asked for (for a known phone or not: the answer is the same), for the
    -- rate limits per phone and per client address (both as keyed hashes).
    CREATE TABLE sign_in_requests (
        phone_hash      text NOT NULL,
        client_hash     text NOT NULL,
        requested_at    timestamptz NOT NULL
    );
    CREATE INDEX sign_in_requests_by_phone ON sign_in_requests (phone_hash, requested_at);
    CREATE INDEX sign_in_requests_by_client ON sign_in_requests (client_hash, requested_at);
    """)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

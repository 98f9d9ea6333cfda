"""Event store, outbox, idempotency keys, and the members query tables.

Revision ID: 0001
Revises:
"""

from gotong_platform.migrations import create_platform_tables, execute_script

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables()
    # Query tables, written in the same transaction as the events they follow,
    # so the API reads its own writes. The event store stays the truth.
    execute_script("""
    CREATE TABLE cooperatives (
        cooperative_id            text PRIMARY KEY,
        name                      text NOT NULL,
        legal_registration_number text NOT NULL UNIQUE,
        coop_type                 text NOT NULL,
        province_code             text NOT NULL,
        regency_code              text NOT NULL,
        time_zone                 text NOT NULL,
        fiscal_year_start_month   integer NOT NULL,
        loop                      text NOT NULL,
        registered_on             date NOT NULL,
        in_federation             boolean NOT NULL DEFAULT false,
        joined_on                 date,
        left_on                   date,
        version                   integer NOT NULL
    );
    CREATE TABLE members (
        member_id       text PRIMARY KEY,
        cooperative_id  text NOT NULL REFERENCES cooperatives,
        member_no       text,
        full_name       text NOT NULL,
        status          text NOT NULL,
        status_since    date NOT NULL,
        gender          text NOT NULL,
        village_code    text NOT NULL,
        applied_on      date NOT NULL,
        admitted_on     date,
        version         integer NOT NULL,
        UNIQUE (cooperative_id, member_no)
    );
    CREATE INDEX members_by_cooperative ON members (cooperative_id, status);
    -- NIK: encrypted for the back office, keyed hash for duplicates. Only open
    -- memberships (applied, admitted, suspended) block a second application.
    CREATE TABLE member_nik (
        member_id       text PRIMARY KEY REFERENCES members,
        cooperative_id  text NOT NULL,
        nik_hash        text NOT NULL,
        nik_cipher      bytea NOT NULL,
        open            boolean NOT NULL DEFAULT true
    );
    CREATE UNIQUE INDEX member_nik_open ON member_nik (cooperative_id, nik_hash) WHERE open;
    CREATE TABLE member_numbers (
        cooperative_id  text PRIMARY KEY,
        last_no         integer NOT NULL
    );
    """)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

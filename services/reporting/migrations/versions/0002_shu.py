"""Reporting becomes a publisher: event store, outbox, idempotency keys, SHU tables.

The SHU engine decides (policies, drafts, RAT approvals) and publishes its
results, so reporting now has an event store and outbox like every publishing
service, in the public schema beside ``read_models``. The read-model schemas
(``rm_<n>``) stay disposable; these tables are not: they are rebuilt from the
events, never from Kafka.

Revision ID: 0002
Revises: 0001
"""

from gotong_platform.eventstore import EVENT_STORE_V1
from gotong_platform.http.idempotency import IDEMPOTENCY_DDL
from gotong_platform.migrations import execute_script

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_script(EVENT_STORE_V1)
    execute_script(IDEMPOTENCY_DDL)
    # Query tables, written in the same transaction as the events they follow.
    execute_script("""
    CREATE TABLE shu_policies (
        cooperative_id        text NOT NULL,
        policy_version        integer NOT NULL,
        effective_fiscal_year integer NOT NULL,
        terms                 jsonb NOT NULL,   -- as published (ShuPolicyTerms)
        adopted_on            date NOT NULL,
        adopted_by            text NOT NULL,
        PRIMARY KEY (cooperative_id, policy_version)
    );
    CREATE TABLE shu_calculations (
        calc_id                     text PRIMARY KEY,
        cooperative_id              text NOT NULL,
        fiscal_year                 integer NOT NULL,
        policy_version              integer NOT NULL,
        period_start                date NOT NULL,
        period_end                  date NOT NULL,
        status                      text NOT NULL CHECK (status IN ('draft', 'approved')),
        calc_version                integer NOT NULL,
        policy                      jsonb NOT NULL,   -- the snapshot it was computed with
        shu_total_idr               bigint NOT NULL,
        shu_member_sourced_idr      bigint NOT NULL,
        member_gross_idr            bigint NOT NULL,
        total_gross_idr             bigint NOT NULL,
        pools_idr                   jsonb NOT NULL,
        capital_basis_total_idr     bigint NOT NULL,
        transaction_basis_total_idr bigint NOT NULL,
        member_count                integer NOT NULL,
        drafted_by                  text NOT NULL,
        drafted_on                  date NOT NULL,
        rat_date                    date,
        approved_by                 text,
        stream_version              integer NOT NULL,
        UNIQUE (cooperative_id, fiscal_year, policy_version)
    );
    -- One approved SHU per cooperative and fiscal year, whatever the policy version:
    -- the index settles two concurrent approvals of different versions.
    CREATE UNIQUE INDEX shu_calculations_one_approved_per_year
        ON shu_calculations (cooperative_id, fiscal_year) WHERE status = 'approved';
    CREATE TABLE shu_allocations (
        calc_id               text NOT NULL REFERENCES shu_calculations,
        member_id             text NOT NULL,
        member_no             text,
        capital_basis_idr     bigint NOT NULL,
        transaction_basis_idr bigint NOT NULL,
        jasa_modal_idr        bigint NOT NULL,
        jasa_usaha_idr        bigint NOT NULL,
        total_idr             bigint NOT NULL,
        PRIMARY KEY (calc_id, member_id)
    );
    """)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

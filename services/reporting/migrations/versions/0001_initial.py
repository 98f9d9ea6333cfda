"""The registry of read-model versions (blue/green): which schema serves reads.

Read-model tables themselves live in one PostgreSQL schema per version
(``rm_<n>``) and are created by the projection code when a version is built:
a read model is disposable and rebuilt from Kafka offset 0.

Revision ID: 0001
Revises:
"""

from gotong_platform.migrations import execute_script

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_script("""
    CREATE TABLE read_models (
        schema_name  text PRIMARY KEY,
        status       text NOT NULL CHECK (status IN ('building', 'live', 'retired')),
        created_at   timestamptz NOT NULL DEFAULT now(),
        live_since   timestamptz
    );
    -- At most one live version at a time.
    CREATE UNIQUE INDEX read_models_one_live ON read_models (status) WHERE status = 'live';
    """)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

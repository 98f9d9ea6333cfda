"""Exit refunds wait for a pengurus' approval (maker-checker).

A member's exit now prepares her refund (``pending``) and a coop_admin who did not
record the exit approves it, which pays it (``approved``). Refunds recorded before
this revision were approved by the system on the exit: they are ``approved``, by
``system:exit-refund-auto-approval``.

Revision ID: 0005
Revises: 0004
"""

from gotong_platform.migrations import execute_script

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_script("""
    ALTER TABLE exit_refunds
        ADD COLUMN status text NOT NULL DEFAULT 'approved'
            CHECK (status IN ('pending', 'approved')),
        ADD COLUMN prepared_by text,
        ADD COLUMN approved_by text,
        ADD COLUMN approved_on date;
    ALTER TABLE exit_refunds ALTER COLUMN status DROP DEFAULT;
    UPDATE exit_refunds SET approved_by = 'system:exit-refund-auto-approval';
    """)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

"""Room on device_facts' pages for the answer written after the claim.

A fact is claimed (inserted without its answer) and answered (updated) in the same
transaction. With full pages the update went to another page and added an entry to
both indexes; with free space on the page it is a heap-only (HOT) update that leaves
the indexes alone. The set-wise offline sync claims and answers hundreds of facts a
statement, so this is most of the table's write cost.

Revision ID: 0003
Revises: 0002
"""

from gotong_platform.migrations import execute_script

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_script("ALTER TABLE device_facts SET (fillfactor = 60)")


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

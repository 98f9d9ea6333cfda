"""What the staff's oversight reads (``GET /oversight/...``) need to stay bounded: a
partner's feed by cooperative (a cooperative admin sees only its own events' delivery),
a subscription's accepted attempts by position (the last event delivered), and its failed
attempts by time (the failures of the last 24 hours). The failed attempts are few (a
failure holds the endpoint back, and retries back off), so that index stays small.

Revision ID: 0006
Revises: 0005
"""

from gotong_platform.migrations import execute_script

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_script("""
    CREATE INDEX partner_feed_by_cooperative ON partner_feed
        (partner_id, cooperative_id, position);
    CREATE INDEX webhook_attempts_accepted ON webhook_attempts (subscription_id, position)
        WHERE error IS NULL;
    CREATE INDEX webhook_attempts_failed ON webhook_attempts (subscription_id, attempted_at)
        WHERE error IS NOT NULL;
    """)


def downgrade() -> None:
    execute_script("""
    DROP INDEX webhook_attempts_failed;
    DROP INDEX webhook_attempts_accepted;
    DROP INDEX partner_feed_by_cooperative;
    """)

"""Subscriptions (CloudEvents Subscriptions API): their query table, and the webhook
endpoints keyed by the HTTP subscription they deliver.

An endpoint set before subscriptions existed (one per partner) becomes the partner's
default webhook subscription, whose id is the partner's uuid (``default_webhook_id``);
it has no ``subscriptions`` row until the partner sets its webhook again, and until then
it delivers the whole feed, as before.

Revision ID: 0004
Revises: 0003
"""

from gotong_platform.migrations import execute_script

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_script("""
    CREATE TABLE subscriptions (
        subscription_id  text PRIMARY KEY,
        partner_id       text NOT NULL REFERENCES partners,
        protocol         text NOT NULL,
        sink             text,
        source           text,
        types            text[] NOT NULL,
        filters          jsonb NOT NULL,
        http_headers     jsonb NOT NULL,
        default_webhook  boolean NOT NULL,
        created_at       timestamptz NOT NULL,
        created_by       text NOT NULL,
        updated_at       timestamptz NOT NULL,
        deleted_at       timestamptz,
        version          integer NOT NULL
    );
    CREATE INDEX subscriptions_by_partner ON subscriptions (partner_id, created_at)
        WHERE deleted_at IS NULL;

    ALTER TABLE webhook_endpoints ADD COLUMN subscription_id text;
    UPDATE webhook_endpoints SET subscription_id = 'subscription-' || substr(partner_id, 9);
    ALTER TABLE webhook_endpoints ALTER COLUMN subscription_id SET NOT NULL;
    ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_pkey;
    ALTER TABLE webhook_endpoints ADD PRIMARY KEY (subscription_id);
    CREATE INDEX webhook_endpoints_by_partner ON webhook_endpoints (partner_id);

    ALTER TABLE webhook_attempts ADD COLUMN subscription_id text;
    UPDATE webhook_attempts SET subscription_id = 'subscription-' || substr(partner_id, 9);
    ALTER TABLE webhook_attempts ALTER COLUMN subscription_id SET NOT NULL;
    CREATE INDEX webhook_attempts_by_subscription ON webhook_attempts
        (subscription_id, attempt_id);
    """)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

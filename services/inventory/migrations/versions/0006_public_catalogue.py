"""The public catalogue: listings, the cooperative's storefront, the images it keeps.

``listings`` and ``storefronts`` are query rows of their streams (``listing-<uuid>``,
``storefront-<cooperative_id>``), written with the events. ``catalogue_images`` is a
blob store, not a projection: an image's bytes are no event (a listing's event names the
image by its path), so these rows are the only copy and are kept like the event store.

Revision ID: 0006
Revises: 0005
"""

from gotong_platform.migrations import execute_script

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SCRIPT = """
CREATE TABLE listings (
    listing_id      text PRIMARY KEY,
    cooperative_id  text NOT NULL,
    product_id      text NOT NULL UNIQUE,  -- one listing per product
    warehouse_id    text NOT NULL,
    status          text NOT NULL CHECK (status IN ('published', 'withdrawn')),
    title           text NOT NULL,
    description     text NOT NULL,
    photos          jsonb NOT NULL,
    origin_regency  text NOT NULL,
    origin_village  text,
    unit_label      text NOT NULL,
    unit_qty        bigint NOT NULL,
    price_idr       bigint NOT NULL,
    low_threshold   bigint NOT NULL,
    show_quantity   boolean NOT NULL,
    version         integer NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX listings_by_cooperative ON listings (cooperative_id, title);
CREATE TABLE storefronts (
    cooperative_id  text PRIMARY KEY,
    story           text NOT NULL,
    region          text NOT NULL,
    version         integer NOT NULL
);
CREATE TABLE catalogue_images (
    image_id        text PRIMARY KEY,
    cooperative_id  text NOT NULL,
    content_type    text NOT NULL,
    body            bytea NOT NULL,
    sha256          text NOT NULL,
    uploaded_at     timestamptz NOT NULL
);
"""


def upgrade() -> None:
    execute_script(SCRIPT)


def downgrade() -> None:
    raise NotImplementedError("forward-only: write a new revision instead")

"""Settings of the inventory service (environment prefix ``GOTONG_INVENTORY_``).

Built in the composition root (``main.py``, ``__main__.py``), never at import.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from gotong_platform.settings import ServiceSettings

__all__ = ["InventorySettings"]

_MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


class InventorySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GOTONG_INVENTORY_", extra="ignore")

    database_url: str = "postgresql://postgres@127.0.0.1:55432/gotong_inventory"
    topic: str = "gotong.inventory.events"
    # What the consumer reacts to: the members directory and the sales' payments.
    consumed_topics: tuple[str, ...] = ("gotong.members.events", "gotong.payments.events")
    consumer_group: str = "gotong.inventory.reactions"
    migrations_dir: Path = _MIGRATIONS
    # The public catalogue's origin (e.g. https://pasar.example.id): the absolute links of
    # its pages, link previews and product feeds. Unset: the request's own origin, which
    # is right only when no proxy stands between the buyer and the service.
    public_url: str | None = None
    # An order's stock stays reserved this long waiting for payment (then it is released
    # by ``release-expired-orders``).
    order_pay_within_h: int = Field(default=24, ge=1, le=24 * 14)
    # Prometheus endpoint of the consumer process (lag, processed, dead-lettered).
    consumer_metrics_port: int = 9102
    consumer_metrics_host: str = "127.0.0.1"  # 0.0.0.0 in a pod, so Prometheus can scrape
    # The relay process's endpoint (published, send errors, backlog, readiness).
    relay_metrics_port: int | None = 9112

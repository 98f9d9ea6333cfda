"""Settings of the payments service (environment prefix ``GOTONG_PAYMENTS_``).

Built in the composition root (``main.py``, ``__main__.py``), never at import.
Kafka's bootstrap servers and SASL settings come from ``KafkaClientSettings``
(``GOTONG_PAYMENTS_KAFKA_BOOTSTRAP``, default 127.0.0.1:59092, ``..._KAFKA_SASL_*``).
The savings policy (pokok, wajib, due day) is not a setting: it is set per
cooperative through the API (``domain.savings_policy`` holds the default).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import field_validator
from pydantic_settings import SettingsConfigDict

from gotong_platform.settings import ServiceSettings, http_origin

__all__ = ["PaymentsSettings"]

_MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


class PaymentsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GOTONG_PAYMENTS_", extra="ignore")

    database_url: str = "postgresql://postgres@127.0.0.1:55432/gotong_payments"
    topic: str = "gotong.payments.events"
    # The reactions consume the members directory and inventory's sales and receipts.
    consumed_topics: tuple[str, ...] = ("gotong.members.events", "gotong.inventory.events")
    consumer_group: str = "gotong.payments.reactions"
    migrations_dir: Path = _MIGRATIONS
    # Prometheus endpoint of the consumer process (lag, processed, dead-lettered).
    consumer_metrics_port: int = 9103
    consumer_metrics_host: str = "127.0.0.1"  # 0.0.0.0 in a pod, so Prometheus can scrape
    # The relay process's endpoint (published, send errors, backlog, readiness).
    relay_metrics_port: int | None = 9113
    # The members service's API origin (e.g. https://members.gotong.example), where the
    # member's page (``/anggota/``) signs her in with a one-time code; that service must
    # allow this origin (GOTONG_MEMBERS_CORS_ORIGINS). None: the page cannot sign in.
    members_api_url: str | None = None
    # The reporting service's API origin, where the member's page reads her SHU share and
    # her cooperative's monthly summary and last RAT (``/member-portal/...``); that service
    # must allow this origin (GOTONG_REPORTING_CORS_ORIGINS). None: the page shows her
    # statement only.
    reporting_api_url: str | None = None

    @field_validator("members_api_url")
    @classmethod
    def _an_origin(cls, value: str | None) -> str | None:
        return http_origin(value, "members_api_url")

    @field_validator("reporting_api_url")
    @classmethod
    def _reporting_origin(cls, value: str | None) -> str | None:
        return http_origin(value, "reporting_api_url")

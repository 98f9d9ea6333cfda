"""Settings of the partner gateway (environment prefix ``GOTONG_PARTNERS_``).

Built in the composition root (``main.py``, ``__main__.py``), never at import.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from gotong_platform.settings import ServiceSettings

__all__ = ["PartnersSettings"]

_MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


class PartnersSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GOTONG_PARTNERS_", extra="ignore")

    database_url: str = "postgresql://postgres@127.0.0.1:55432/gotong_partners"
    topic: str = "gotong.partners.events"
    # The topics the gateway turns into partner events (and the members directory):
    # the domain services', and reporting's (the published months' key figures).
    consumed_topics: tuple[str, ...] = (
        "gotong.members.events", "gotong.inventory.events", "gotong.payments.events",
        "gotong.reporting.events")
    consumer_group: str = "gotong.partners.gateway"
    migrations_dir: Path = _MIGRATIONS
    # Base64 of at least 32 random bytes: the key of the per-partner pseudonymous
    # references (keyed HMAC of partner id and member id). No default: the API and the
    # consumer refuse to start without it (the relay does not need it). Changing it
    # changes every reference a partner has seen.
    pseudonym_key: SecretStr | None = None
    # Where partners reach this API: the base of the schemas' resolvable ``$id`` URLs
    # and of every partner event's ``dataschema``.
    public_base_url: str = "http://127.0.0.1:8005"
    # Signed webhooks (``python -m partners webhooks``): plain http sinks only in
    # development (make run); each attempt's timeout; how often the idle dispatcher looks
    # for new events (a busy one looks again at once; the wait is part of the delivery
    # latency, whose target is 500 ms at p99); how many of a subscription's events one
    # pass sends at most (recorded in one transaction); how many subscriptions are served
    # at once.
    webhook_allow_http: bool = False
    webhook_timeout_s: float = Field(default=10.0, gt=0, le=60)
    webhook_poll_s: float = Field(default=0.2, gt=0)
    webhook_batch: int = Field(default=100, ge=1, le=1000)
    webhook_concurrency: int = Field(default=8, ge=1, le=64)
    # The web origins whose pages may call this API from a browser (CORS): the regional
    # dashboard's, which reporting serves on another origin (its partner pages). None by
    # default: no browser page of another origin reads the gateway.
    cors_origins: tuple[str, ...] = ()
    # Signed (SNAP) requests: how far X-TIMESTAMP may be from the API's clock, either way.
    snap_timestamp_window_s: int = Field(default=300, ge=30, le=900)
    # KAFKA subscriptions (docs/partners.md, "Kafka"): "managed", the gateway creates each
    # partner's topic, SCRAM user and ACLs itself (Admin API; needs Alter on the cluster
    # and Create on the gotong.partner. topics: the local stack's user has both);
    # "declared", the federation office declares them (Strimzi: a KafkaTopic and a
    # KafkaUser per partner) and the gateway only writes. What partners are told to
    # connect to: their listener's address and protocol (the gateway's own when unset).
    kafka_partner_access: Literal["managed", "declared"] = "managed"
    kafka_partner_bootstrap: str | None = None
    kafka_partner_security_protocol: str | None = None
    kafka_partner_partitions: int = Field(default=3, ge=1, le=100)
    # None: the domain topics' rule (GOTONG_KAFKA_REPLICATION, else up to three replicas
    # as the cluster has brokers), with its min.insync.replicas.
    kafka_partner_replication: int | None = Field(default=None, ge=1, le=5)
    # Prometheus endpoint of the consumer process (lag, processed, dead-lettered).
    consumer_metrics_port: int = 9105
    consumer_metrics_host: str = "127.0.0.1"  # 0.0.0.0 in a pod, so Prometheus can scrape
    # The relay process's endpoint (published, send errors, backlog, readiness).
    relay_metrics_port: int | None = 9115

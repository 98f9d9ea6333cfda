"""Settings every service shares (each service adds its own prefix).

Mixed into a service's ``BaseSettings`` class; values come from the environment
in the composition root, never at import.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings

from gotong_platform.auth import (
    JwksKeys,
    Role,
    TokenVerifier,
    TrustedIssuer,
    verifier_from_settings,
)
from gotong_platform.kafka import KafkaAuth

__all__ = ["EdgeLimits", "EdgeSettings", "KafkaClientSettings", "ServiceSettings", "http_origin"]

def http_origin(value: str | None, setting: str) -> str | None:
    """A setting naming another service's browser-facing origin (``http(s)://host[:port]``,
    as a page's Content-Security-Policy and CORS compare it); None when unset."""
    if value is None or value == "":
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in (
            "", "/") or parts.query or parts.fragment:
        raise ValueError(f"{setting} is an origin: http(s)://host[:port]")
    return f"{parts.scheme}://{parts.netloc}"


_KIB = 1024
_MIB = 1024 * _KIB
_MAX_BODY = 1 * _MIB
_MAX_SYNC_BODY = 8 * _MIB
_MAX_HEADERS = 64 * _KIB
_RATE_PER_SECOND = 20.0
_RATE_BURST = 120


_AUTH_FIELDS = ("kafka_security_protocol", "kafka_sasl_mechanism", "kafka_sasl_username",
                "kafka_sasl_password")


class KafkaClientSettings(BaseSettings):
    kafka_bootstrap: str = "127.0.0.1:59092"
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_sasl_mechanism: str | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _stack_wide_credentials(cls, data: Any) -> Any:
        """A service given none of its own credentials uses the stack-wide ones
        (``KafkaAuth.from_env``), all four or none: the local stack's internal user, which
        ``make run`` and the tests' fixtures put in the environment."""
        if not isinstance(data, dict) or any(name in data for name in _AUTH_FIELDS):
            return data
        stack = KafkaAuth.from_env()
        found = {"kafka_security_protocol": stack.security_protocol,
                 "kafka_sasl_mechanism": stack.sasl_mechanism,
                 "kafka_sasl_username": stack.username, "kafka_sasl_password": stack.password}
        return {**data, **{name: value for name, value in found.items() if value is not None}}

    def kafka_auth(self) -> KafkaAuth:
        return KafkaAuth(
            security_protocol=self.kafka_security_protocol,
            sasl_mechanism=self.kafka_sasl_mechanism,
            username=self.kafka_sasl_username,
            password=(self.kafka_sasl_password.get_secret_value()
                      if self.kafka_sasl_password else None),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class EdgeLimits:
    """What the HTTP edge refuses before a route runs (``gotong_platform.http.guard``)
    and how often one principal may call (``gotong_platform.http.ratelimit``).

    ``rate_limit_per_second`` 0 turns the rate limit off.
    """

    max_body_bytes: int = _MAX_BODY
    max_sync_body_bytes: int = _MAX_SYNC_BODY
    max_header_bytes: int = _MAX_HEADERS
    rate_limit_per_second: float = _RATE_PER_SECOND
    rate_limit_burst: int = _RATE_BURST
    # POSTs whose path ends so get ``max_sync_body_bytes``: the offline batch uploads.
    sync_path_suffix: str = "/sync"


class EdgeSettings(BaseSettings):
    """The HTTP edge's limits, read with the service's prefix (``GOTONG_MEMBERS_MAX_BODY_BYTES``).

    Defaults come from what a legitimate request needs (docs/operations.md, "Limits at
    the edge"): the largest body (a stock count of 500 lines) is about 150 KB; the worst
    offline batch (500 sales of 50 lines, every id at its 100-character maximum) about
    4.5 MB; a token under 1 kB, but a partner's lists every subscribed cooperative
    (about 70 bytes each).
    """

    max_body_bytes: int = Field(default=_MAX_BODY, ge=_KIB)
    max_sync_body_bytes: int = Field(default=_MAX_SYNC_BODY, ge=_KIB)
    max_header_bytes: int = Field(default=_MAX_HEADERS, ge=_KIB)
    rate_limit_per_second: float = Field(default=_RATE_PER_SECOND, ge=0)
    rate_limit_burst: int = Field(default=_RATE_BURST, ge=1)
    max_token_lifetime_s: int = Field(default=24 * 3600, ge=60)

    def edge_limits(self) -> EdgeLimits:
        return EdgeLimits(
            max_body_bytes=self.max_body_bytes, max_sync_body_bytes=self.max_sync_body_bytes,
            max_header_bytes=self.max_header_bytes,
            rate_limit_per_second=self.rate_limit_per_second,
            rate_limit_burst=self.rate_limit_burst)

    def max_token_lifetime(self) -> timedelta:
        return timedelta(seconds=self.max_token_lifetime_s)


class ServiceSettings(KafkaClientSettings, EdgeSettings):
    """What every service's settings have; a service subclasses it with its prefix
    (``model_config``), its database and topic defaults and its migrations folder.

    Secrets have no defaults that would work in production. Tokens are verified with the
    OpenID Connect issuer's JWKS (``oidc_issuer``, ``oidc_jwks_url``) and/or the HS256 key
    (``jwt_key`` or ``jwt_key_file``); the verifier refuses to start with neither.
    ``environment`` ``production`` (the manifests set it) requires the issuer and its JWKS
    over https, and then accepts from the HS256 key only members' tokens (the members
    service's phone sign-in signs those): a staff or partner token must come from the
    issuer. ``development`` (the default: ``make run``, the tests) accepts the HS256 key
    for every role, so ``gotong-token`` still mints what a test needs.
    """

    database_url: str
    topic: str
    topic_partitions: int = 3
    jwt_key_file: Path | None = None
    jwt_key: SecretStr | None = None
    environment: Literal["development", "production"] = "development"
    # The federation's OpenID Connect issuer: its identifier (the tokens' iss), its JWKS,
    # and the audience its access tokens name. The JWKS is read again after
    # jwks_max_age_s, and at once for a kid it lacks, but at most once per
    # jwks_min_refresh_s; a key it no longer lists is accepted for jwks_retired_grace_s.
    oidc_issuer: str | None = None
    oidc_jwks_url: str | None = None
    oidc_audience: str = "gotong-api"
    jwks_max_age_s: float = Field(default=300.0, gt=0)
    jwks_min_refresh_s: float = Field(default=30.0, ge=0)
    jwks_retired_grace_s: float = Field(default=0.0, ge=0)
    otlp_endpoint: str | None = None  # OTLP/HTTP traces export when set
    migrations_dir: Path
    pool_max_size: int = Field(default=20, ge=1)
    # How long an API keeps a registered cooperative's regency and time zone (seconds;
    # 0 reads the directory on every request). Both are fixed at registration, and the
    # tenancy check asks for them on every request under /cooperatives/{id}.
    directory_cache_ttl_s: float = Field(default=5.0, ge=0)
    log_level: str = "INFO"
    # The relay process's endpoint (/metrics, /health, /ready). Each service sets its own
    # default port, clear of the APIs' and the consumers' (``make run`` starts them all on
    # one host); None serves no endpoint. 0.0.0.0 in a pod, so Prometheus can scrape it.
    relay_metrics_port: int | None = Field(default=None, ge=0, le=65535)
    relay_metrics_host: str = "127.0.0.1"

    @model_validator(mode="after")
    def _issuer_settings(self) -> ServiceSettings:
        if (self.oidc_issuer is None) != (self.oidc_jwks_url is None):
            raise ValueError("set oidc_issuer and oidc_jwks_url together")
        if self.environment == "production":
            if self.oidc_jwks_url is None:
                raise ValueError("production requires oidc_issuer and oidc_jwks_url (the "
                                 "JWKS of the federation's OpenID Connect issuer)")
            if urlsplit(self.oidc_jwks_url).scheme != "https":
                raise ValueError("production requires the JWKS over https")
        return self

    def token_verifier(self) -> TokenVerifier:
        """The verifier these settings name (see the class's docstring)."""
        prefix = str(self.model_config.get("env_prefix", ""))
        trusted = None
        if self.oidc_issuer is not None and self.oidc_jwks_url is not None:
            trusted = TrustedIssuer(self.oidc_issuer, self.oidc_audience, JwksKeys(
                self.oidc_jwks_url, max_age=timedelta(seconds=self.jwks_max_age_s),
                min_refresh_interval=timedelta(seconds=self.jwks_min_refresh_s),
                retired_key_grace=timedelta(seconds=self.jwks_retired_grace_s)))
        key = self.jwt_key.get_secret_value() if self.jwt_key else None
        return verifier_from_settings(
            key, self.jwt_key_file, setting_prefix=prefix,
            max_lifetime=self.max_token_lifetime(), trusted=trusted,
            key_roles={Role.MEMBER} if self.environment == "production" else None)

"""Settings of the reporting service (environment prefix ``GOTONG_REPORTING_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from gotong_platform.settings import ServiceSettings, http_origin
from reporting.domain.reports.figures import ReportOptions

__all__ = ["ReportingSettings"]

_MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GOTONG_REPORTING_", extra="ignore")

    database_url: str = "postgresql://postgres@127.0.0.1:55432/gotong_reporting"
    # Every service's published events: the read model's facts come from all three.
    topics: tuple[str, ...] = ("gotong.members.events", "gotong.inventory.events",
                               "gotong.payments.events")
    topic: str = "gotong.reporting.events"  # what reporting publishes (the SHU engine)
    consumer_group: str = "gotong.reporting.readmodel"
    migrations_dir: Path = _MIGRATIONS
    # Prometheus endpoint of the consumer process (consumer lag, processed, dead-lettered).
    consumer_metrics_port: int = 9104
    consumer_metrics_host: str = "127.0.0.1"  # 0.0.0.0 in a pod, so Prometheus can scrape
    # Reports: a cooperative is "stale" when its last event is older than this many days,
    # and a product is "low on stock" at or below this quantity (in its base unit).
    stale_after_days: int = Field(default=7, ge=0)
    low_stock_threshold: int = 0
    # The relay process's endpoint (published, send errors, backlog, readiness).
    relay_metrics_port: int | None = 9114

    # Where the dashboard's browser reaches the partner gateway's API (scheme, host and
    # port, e.g. https://partners.gotong.example): its partner pages read it with the
    # signed-in user's token (the gateway must allow this origin: GOTONG_PARTNERS_CORS_
    # ORIGINS). None: the dashboard has no partner pages.
    partners_api_url: str | None = None
    # The web origins whose pages may call this API from a browser (CORS): the member's
    # page (``/anggota/``), served by payments on its own origin, reads her SHU and her
    # cooperative's summary here (``/member-portal/...``).
    cors_origins: tuple[str, ...] = ()

    # The dashboard's OpenID Connect client id at the issuer (oidc_issuer): the page signs
    # its users in with authorization code + PKCE (a public client, no secret). None: no
    # sign-in button (a token can still be given in the URL's fragment, #token=...).
    dashboard_client_id: str | None = None

    @field_validator("partners_api_url")
    @classmethod
    def _an_origin(cls, value: str | None) -> str | None:
        return http_origin(value, "partners_api_url")

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(origin for v in value if (origin := http_origin(v, "cors_origins")))

    def dashboard_sign_in(self) -> dict[str, str] | None:
        """What the page needs to sign in: the issuer (whose origin its CSP then allows)
        and its client id; None without both."""
        if self.dashboard_client_id is None or self.oidc_issuer is None:
            return None
        return {"issuer": self.oidc_issuer, "client_id": self.dashboard_client_id}

    def report_options(self) -> ReportOptions:
        return ReportOptions(stale_after_days=self.stale_after_days,
                             low_stock_threshold=self.low_stock_threshold)

"""Settings of the members service (environment prefix ``GOTONG_MEMBERS_``).

Built in the composition root (``main.py``), never at import.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from gotong_platform.settings import ServiceSettings

__all__ = ["MembersSettings"]

_MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


class MembersSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GOTONG_MEMBERS_", extra="ignore")

    database_url: str = "postgresql://postgres@127.0.0.1:55432/gotong_members"
    topic: str = "gotong.members.events"
    # Base64 of 32 random bytes; HKDF derives the NIK hash key and the NIK
    # encryption key from it. No default: the API refuses to start without it
    # (the relay does not need it).
    nik_key: SecretStr | None = None
    min_age_years: int = Field(default=17, ge=0, le=100)
    migrations_dir: Path = _MIGRATIONS
    # The relay process's endpoint (published, send errors, backlog, readiness).
    relay_metrics_port: int | None = 9111

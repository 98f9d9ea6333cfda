"""Settings of the members service (environment prefix ``GOTONG_MEMBERS_``).

Built in the composition root (``main.py``), never at import.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

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
    # A member's sign-in with a one-time code. The sender: "log" writes the code to the
    # service's log (development and tests only; an SMS or WhatsApp gateway is a
    # follow-up), "none" turns the sign-in off (its routes are not served).
    sign_in_sender: Literal["none", "log"] = "none"
    # How long the token a member gets lives (the page asks for a new code after it).
    member_token_ttl_s: int = Field(default=12 * 3600, ge=60, le=24 * 3600)
    # The header a trusted proxy (the ingress) puts the client's address in, for the
    # per-address limit on codes; unset: the socket's peer address.
    sign_in_client_header: str | None = None
    # The web origins whose pages may call this API from a browser (CORS): the member's
    # page, served by payments on its own origin.
    cors_origins: tuple[str, ...] = ()
    # The relay process's endpoint (published, send errors, backlog, readiness).
    relay_metrics_port: int | None = 9111

"""A member's sign-in with a one-time code sent to her phone: the rules, pure.

The code is 6 digits, lives 5 minutes, and takes at most 5 wrong guesses; a new code
replaces the previous one. Sending is limited per phone (3 codes in 15 minutes, at
least 60 seconds apart) and per client address (10 codes an hour), so that nobody can
make the cooperative pay for a flood of messages or try codes by the million: with
these limits a guesser gets 15 tries a quarter of an hour against a million codes.
The numbers are parameters (``SignInRules``); the service's settings choose them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from gotong_platform.domain import DomainError

__all__ = [
    "SIGN_IN_STATUSES",
    "CodeCheck",
    "Membership",
    "SignInRateLimited",
    "SignInRules",
    "StoredCode",
    "check_code",
    "check_send_allowed",
]


# A member who was admitted keeps her window: after she exits, her history stays hers.
SIGN_IN_STATUSES = ("admitted", "suspended", "exited")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Membership:
    """One membership a phone opens, as the member's page names it."""

    member_id: str
    cooperative_id: str
    cooperative_name: str
    member_no: str | None
    full_name: str
    status: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class StoredCode:
    challenge_id: str
    code_digest: bytes
    created_at: datetime
    attempts: int
    consumed: bool


class SignInRateLimited(DomainError):
    """Too many codes asked for this phone or from this address (HTTP 429)."""

    code = "sign-in-rate-limited"

    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


@dataclasses.dataclass(frozen=True, kw_only=True)
class SignInRules:
    code_digits: int = 6
    code_ttl: timedelta = timedelta(minutes=5)
    max_attempts: int = 5
    phone_window: timedelta = timedelta(minutes=15)
    phone_max_sends: int = 3
    phone_min_interval: timedelta = timedelta(seconds=60)
    client_window: timedelta = timedelta(hours=1)
    client_max_sends: int = 10


class CodeCheck(StrEnum):
    """What a code sent back to be checked turned out to be."""

    ACCEPTED = "accepted"
    WRONG = "wrong"  # counted as an attempt
    EXPIRED = "expired"  # too late, or no code was ever sent
    EXHAUSTED = "exhausted"  # too many wrong guesses, or already used


def check_send_allowed(
    phone_sends: Sequence[datetime], client_sends: Sequence[datetime], *, now: datetime,
    rules: SignInRules,
) -> None:
    """Raise ``SignInRateLimited`` unless one more code may be sent now.

    ``phone_sends`` and ``client_sends`` are the times codes were asked for this phone
    and from this client address (any order; older ones are ignored).
    """
    waits = []
    recent_phone = sorted(t for t in phone_sends if t > now - rules.phone_window)
    if recent_phone and now - recent_phone[-1] < rules.phone_min_interval:
        waits.append(recent_phone[-1] + rules.phone_min_interval - now)
    if len(recent_phone) >= rules.phone_max_sends:
        waits.append(recent_phone[-rules.phone_max_sends] + rules.phone_window - now)
    recent_client = sorted(t for t in client_sends if t > now - rules.client_window)
    if len(recent_client) >= rules.client_max_sends:
        waits.append(recent_client[-rules.client_max_sends] + rules.client_window - now)
    if waits:
        wait = max(1, math.ceil(max(waits).total_seconds()))
        raise SignInRateLimited(
            f"Too many codes were asked for; try again in {wait} seconds.", wait)


def check_code(*, matches: bool, created_at: datetime, attempts: int, consumed: bool,
               now: datetime, rules: SignInRules) -> CodeCheck:
    """Judge one try of the latest code sent to a phone.

    ``matches`` must come from a constant-time comparison of the keyed digests (the
    caller's): this function only orders the rules. A used or exhausted code stays
    refused even when the guess is right, so a code can sign in once.
    """
    if consumed or attempts >= rules.max_attempts:
        return CodeCheck.EXHAUSTED
    if now >= created_at + rules.code_ttl or now < created_at:
        return CodeCheck.EXPIRED
    return CodeCheck.ACCEPTED if matches else CodeCheck.WRONG

"""Signed (SNAP) requests: who signed one, and that it is not a replay.

``SignedRequests.authenticate`` checks, cheapest first: the timestamp within the window
of the gateway's clock, a key of the partner valid now, the signature over SNAP's string
to sign. ``claim`` then spends the request's X-EXTERNAL-ID for the day (a read's; a
command's is spent by its Idempotency-Key run, which answers a retry of the same body
with the first answer), only once the signature holds, so nobody else can spend a
partner's ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from gotong_platform.calendar import Clock
from partners.application.ports import SignatureVerifier, SignedRequestStore
from partners.domain import (
    TIMESTAMP_WINDOW,
    SnapExternalIdReused,
    SnapHeaders,
    SnapSignatureInvalid,
    SnapUnknownPartner,
    string_to_sign,
)

__all__ = ["SignedCaller", "SignedRequests"]


@dataclass(frozen=True, slots=True)
class SignedCaller:
    """The partner a signed request authenticated, and its replay key for the day."""

    partner_id: str
    replay_key: str  # "snap:<day>:<X-EXTERNAL-ID>": the Idempotency-Key of a signed POST


@dataclass(frozen=True)
class SignedRequests:
    store: SignedRequestStore
    verifier: SignatureVerifier
    clock: Clock
    window: timedelta = TIMESTAMP_WINDOW

    async def authenticate(self, headers: SnapHeaders, *, method: str, endpoint_url: str,
                           body: bytes) -> SignedCaller:
        """The partner that signed this request; a ``SignedRequestRefused`` otherwise."""
        now = self.clock.now()
        headers.check_window(now, self.window)
        keys = await self.store.keys_valid_at(headers.partner_id, now)
        if not keys:
            raise SnapUnknownPartner(
                "No partner with a registered signing key has this X-PARTNER-ID (ask the "
                "federation office to register your public key).")
        message = string_to_sign(method, endpoint_url, body, headers.timestamp)
        if not any(self.verifier.verify(key, message, headers.signature) for key in keys):
            raise SnapSignatureInvalid(
                "X-SIGNATURE does not verify with the partner's registered key over "
                "METHOD:path?query:sha256hex(minified body):X-TIMESTAMP.")
        return SignedCaller(partner_id=headers.partner_id,
                            replay_key=f"snap:{headers.day.isoformat()}:{headers.external_id}")

    async def claim(self, caller: SignedCaller, request_hash: str) -> None:
        """Spend the request's X-EXTERNAL-ID; ``SnapExternalIdReused`` when it was spent."""
        if not await self.store.claim(caller.partner_id, caller.replay_key, request_hash):
            raise SnapExternalIdReused(
                "This X-EXTERNAL-ID was already used by this partner today; every request "
                "needs a new one (the same one only to retry a POST with the same body).")

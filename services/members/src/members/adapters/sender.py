"""Where a sign-in code goes: the ``CodeSender`` port's adapters.

``LogCodeSender`` is the development sender: it writes the code to the service's log
(logger ``members.sign_in.codes``), where a developer or the browser test reads it.
It must never run in production, where the code would sit in the logs in clear: the
settings refuse it unless ``GOTONG_MEMBERS_SIGN_IN_SENDER=log`` is said outright. An
SMS or WhatsApp sender (a provider's HTTP API behind the same port) is a follow-up.
"""

from __future__ import annotations

import logging

__all__ = ["LogCodeSender"]

_log = logging.getLogger("members.sign_in.codes")


class LogCodeSender:
    """Writes ``Kode masuk Gotong: 123456`` to the log, with the last digits of the phone."""

    async def send(self, phone: str, code: str) -> None:
        # The message as the member would read it; the phone is shortened (personal data).
        _log.warning("sign-in code for %s: Kode masuk Gotong Anda: %s (berlaku 5 menit)",
                     "…" + phone[-4:], code)

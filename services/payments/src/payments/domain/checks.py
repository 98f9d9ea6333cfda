"""Small checks every command uses; each returns the cleaned value or raises the rule.

The text and order checks are the platform's (``gotong_platform.checks``).
"""

from __future__ import annotations

from gotong_platform.checks import at_most_one_fact, not_before, required_text
from payments.domain.errors import AmountNotPositive

__all__ = ["not_before", "positive_amount", "required_text"]


def positive_amount(amount_idr: int, *, what: str) -> int:
    """Refuse an amount below Rp 1 or beyond one fact's worth (``MAX_AMOUNT_IDR``).

    ``what`` is the clerk's word, e.g. "The deposit".
    """
    if amount_idr <= 0:
        raise AmountNotPositive(f"{what} must be at least Rp 1; it is Rp {amount_idr}.")
    return at_most_one_fact(amount_idr, what=what)

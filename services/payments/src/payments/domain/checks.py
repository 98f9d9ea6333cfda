"""Small checks every command uses; each returns the cleaned value or raises the rule."""

from __future__ import annotations

from datetime import date

from gotong_platform.money import MAX_AMOUNT_IDR
from payments.domain.errors import (
    AmountNotPositive,
    AmountTooLarge,
    DateOutOfOrder,
    RequiredFieldMissing,
)

__all__ = ["not_before", "positive_amount", "required_text"]


def positive_amount(amount_idr: int, *, what: str) -> int:
    """Refuse an amount below Rp 1 or beyond one fact's worth (``MAX_AMOUNT_IDR``).

    ``what`` is the clerk's word, e.g. "The deposit".
    """
    if amount_idr <= 0:
        raise AmountNotPositive(f"{what} must be at least Rp 1; it is Rp {amount_idr}.")
    if amount_idr > MAX_AMOUNT_IDR:
        raise AmountTooLarge(
            f"{what} must be at most Rp {MAX_AMOUNT_IDR}; it is Rp {amount_idr}."
        )
    return amount_idr


def required_text(value: str, *, what: str) -> str:
    """``value`` without surrounding spaces; refused when empty."""
    cleaned = value.strip()
    if not cleaned:
        raise RequiredFieldMissing(f"{what} is required.")
    return cleaned


def not_before(day: date, earliest: date, *, what: str, earlier_step: str) -> date:
    """Refuse a date before the step it must follow (``earlier_step``, e.g. "the approval")."""
    if day < earliest:
        raise DateOutOfOrder(
            f"{what} ({day.isoformat()}) is before {earlier_step} ({earliest.isoformat()})."
        )
    return day

"""Small checks every command uses: required text, positive quantities, amounts, dates.

Each returns the cleaned value or raises the error that names the broken rule.
``what`` is the clerk's word for the field (e.g. "The name"), so the detail reads
as a sentence.
"""

from __future__ import annotations

from datetime import date

from gotong_platform.calendar import check_business_date
from gotong_platform.money import MAX_AMOUNT_IDR
from inventory.domain.errors import (
    AmountNegative,
    AmountTooLarge,
    DateInFuture,
    QuantityNotPositive,
    RequiredFieldMissing,
    TextTooLong,
)

__all__ = ["amount", "not_in_future", "optional_text", "positive", "required_text"]


def required_text(value: str, *, what: str, max_length: int) -> str:
    """``value`` without surrounding spaces; refused when empty or longer than ``max_length``."""
    cleaned = value.strip()
    if not cleaned:
        raise RequiredFieldMissing(f"{what} is required.")
    return _within(cleaned, what=what, max_length=max_length)


def optional_text(value: str | None, *, what: str, max_length: int) -> str | None:
    """Like ``required_text``, but an empty value becomes ``None``."""
    cleaned = (value or "").strip()
    if not cleaned:
        return None
    return _within(cleaned, what=what, max_length=max_length)


def _within(cleaned: str, *, what: str, max_length: int) -> str:
    if len(cleaned) > max_length:
        raise TextTooLong(
            f"{what} may have at most {max_length} characters; it has {len(cleaned)}."
        )
    return cleaned


def positive(qty: int, *, what: str) -> int:
    """Refuse a quantity of zero or less."""
    if qty <= 0:
        raise QuantityNotPositive(f"{what} must be above zero; it is {qty}.")
    return qty


def amount(amount_idr: int, *, what: str) -> int:
    """Refuse a negative rupiah amount, or one of a fact's worth or more (Rp 10^12)."""
    if amount_idr < 0:
        raise AmountNegative(f"{what} must not be negative; it is Rp {amount_idr}.")
    if amount_idr > MAX_AMOUNT_IDR:
        raise AmountTooLarge(f"{what} must be at most Rp {MAX_AMOUNT_IDR}; it is Rp {amount_idr}.")
    return amount_idr


def not_in_future(
    day: date, *, what: str, today: date, limit: str = "today's business date"
) -> date:
    """Refuse a date after ``today`` (the cooperative's business date unless ``limit``
    says) or before 1900: the platform's rule for business dates."""
    if day > today:
        raise DateInFuture(f"{what} ({day.isoformat()}) is after {limit} ({today.isoformat()}).")
    return check_business_date(day, today=today, what=what)

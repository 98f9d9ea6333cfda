"""Small checks every command uses: required text, lengths, dates in order.

Each returns the cleaned value or raises the error that names the broken rule.
``what`` is the clerk's word for the field (e.g. "The full name"), so the detail
reads as a sentence.
"""

from __future__ import annotations

from datetime import date

from gotong_platform.calendar import check_business_date
from members.domain.errors import DateOutOfOrder, RequiredFieldMissing, TextTooLong

__all__ = ["not_before", "not_in_future", "optional_text", "required_text"]


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


def not_in_future(day: date | None, *, what: str, today: date) -> date:
    """``day``, or ``today`` when the form left it out; refused after the cooperative's
    business date ``today`` or before 1900: the platform's rule for business dates."""
    return check_business_date(today if day is None else day, today=today, what=what)


def not_before(day: date, earliest: date, *, what: str, earlier_step: str) -> date:
    """Refuse a date before the step it must follow (``earlier_step``, e.g. "the application")."""
    if day < earliest:
        raise DateOutOfOrder(
            f"{what} ({day.isoformat()}) is before {earlier_step} ({earliest.isoformat()})."
        )
    return day

"""Checks every service's commands share, and the errors they raise.

Pure like ``gotong_platform.domain``: no I/O, only the standard library and the platform's
pure modules. Each check returns the cleaned value or raises the error that names the
broken rule. ``what`` is the clerk's word for the field (e.g. "The full name"), so the
detail reads as a sentence. A service's ``domain.errors`` and ``domain.checks`` re-export
what they use, so a client sees one code per rule whichever service refuses.
"""

from __future__ import annotations

from datetime import date

from gotong_platform.domain import InvalidInput, RuleViolated
from gotong_platform.money import MAX_AMOUNT_IDR

__all__ = [
    "AmountTooLarge",
    "DateOutOfOrder",
    "RequiredFieldMissing",
    "TextTooLong",
    "at_most_one_fact",
    "not_before",
    "optional_text",
    "required_text",
]


class RequiredFieldMissing(InvalidInput):
    """A required text field (a name, a user id, a reason) is empty or only spaces."""

    code = "required-field-missing"


class TextTooLong(InvalidInput):
    """A text field is longer than its limit."""

    code = "text-too-long"


class AmountTooLarge(InvalidInput):
    """No single fact is Rp 10^12 or more (the platform's limit, docs/money.md): a cost,
    a price, a discount, a sale, a produce receipt, a deposit, a repayment."""

    code = "amount-too-large"


class DateOutOfOrder(RuleViolated):
    """A date lies before the step it must follow (e.g. admission before application, a
    repayment before the disbursement)."""

    code = "date-out-of-order"


def required_text(value: str, *, what: str, max_length: int | None = None) -> str:
    """``value`` without surrounding spaces; refused when empty or longer than ``max_length``
    (when one is given)."""
    cleaned = value.strip()
    if not cleaned:
        raise RequiredFieldMissing(f"{what} is required.")
    return cleaned if max_length is None else _within(cleaned, what=what, max_length=max_length)


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


def not_before(day: date, earliest: date, *, what: str, earlier_step: str) -> date:
    """Refuse a date before the step it must follow (``earlier_step``, e.g. "the approval")."""
    if day < earliest:
        raise DateOutOfOrder(
            f"{what} ({day.isoformat()}) is before {earlier_step} ({earliest.isoformat()})."
        )
    return day


def at_most_one_fact(amount_idr: int, *, what: str) -> int:
    """Refuse an amount beyond one fact's worth (``MAX_AMOUNT_IDR``); the lower bound is
    the service's rule (zero, or Rp 1)."""
    if amount_idr > MAX_AMOUNT_IDR:
        raise AmountTooLarge(f"{what} must be at most Rp {MAX_AMOUNT_IDR}; it is Rp {amount_idr}.")
    return amount_idr

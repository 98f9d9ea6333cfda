"""Small checks every command uses: required text, positive quantities, amounts, dates.

Each returns the cleaned value or raises the error that names the broken rule.
``what`` is the clerk's word for the field (e.g. "The name"), so the detail reads
as a sentence. The text checks are the platform's (``gotong_platform.checks``).
"""

from __future__ import annotations

from datetime import date

from gotong_platform.calendar import check_business_date
from gotong_platform.checks import at_most_one_fact, optional_text, required_text
from inventory.domain.errors import AmountNegative, DateInFuture, QuantityNotPositive

__all__ = ["amount", "not_in_future", "optional_text", "positive", "required_text"]


def positive(qty: int, *, what: str) -> int:
    """Refuse a quantity of zero or less."""
    if qty <= 0:
        raise QuantityNotPositive(f"{what} must be above zero; it is {qty}.")
    return qty


def amount(amount_idr: int, *, what: str) -> int:
    """Refuse a negative rupiah amount, or one of a fact's worth or more (Rp 10^12)."""
    if amount_idr < 0:
        raise AmountNegative(f"{what} must not be negative; it is Rp {amount_idr}.")
    return at_most_one_fact(amount_idr, what=what)


def not_in_future(
    day: date, *, what: str, today: date, limit: str = "today's business date"
) -> date:
    """Refuse a date after ``today`` (the cooperative's business date unless ``limit``
    says) or before 1900: the platform's rule for business dates."""
    if day > today:
        raise DateInFuture(f"{what} ({day.isoformat()}) is after {limit} ({today.isoformat()}).")
    return check_business_date(day, today=today, what=what)

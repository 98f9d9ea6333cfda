"""Small checks every command uses: required text, lengths, dates in order.

Each returns the cleaned value or raises the error that names the broken rule.
``what`` is the clerk's word for the field (e.g. "The full name"), so the detail
reads as a sentence. The text and order checks are the platform's (``gotong_platform.checks``).
"""

from __future__ import annotations

from datetime import date

from gotong_platform.calendar import check_business_date
from gotong_platform.checks import not_before, optional_text, required_text

__all__ = ["not_before", "not_in_future", "optional_text", "required_text"]


def not_in_future(day: date | None, *, what: str, today: date) -> date:
    """``day``, or ``today`` when the form left it out; refused after the cooperative's
    business date ``today`` or before 1900: the platform's rule for business dates."""
    return check_business_date(today if day is None else day, today=today, what=what)

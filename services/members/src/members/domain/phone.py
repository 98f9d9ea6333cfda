"""A member's mobile number, the one she signs in with.

Indonesian mobile numbers are written many ways ("0812-3456-7890", "+62 812 3456 7890",
"62812..."); they are kept in one form, E.164 (``+628123456790``), so that the keyed
hash the sign-in looks her up by is the same whatever the clerk or the member typed.
A mobile number there starts with 8 after the country code and has 9 to 12 digits
after it (``08xx`` with 10 to 13 digits in all).
"""

from __future__ import annotations

import re

from gotong_platform.domain import InvalidInput

__all__ = ["InvalidPhoneNumber", "normalise_phone"]

_SEPARATORS = re.compile(r"[\s\-.()]")
_NATIONAL_MOBILE = re.compile(r"8[0-9]{8,11}")  # after the 0 or the 62
_MAX_INPUT = 40


class InvalidPhoneNumber(InvalidInput):
    """Not an Indonesian mobile number (the detail never repeats it: it is personal data)."""

    code = "invalid-phone-number"


def normalise_phone(text: str) -> str:
    """The number in E.164 (``+62`` then the national number without its 0)."""
    if len(text) > _MAX_INPUT:
        raise InvalidPhoneNumber(f"A phone number has at most {_MAX_INPUT} characters.")
    compact = _SEPARATORS.sub("", text.strip())
    for prefix in ("+62", "62", "0"):
        if compact.startswith(prefix):
            national = compact[len(prefix):]
            break
    else:
        national = ""
    # ASCII digits only (``fullmatch`` on [0-9]): other scripts' digits are not a number.
    if not _NATIONAL_MOBILE.fullmatch(national):
        raise InvalidPhoneNumber(
            "The phone number must be an Indonesian mobile number, e.g. 0812 3456 7890 "
            "or +62 812 3456 7890.")
    return "+62" + national

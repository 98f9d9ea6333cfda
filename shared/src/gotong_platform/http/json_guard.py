"""What no JSON body may hold, found before any route parses it.

Three kinds of value pass JSON parsing and pydantic's ``str``/``int`` fields but break
further in (asyncpg, PostgreSQL, a consumer), so they are refused at the edge for every
service at once:

- a NUL character (``\\u0000``) in any string: PostgreSQL text and jsonb cannot hold it;
- a lone UTF-16 surrogate (``\\ud800`` without its pair): it cannot be encoded as UTF-8;
- a number outside the signed 64-bit range (``bigint``), and ``NaN``/``Infinity`` (not
  JSON at all, but Python's parser takes them): asyncpg answers "value out of int64
  range" and a jsonb column refuses ``NaN``. Amount fields have their own, far smaller,
  bounds; this is the safety net for every other number.

A raw zero byte is refused as well: it is either a NUL inside a string or a body that is
not UTF-8 (UTF-16 and UTF-32 texts are full of them), which would hide the escapes
from the scan below.

Most bodies cost a few byte searches (about 1 us per offline fact of a 500-item
batch): a backslash (every escape starts with one), ``NaN`` and ``Infinity``, and a run
of 19 digits (2^63 has 19; a shorter run cannot reach it). Only a body with such a hint
is parsed and walked. A number written with an exponent (``1e19``) is not looked for:
UUIDs are full of digit-e-digit, so it would mean parsing every body twice. Amount and
quantity fields are strict integers, which refuse it; an integer field that takes it
anyway and hands it to PostgreSQL is answered 422 by the problem handlers
(``gotong_platform.http.problems``).
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

__all__ = ["INT64_MAX", "INT64_MIN", "UnsafeJson", "find_unsafe_json"]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

_ESCAPES = (b"\\u0000", b"\\ud", b"\\uD")  # NUL, and the surrogates' range D800-DFFF
_CONSTANTS = (b"NaN", b"Infinity")
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19  # 2**63 has 19 digits: a shorter integer is in range

Location = tuple[str | int, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class UnsafeJson:
    """Why a body is refused: a problem ``code``, a ``detail`` and where (never the value)."""

    code: str
    detail: str
    loc: Location = ()


_NUL = "a string holds a NUL character (U+0000), which no field accepts"
_SURROGATE = "a string holds a lone UTF-16 surrogate, which is not a character"
_RANGE = "a number is outside the signed 64-bit integer range (-2^63 to 2^63-1)"


class _NonFinite(ValueError):
    pass


def find_unsafe_json(body: bytes) -> UnsafeJson | None:
    """The first unsafe value in ``body``, or None (also for a body that is not JSON:
    the route's own parser answers that one)."""
    if b"\x00" in body:
        return UnsafeJson("nul-character", "the body holds a zero byte: a NUL character, "
                          "or text that is not UTF-8")
    if not _worth_a_closer_look(body):
        return None
    try:
        document = json.loads(body, parse_constant=_refuse_constant)
    except _NonFinite:
        return UnsafeJson("number-out-of-range", "NaN and Infinity are not JSON numbers")
    except (ValueError, RecursionError):
        return None
    return _walk(document)


def _worth_a_closer_look(body: bytes) -> bool:
    # One-byte searches run at memchr speed; a backslash is rare in a body, so the
    # slower multi-byte searches for escapes mostly never run.
    if b"\\" in body and any(escape in body for escape in _ESCAPES):
        return True
    if any(constant in body for constant in _CONSTANTS):
        return True
    return _LONG_NUMBER in body.translate(_DIGITS_AS_ZERO)


def _refuse_constant(name: str) -> Any:
    raise _NonFinite(name)


def _walk(document: Any) -> UnsafeJson | None:
    # Iterative: a deeply nested body must not exhaust the interpreter's stack here.
    pending: list[tuple[Any, Location]] = [(document, ("body",))]
    while pending:
        value, loc = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                found = _string(key, loc)  # the parent: the key itself is not echoed
                if found is not None:
                    return found
                pending.append((item, (*loc, key)))
        elif isinstance(value, list):
            pending.extend((item, (*loc, index)) for index, item in enumerate(value))
        elif isinstance(value, str):
            found = _string(value, loc)
            if found is not None:
                return found
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if not INT64_MIN <= value <= INT64_MAX:
                return UnsafeJson("number-out-of-range", _RANGE, loc)
        elif isinstance(value, float) and not (math.isfinite(value) and abs(value) < 2.0**63):
            # No API field is a float; one this large could only become an int too big.
            return UnsafeJson("number-out-of-range", _RANGE, loc)
    return None


def _string(text: str, loc: Location) -> UnsafeJson | None:
    if text.isascii():
        return UnsafeJson("nul-character", _NUL, loc) if "\x00" in text else None
    if "\x00" in text:
        return UnsafeJson("nul-character", _NUL, loc)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return UnsafeJson("invalid-character", _SURROGATE, loc)
    return None

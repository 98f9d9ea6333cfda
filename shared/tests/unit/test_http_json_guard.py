"""What no JSON body may hold: NUL characters, lone surrogates, numbers beyond 64 bits."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gotong_platform.http.json_guard import INT64_MAX, INT64_MIN, find_unsafe_json

pytestmark = pytest.mark.unit


def raw(document: Any) -> bytes:
    return json.dumps(document).encode()


@pytest.mark.parametrize(("body", "code", "loc"), [
    (raw({"full_name": "Siti\x00Rahayu"}), "nul-character", ["body", "full_name"]),
    (raw({"lines": [{"reference": "ok"}, {"reference": "\x00"}]}), "nul-character",
     ["body", "lines", 1, "reference"]),
    (raw({"k\x00": 1}), "nul-character", ["body"]),
    (b'{"name": "\\ud800"}', "invalid-character", ["body", "name"]),
    (raw({"amount_idr": 2**63}), "number-out-of-range", ["body", "amount_idr"]),
    (raw({"amount_idr": -(2**63) - 1}), "number-out-of-range", ["body", "amount_idr"]),
    (raw({"payload": {"qty": 10**30}}), "number-out-of-range", ["body", "payload", "qty"]),
    (b'{"amount_idr": 9223372036854775808.0}', "number-out-of-range", ["body", "amount_idr"]),
    (b'{"amount_idr": NaN}', "number-out-of-range", []),
    (b'{"amount_idr": -Infinity}', "number-out-of-range", []),
], ids=["nul in a field", "nul in a list item", "nul in a key", "lone surrogate",
        "2^63", "below -2^63", "10^30 nested", "big float", "NaN", "-Infinity"])
def test_unsafe_values_are_found_with_where_but_not_what(body: bytes, code: str,
                                                         loc: list[Any]) -> None:
    unsafe = find_unsafe_json(body)
    assert unsafe is not None
    assert (unsafe.code, list(unsafe.loc)) == (code, loc)
    assert "Rahayu" not in unsafe.detail


@pytest.mark.parametrize("body", [
    b'{"name": "Siti\x00"}',
    json.dumps({"name": "Siti"}).encode("utf-16"),
    json.dumps({"name": "Siti"}).encode("utf-32"),
], ids=["raw zero byte", "utf-16", "utf-32"])
def test_a_zero_byte_anywhere_refuses_the_body(body: bytes) -> None:
    # UTF-16/32 JSON (which Python would parse) would hide \u0000 escapes from the scan.
    unsafe = find_unsafe_json(body)
    assert unsafe is not None
    assert unsafe.code == "nul-character"


@pytest.mark.parametrize("body", [
    raw({"amount_idr": INT64_MAX, "balance": INT64_MIN}),
    raw({"note": "a backslash then u0000: \\u0000"}),  # escaped backslash: no NUL
    raw({"name": "Ni Luh 😀 Ayu"}),  # a valid surrogate pair, escaped by json.dumps
    raw({"reference": "12345678901234567890123"}),  # 23 digits inside a string
    b'{"ratio": 9.2e18, "sku": "KOPI1E5"}',
    # Exponents are left to the fields (strict ints refuse them) and to the problem
    # handlers' overflow net: looking for them would parse every body holding a UUID.
    b'{"amount_idr": 1e19}',
    b"[" * 5000 + b"1e5" + b"]" * 5000,  # too deep to parse: the route's parser answers
    b'{"truncated": 99999999999999999999',  # not JSON: the route's parser answers
    b"",
], ids=["int64 bounds", "escaped backslash", "emoji", "long digit string", "small float",
        "exponent", "too deep", "malformed", "empty"])
def test_safe_or_unparseable_bodies_pass(body: bytes) -> None:
    assert find_unsafe_json(body) is None


json_values = st.recursive(
    st.none() | st.booleans()
    | st.integers(min_value=INT64_MIN, max_value=INT64_MAX)
    | st.floats(allow_nan=False, allow_infinity=False, min_value=-1e18, max_value=1e18)
    | st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(st.characters(blacklist_categories=["Cs"],
                                            blacklist_characters="\x00"), max_size=8),
                      children, max_size=4),
    max_leaves=20)


@given(document=json_values, ensure_ascii=st.booleans())
def test_every_storable_document_passes(document: Any, ensure_ascii: bool) -> None:
    assert find_unsafe_json(json.dumps(document, ensure_ascii=ensure_ascii).encode()) is None


@given(document=st.dictionaries(st.sampled_from(["a", "b", "c"]), json_values, max_size=3),
       bad=st.sampled_from(["\x00", 2**63, -(2**63) - 1, 10**40, "x\x00y"]),
       ensure_ascii=st.booleans())
def test_one_unsafe_value_anywhere_is_found(document: dict[str, Any], bad: Any,
                                            ensure_ascii: bool) -> None:
    body = json.dumps({"wrapper": [document, {"bad": bad}]}, ensure_ascii=ensure_ascii)
    unsafe = find_unsafe_json(body.encode())
    assert unsafe is not None
    assert unsafe.loc == ("body", "wrapper", 1, "bad")

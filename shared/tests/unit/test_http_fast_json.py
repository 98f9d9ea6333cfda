"""``FastJSONResponse`` renders exactly what Starlette's ``JSONResponse`` does, including
integers past 64 bits (a federation's sums of the largest amounts)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.responses import JSONResponse
from hypothesis import given
from hypothesis import strategies as st

from gotong_platform.http.fast_json import FastJSONResponse, dumps

pytestmark = pytest.mark.unit

# what a report holds: text (any Unicode, control characters included), integers of any
# size, booleans and nulls, in lists and objects
_SCALARS = st.one_of(st.none(), st.booleans(), st.text(max_size=20),
                     st.integers(min_value=-(2**80), max_value=2**80))
_JSON = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)),
    max_leaves=40)


@given(_JSON)
def test_the_bytes_are_those_of_json_response(content: Any) -> None:
    assert FastJSONResponse(content).body == JSONResponse(content).body


def test_an_integer_past_64_bits_is_rendered_not_refused() -> None:
    total = 1_000 * (2**63 - 1)
    assert dumps({"omzet_idr": total, "name": "Koperasi Sumber Rejeki"}) == (
        b'{"omzet_idr":' + str(total).encode() + b',"name":"Koperasi Sumber Rejeki"}')

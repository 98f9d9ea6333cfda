"""The processor's answers serialise exactly as ``SyncItemResult`` does."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gotong_platform.sync.models import SyncItemResult
from gotong_platform.sync.processor import _Answered

pytestmark = pytest.mark.unit

texts = st.text()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8)
results = st.dictionaries(texts, json_values, max_size=4)


@given(client_id=texts, device_seq=st.integers(min_value=1, max_value=2**63 - 1),
       status=st.sampled_from(["accepted", "duplicate", "rejected"]),
       code=st.none() | texts, detail=st.none() | texts, result=st.none() | results,
       as_text=st.booleans(), flags=st.lists(texts, max_size=3))
def test_an_answer_is_the_json_of_its_model(
    client_id: str, device_seq: int, status: str, code: str | None, detail: str | None,
    result: dict[str, object] | None, as_text: bool, flags: list[str],
) -> None:
    result_json = orjson.dumps(result).decode() if as_text and result is not None else None
    answer = _Answered(client_id, device_seq, status, code, detail,  # type: ignore[arg-type]
                       result_json, None if result_json else result, flags)
    model = answer.model()
    assert model == SyncItemResult(client_id=client_id, device_seq=device_seq,
                                   status=status, code=code,  # type: ignore[arg-type]
                                   detail=detail, result=result, flags=flags)
    assert orjson.dumps(answer.json_ready()) == model.model_dump_json().encode()

"""The rebuild derives the maintained tables a chunk of cooperatives at a time, by weight."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting.adapters.read_model.bulk import chunks

pytestmark = pytest.mark.unit

_coops = st.dictionaries(st.text("abcdef", min_size=1, max_size=4),
                         st.integers(0, 500), max_size=40)


@given(weights=_coops, limit=st.integers(1, 1_000), unweighed=st.sets(st.text("xyz", min_size=1,
                                                                               max_size=3)))
def test_chunks_cover_every_cooperative_once_in_order_within_the_limit(
        weights: dict[str, int], limit: int, unweighed: set[str]) -> None:
    cooperatives = set(weights) | unweighed
    out = chunks(cooperatives, weights, limit)
    assert [c for chunk in out for c in chunk] == sorted(cooperatives)
    assert all(chunk for chunk in out)

    def weight(chunk: list[str]) -> int:
        return sum(max(1, weights.get(c, 1)) for c in chunk)

    for n, chunk in enumerate(out):
        assert len(chunk) == 1 or weight(chunk) <= limit  # a heavy cooperative goes alone
        if n + 1 < len(out):  # greedy: the next one did not fit
            assert weight(chunk) + max(1, weights.get(out[n + 1][0], 1)) > limit


def test_a_chunk_per_limit_of_events() -> None:
    weights = {"a": 60_000, "b": 50_000, "c": 30_000, "d": 250_000, "e": 10}
    assert chunks(weights, weights, 100_000) == [["a"], ["b", "c"], ["d"], ["e"]]

"""The Subscriptions API's filter dialects, without I/O: laws of the evaluator checked
with hypothesis against a straightforward reference, and every malformed filter refused
with the rule it breaks."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partners.domain import (
    AllOf,
    AnyOf,
    Filter,
    InvalidFilter,
    Match,
    Not,
    Selector,
    UnsupportedFilterDialect,
    evaluate,
    filter_json,
    parse_filters,
    selects,
)

pytestmark = pytest.mark.unit

NAMES = ("type", "subject", "cooperativeid", "businessdate")
texts = st.text(alphabet="ab.-2", min_size=1, max_size=4)
events = st.fixed_dictionaries({}, optional={name: st.text(alphabet="ab.-2", max_size=6)
                                             for name in NAMES})
matches = st.builds(
    Match, st.sampled_from(("exact", "prefix", "suffix")),
    st.dictionaries(st.sampled_from(NAMES), texts, min_size=1, max_size=3).map(
        lambda d: tuple(sorted(d.items()))))
filters: st.SearchStrategy[Filter] = st.recursive(
    matches, lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda fs: AllOf(tuple(fs))),
        st.lists(inner, min_size=1, max_size=3).map(lambda fs: AnyOf(tuple(fs))),
        inner.map(Not)), max_leaves=8)


def reference(f: Filter, event: dict[str, str]) -> bool:
    """The spec's words, written out plainly."""
    if isinstance(f, Match):
        for name, wanted in f.attributes:
            if name not in event:
                return False
            actual = event[name]
            ok = {"exact": actual == wanted, "prefix": actual[:len(wanted)] == wanted,
                  "suffix": len(actual) >= len(wanted)
                  and actual[len(actual) - len(wanted):] == wanted}[f.dialect]
            if not ok:
                return False
        return True
    if isinstance(f, AllOf):
        return not [g for g in f.filters if not reference(g, event)]
    if isinstance(f, AnyOf):
        return bool([g for g in f.filters if reference(g, event)])
    return not reference(f.filter, event)


@given(f=filters, event=events)
def test_the_evaluator_agrees_with_the_reference(f: Filter, event: dict[str, str]) -> None:
    assert evaluate(f, event) == reference(f, event)


@given(f=filters, g=filters, event=events)
def test_the_laws_of_not_all_and_any(f: Filter, g: Filter, event: dict[str, str]) -> None:
    assert evaluate(Not(Not(f)), event) == evaluate(f, event)
    assert evaluate(AllOf((f,)), event) == evaluate(f, event)
    assert evaluate(AnyOf((f,)), event) == evaluate(f, event)
    # De Morgan: not(any) == all(not), not(all) == any(not)
    assert evaluate(Not(AnyOf((f, g))), event) == evaluate(AllOf((Not(f), Not(g))), event)
    assert evaluate(Not(AllOf((f, g))), event) == evaluate(AnyOf((Not(f), Not(g))), event)
    assert evaluate(AllOf((f, g)), event) <= evaluate(AnyOf((f, g)), event)


@given(f=filters, event=events)
def test_a_filter_parses_back_from_its_json_and_a_list_is_an_implicit_all(
    f: Filter, event: dict[str, str],
) -> None:
    (parsed,) = parse_filters([filter_json(f)])
    assert parsed == f
    both = parse_filters([filter_json(f), filter_json(Not(f))])
    assert selects(Selector(filters=both), event) is False  # f and not f: never
    assert selects(Selector(), event) is True  # no filter: everything


def test_the_attributes_are_read_as_sent() -> None:
    event = {"type": "gotong.partner.savings.SavingsMovement.v1", "position": 12,
             "businessdate": "2026-03-10", "data": {"amount_idr": 5}}
    (month,) = parse_filters([{"prefix": {"businessdate": "2026-03"}}])
    (position,) = parse_filters([{"exact": {"position": "12"}}])
    (suffix,) = parse_filters([{"suffix": {"type": ".v1"}}])
    (other,) = parse_filters([{"exact": {"subject": "x"}}])  # absent: matches nothing
    assert [evaluate(f, event) for f in (month, position, suffix, other)] == [
        True, True, True, False]
    assert evaluate(Not(other), event) is True
    assert selects(Selector(types=("gotong.partner.loans.LoanEvent.v1",)), event) is False
    assert selects(Selector(source="/gotong/partners"), event) is False  # no source in it


@pytest.mark.parametrize(("raw", "refusal", "words"), [
    ({"regex": {"type": "x"}}, UnsupportedFilterDialect, "unknown filter dialect"),
    ({"sql": "type = 'x'"}, UnsupportedFilterDialect, "CloudEvents SQL"),
    ({"all": []}, InvalidFilter, "non-empty list"),
    ({"any": {"exact": {"type": "x"}}}, InvalidFilter, "non-empty list"),
    ({"exact": {}}, InvalidFilter, "attribute names"),
    ({"exact": {"type": ""}}, InvalidFilter, "non-empty string"),
    ({"exact": {"type": 3}}, InvalidFilter, "non-empty string"),
    ({"prefix": {"data": "x"}}, InvalidFilter, "no attribute 'data'"),
    ({"exact": {"type": "x"}, "prefix": {"type": "y"}}, InvalidFilter, "exactly one key"),
    ("exact", InvalidFilter, "exactly one key"),
    ({"exact": {"type": "x" * 501}}, InvalidFilter, "at most 500"),
    ({"not": {"not": {"not": {"not": {"not": {"not": {"not": {"not": {"exact": {
        "type": "x"}}}}}}}}}}, InvalidFilter, "nest at most"),
])
def test_a_filter_that_cannot_be_used_is_refused_saying_why(
    raw: Any, refusal: type[Exception], words: str,
) -> None:
    with pytest.raises(refusal, match=words):
        parse_filters([raw])


def test_sizes_are_bounded() -> None:
    with pytest.raises(InvalidFilter, match="at most 20 filters"):
        parse_filters([{"exact": {"type": "x"}}] * 21)
    wide = {"any": [{"exact": {"type": str(n)}} for n in range(70)]}
    with pytest.raises(InvalidFilter, match="at most 64 expressions"):
        parse_filters([wide])

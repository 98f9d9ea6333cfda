"""What a consent covers: the window of business dates, the moment of the grant, history,
the revocation, the cooperative and the categories (hypothesis over every combination)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partners.domain import Category, Consent, Fact, covers

pytestmark = pytest.mark.unit

GRANTED = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31),
                        timezones=st.just(UTC))
categories = st.sampled_from(list(Category))


@st.composite
def consents(draw: st.DrawFn) -> Consent:
    start = draw(days)
    until = draw(st.none() | days.filter(lambda d: d >= start))
    granted = draw(instants)
    revoked = draw(st.none() | instants.filter(lambda t: t >= granted))
    return Consent(
        consent_id="consent-1", partner_id="partner-1", cooperative_id="cooperative-a",
        categories=tuple(draw(st.sets(categories, min_size=1))), from_date=start,
        include_history=draw(st.booleans()), until_date=until, granted_at=granted,
        granted_by="pengurus", revoked_at=revoked)


facts = st.builds(Fact, category=categories,
                  cooperative_id=st.sampled_from(["cooperative-a", "cooperative-b"]),
                  business_date=days, recorded_at=instants)


@given(consent=consents(), fact=facts)
def test_a_consent_covers_exactly_its_window_categories_and_cooperative(
    consent: Consent, fact: Fact,
) -> None:
    expected = (fact.category in consent.categories
                and fact.cooperative_id == consent.cooperative_id
                and consent.from_date <= fact.business_date
                and (consent.until_date is None or fact.business_date <= consent.until_date)
                and (consent.include_history or fact.recorded_at >= consent.granted_at)
                and (consent.revoked_at is None or fact.recorded_at < consent.revoked_at))
    assert covers(consent, fact) is expected


@given(consent=consents(), fact=facts)
def test_nothing_recorded_from_the_revocation_on_is_covered(consent: Consent, fact: Fact
                                                            ) -> None:
    revoked_at = max(consent.granted_at, fact.recorded_at - timedelta(microseconds=1))
    revoked = dataclasses.replace(consent, revoked_at=revoked_at)
    if fact.recorded_at >= revoked_at:
        assert not covers(revoked, fact)


@given(consent=consents(), fact=facts)
def test_including_history_only_adds_facts_recorded_before_the_grant(consent: Consent,
                                                                     fact: Fact) -> None:
    without = dataclasses.replace(consent, include_history=False)
    with_history = dataclasses.replace(consent, include_history=True)
    if covers(without, fact):
        assert covers(with_history, fact)
    if covers(with_history, fact) and not covers(without, fact):
        assert fact.recorded_at < consent.granted_at


@given(consent=consents(), fact=facts, later=st.integers(min_value=1, max_value=3650))
def test_narrowing_the_window_never_adds_a_fact(consent: Consent, fact: Fact, later: int
                                                ) -> None:
    start = consent.from_date + timedelta(days=later)
    narrowed = dataclasses.replace(consent, from_date=start, until_date=(
        None if consent.until_date is None else max(consent.until_date, start)))
    if covers(narrowed, fact) and narrowed.until_date == consent.until_date:
        assert covers(consent, fact)


def test_the_first_and_last_day_are_both_in_the_window() -> None:
    consent = Consent(
        consent_id="c", partner_id="p", cooperative_id="k", categories=(Category.SAVINGS,),
        from_date=date(2026, 1, 1), include_history=True, until_date=date(2026, 1, 31),
        granted_at=GRANTED, granted_by="u")

    def on(day: date) -> bool:
        return covers(consent, Fact(category=Category.SAVINGS, cooperative_id="k",
                                    business_date=day, recorded_at=GRANTED))

    assert [on(date(2025, 12, 31)), on(date(2026, 1, 1)), on(date(2026, 1, 31)),
            on(date(2026, 2, 1))] == [False, True, True, False]

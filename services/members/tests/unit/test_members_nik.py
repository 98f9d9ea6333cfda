"""NIK validation: the shape of the number and its agreement with the application."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from members_builders import a_nik

from gotong_platform.domain import DomainError
from members.domain import (
    Gender,
    InvalidNik,
    NikBirthDateMismatch,
    NikGenderMismatch,
    check_nik_matches,
    parse_nik,
)

pytestmark = pytest.mark.unit

BORN = date(1985, 2, 7)


def test_a_valid_nik_of_a_man_gives_his_birth_date_and_gender() -> None:
    facts = parse_nik("3204100702850001")

    assert facts.gender is Gender.LAKI_LAKI
    assert (facts.birth_day, facts.birth_month, facts.birth_year_2d) == (7, 2, 85)


def test_a_valid_nik_of_a_woman_has_forty_added_to_the_day() -> None:
    facts = parse_nik("3204104702850001")

    assert facts.gender is Gender.PEREMPUAN
    assert (facts.birth_day, facts.birth_month, facts.birth_year_2d) == (7, 2, 85)


@pytest.mark.parametrize("gender", list(Gender))
def test_a_nik_that_agrees_with_the_application_passes(gender: Gender) -> None:
    check_nik_matches(a_nik(birth_date=BORN, gender=gender), birth_date=BORN, gender=gender)


@pytest.mark.parametrize(
    ("nik", "part"),
    [
        ("320410070285001", "16 digits"),  # 15 digits
        ("32041007028500011", "16 digits"),  # 17 digits
        ("3204 10070285001", "16 digits"),
        ("32041007028500A1", "16 digits"),
        ("32041007028500٣1", "16 digits"),  # an Arabic-Indic digit: isdigit() but not ASCII
        ("", "16 digits"),
        ("1004100702850001", "province"),
        ("9704100702850001", "province"),
        ("0004100702850001", "province"),
        ("3204100002850001", "day"),
        ("3204103202850001", "day"),
        ("3204104002850001", "day"),  # 40: neither a man's day nor a woman's
        ("3204107202850001", "day"),  # 72 = 32 + 40
        ("3204100700850001", "month"),
        ("3204100713850001", "month"),
        ("3204100702850000", "sequence"),
    ],
)
def test_a_malformed_nik_is_refused_naming_the_bad_part(nik: str, part: str) -> None:
    with pytest.raises(InvalidNik) as caught:
        parse_nik(nik)

    assert part in caught.value.detail


def test_a_nik_of_a_woman_on_a_mans_application_is_refused() -> None:
    nik = a_nik(birth_date=BORN, gender=Gender.PEREMPUAN)

    with pytest.raises(NikGenderMismatch):
        check_nik_matches(nik, birth_date=BORN, gender=Gender.LAKI_LAKI)


def test_a_nik_of_a_man_on_a_womans_application_is_refused() -> None:
    nik = a_nik(birth_date=BORN, gender=Gender.LAKI_LAKI)

    with pytest.raises(NikGenderMismatch):
        check_nik_matches(nik, birth_date=BORN, gender=Gender.PEREMPUAN)


@pytest.mark.parametrize(
    ("stated", "part"),
    [
        (date(1985, 2, 8), "day"),
        (date(1985, 3, 7), "month"),
        (date(1986, 2, 7), "year"),
    ],
)
@pytest.mark.parametrize("gender", list(Gender))
def test_a_nik_with_another_birth_date_is_refused_naming_the_part(
    stated: date, part: str, gender: Gender
) -> None:
    nik = a_nik(birth_date=BORN, gender=gender)

    with pytest.raises(NikBirthDateMismatch) as caught:
        check_nik_matches(nik, birth_date=stated, gender=gender)

    assert f"{part} of birth" in caught.value.detail


def test_the_nik_records_the_year_without_its_century() -> None:
    born_2007 = date(2007, 2, 7)

    check_nik_matches(a_nik(birth_date=born_2007), birth_date=born_2007, gender=Gender.LAKI_LAKI)


@given(
    nik=st.text(alphabet="0123456789", min_size=16, max_size=16),
    birth_date=st.dates(),
    gender=st.sampled_from(Gender),
)
def test_no_refusal_ever_repeats_the_nik(nik: str, birth_date: date, gender: Gender) -> None:
    # UU PDP: the NIK is specific personal data; error texts reach logs and screens.
    assert nik not in _refusal_text(nik, birth_date, gender)


def _refusal_text(nik: str, birth_date: date, gender: Gender) -> str:
    try:
        check_nik_matches(nik, birth_date=birth_date, gender=gender)
    except DomainError as error:
        return f"{error.detail} {error!r}"
    return ""

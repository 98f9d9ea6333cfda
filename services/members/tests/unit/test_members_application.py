"""Applying for membership: who may apply, and what the application must say."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from members_builders import (
    APPLIED_ON,
    BIRTH_DATE,
    JOINED_ON,
    TODAY,
    a_cooperative,
    a_member,
    a_nik,
    an_application,
    apply,
    fold_member,
    new_id,
)

from gotong_platform.domain import event_payload
from gotong_testing.deciders import refused
from members.domain import (
    ApplicantTooYoung,
    CooperativeNotInFederation,
    DateInFuture,
    Gender,
    InvalidBirthDate,
    InvalidNik,
    InvalidVillageCode,
    MemberAlreadyExists,
    MemberApplied,
    MemberStatus,
    NikBirthDateMismatch,
    NikGenderMismatch,
    RequiredFieldMissing,
    TextTooLong,
    VillageOutsideRegency,
    apply_for_membership,
)

pytestmark = pytest.mark.unit


def apply_with(**overrides: Any) -> list[Any]:
    """Apply to a federation member cooperative with one detail of the form changed."""
    coop = a_cooperative()
    return list(apply(coop, an_application(coop.cooperative_id, **overrides)))


def test_an_application_records_the_applicant_without_the_nik() -> None:
    coop = a_cooperative()
    member_id = new_id("member")
    command = an_application(
        coop.cooperative_id, full_name="  Siti Aminah ", occupation=" pengrajin anyaman "
    )

    events = apply(coop, command, member_id=member_id, nik_hash="hmac-sha256:abc")

    assert events == [
        MemberApplied(
            member_id=member_id,
            cooperative_id=coop.cooperative_id,
            full_name="Siti Aminah",
            nik_hash="hmac-sha256:abc",
            gender=Gender.PEREMPUAN,
            birth_date=BIRTH_DATE,
            village_code=command.village_code,
            occupation="pengrajin anyaman",
            applied_on=APPLIED_ON,
        )
    ]
    assert command.nik not in repr(events) + str(event_payload(events[0]))


def test_an_applicant_starts_as_a_calon_anggota() -> None:
    member = fold_member(None, apply_with())

    assert member.status is MemberStatus.APPLIED
    assert member.status_since == APPLIED_ON
    assert member.member_no is None


def test_a_command_never_shows_the_nik_when_printed() -> None:
    command = an_application()

    assert command.nik not in repr(command)


@pytest.mark.parametrize("occupation", [None, "", "   "])
def test_the_occupation_may_be_left_out(occupation: str | None) -> None:
    (event,) = apply_with(occupation=occupation)

    assert event.occupation is None


def test_an_occupation_longer_than_100_characters_is_refused() -> None:
    apply_with(occupation="p" * 100)
    refused(TextTooLong, apply_with, occupation="p" * 101)


def test_applying_twice_under_one_id_is_refused() -> None:
    member = a_member(MemberStatus.APPLIED)
    coop = a_cooperative()

    refused(
        MemberAlreadyExists,
        apply_for_membership,
        member,
        an_application(coop.cooperative_id),
        member_id=member.member_id,
        cooperative=coop,
        nik_hash="hmac-sha256:abc",
        today=TODAY,
    )


@pytest.mark.parametrize("name", ["", "  "])
def test_an_applicant_needs_a_name(name: str) -> None:
    refused(RequiredFieldMissing, apply_with, full_name=name)


def test_a_name_longer_than_200_characters_is_refused() -> None:
    apply_with(full_name="A" * 200)
    refused(TextTooLong, apply_with, full_name="A" * 201)


def test_an_application_dated_after_today_is_refused() -> None:
    refused(DateInFuture, apply_with, applied_on=TODAY + timedelta(days=1))


def test_a_birth_date_after_the_application_is_refused() -> None:
    refused(InvalidBirthDate, apply_with, birth_date=APPLIED_ON + timedelta(days=1))


def test_an_applicant_under_17_is_refused() -> None:
    sixteen = date(APPLIED_ON.year - 17, APPLIED_ON.month, APPLIED_ON.day + 1)

    error = refused(ApplicantTooYoung, apply_with, birth_date=sixteen)

    assert "17 years" in error.detail


def test_an_applicant_may_apply_on_their_17th_birthday() -> None:
    seventeen_today = date(APPLIED_ON.year - 17, APPLIED_ON.month, APPLIED_ON.day)

    assert apply_with(birth_date=seventeen_today)


def test_a_cooperative_may_set_another_minimum_age() -> None:
    coop = a_cooperative()
    twenty = date(APPLIED_ON.year - 20, 1, 1)
    command = an_application(coop.cooperative_id, birth_date=twenty)

    assert apply(coop, command, min_age_years=17)
    refused(ApplicantTooYoung, apply, coop, command, min_age_years=21)


def test_a_malformed_nik_is_refused() -> None:
    refused(InvalidNik, apply_with, nik="12345")


def test_a_nik_of_the_other_gender_is_refused() -> None:
    mans_nik = a_nik(birth_date=BIRTH_DATE, gender=Gender.LAKI_LAKI)

    refused(NikGenderMismatch, apply_with, gender=Gender.PEREMPUAN, nik=mans_nik)


def test_a_nik_with_another_birth_date_is_refused() -> None:
    other_day = a_nik(birth_date=BIRTH_DATE + timedelta(days=1), gender=Gender.PEREMPUAN)

    refused(NikBirthDateMismatch, apply_with, nik=other_day)


@pytest.mark.parametrize("code", ["320410200", "32041020011", "3204-02001"])
def test_a_village_code_must_be_ten_digits(code: str) -> None:
    refused(InvalidVillageCode, apply_with, village_code=code)


def test_a_village_outside_the_cooperatives_regency_is_refused() -> None:
    refused(VillageOutsideRegency, apply_with, village_code="3273010001")


def test_a_cooperative_outside_the_federation_cannot_take_applications() -> None:
    coop = a_cooperative(left_on=date(2024, 12, 31))

    refused(CooperativeNotInFederation, apply, coop, an_application(coop.cooperative_id))


def test_an_application_dated_before_the_cooperative_joined_is_refused() -> None:
    coop = a_cooperative()
    command = an_application(coop.cooperative_id, applied_on=JOINED_ON - timedelta(days=1))

    refused(CooperativeNotInFederation, apply, coop, command)


def test_the_caller_must_pass_the_cooperative_the_command_names() -> None:
    coop = a_cooperative()

    with pytest.raises(ValueError, match="cooperative"):
        apply(coop, an_application("cooperative-other"))


def test_the_caller_must_pass_a_nik_hash() -> None:
    with pytest.raises(ValueError, match="nik_hash"):
        apply(a_cooperative(), nik_hash="")

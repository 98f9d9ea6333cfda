"""Cooperatives: registration and federation membership over time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from members_builders import (
    JOINED_ON,
    REGISTERED_ON,
    TODAY,
    a_cooperative,
    a_registered_cooperative,
    a_registration,
    fold_cooperative,
    new_id,
)

from gotong_platform.domain import DomainError
from gotong_testing.deciders import refused
from members.domain import (
    AlreadyInFederation,
    CooperativeAlreadyRegistered,
    CooperativeJoinedFederation,
    CooperativeLeftFederation,
    CooperativeNotFound,
    CooperativeNotInFederation,
    CooperativeRegistered,
    CoopType,
    DateInFuture,
    DateOutOfOrder,
    InvalidFiscalYearStartMonth,
    InvalidProvinceCode,
    InvalidRegencyCode,
    JoinFederation,
    LeaveFederation,
    Loop,
    RequiredFieldMissing,
    TextTooLong,
    TimeZone,
    join_federation,
    leave_federation,
    register_cooperative,
    replay_cooperative,
)

pytestmark = pytest.mark.unit

LEFT_ON = date(2023, 12, 31)


def register(**overrides: object) -> list[object]:
    command = a_registration(**overrides)
    return list(
        register_cooperative(None, command, cooperative_id=new_id("cooperative"), today=TODAY)
    )


# --- registration ----------------------------------------------------------------


def test_registering_records_every_detail_with_names_trimmed() -> None:
    cooperative_id = new_id("cooperative")
    command = a_registration(
        name="  Koperasi Nelayan Bahari  ",
        coop_type=CoopType.PRODUCER,
        province_code="73",
        regency_code="7371",
        time_zone=TimeZone.WITA,
        fiscal_year_start_month=7,
        loop=Loop.OPEN,
    )

    events = register_cooperative(None, command, cooperative_id=cooperative_id, today=TODAY)

    assert events == [
        CooperativeRegistered(
            cooperative_id=cooperative_id,
            name="Koperasi Nelayan Bahari",
            legal_registration_number=command.legal_registration_number,
            coop_type=CoopType.PRODUCER,
            province_code="73",
            regency_code="7371",
            time_zone=TimeZone.WITA,
            fiscal_year_start_month=7,
            loop=Loop.OPEN,
            registered_on=REGISTERED_ON,
        )
    ]


def test_a_cooperative_is_closed_loop_unless_told_otherwise() -> None:
    assert a_registered_cooperative().loop is Loop.CLOSED


def test_a_registered_cooperative_is_not_yet_in_the_federation() -> None:
    assert not a_registered_cooperative().is_federation_member(TODAY)


def test_registering_twice_is_refused() -> None:
    coop = a_registered_cooperative()

    refused(
        CooperativeAlreadyRegistered,
        register_cooperative,
        coop,
        a_registration(),
        cooperative_id=coop.cooperative_id,
        today=TODAY,
    )


@pytest.mark.parametrize("name", ["", "   "])
def test_a_cooperative_needs_a_name(name: str) -> None:
    refused(RequiredFieldMissing, register, name=name)


def test_a_name_longer_than_200_characters_is_refused() -> None:
    register(name="K" * 200)
    refused(TextTooLong, register, name="K" * 201)


def test_a_cooperative_needs_its_legal_registration_number() -> None:
    refused(RequiredFieldMissing, register, legal_registration_number=" ")


def test_a_legal_registration_number_longer_than_100_characters_is_refused() -> None:
    register(legal_registration_number="9" * 100)
    refused(TextTooLong, register, legal_registration_number="9" * 101)


@pytest.mark.parametrize("code", ["10", "97", "3", "032", "ab", "٣٢"])
def test_a_province_code_outside_11_to_94_is_refused(code: str) -> None:
    refused(InvalidProvinceCode, register, province_code=code)


@pytest.mark.parametrize("code", ["11", "94", "96"])
def test_the_first_and_last_province_codes_are_accepted(code: str) -> None:
    register(province_code=code, regency_code=f"{code}01")


@pytest.mark.parametrize("code", ["320", "32041", "32a4", ""])
def test_a_regency_code_must_be_four_digits(code: str) -> None:
    refused(InvalidRegencyCode, register, regency_code=code)


def test_a_regency_code_must_lie_in_the_province() -> None:
    error = refused(InvalidRegencyCode, register, province_code="32", regency_code="3304")

    assert "province 32" in error.detail


@pytest.mark.parametrize("month", [0, 13])
def test_the_fiscal_year_must_start_in_a_real_month(month: int) -> None:
    refused(InvalidFiscalYearStartMonth, register, fiscal_year_start_month=month)


def test_a_registration_date_after_today_is_refused() -> None:
    register(registered_on=TODAY)
    refused(DateInFuture, register, registered_on=TODAY + timedelta(days=1))


# --- joining the federation ----------------------------------------------------


def test_joining_makes_the_cooperative_a_member_from_the_effective_date() -> None:
    coop = a_registered_cooperative()

    events = join_federation(coop, JoinFederation(effective_date=JOINED_ON), today=TODAY)

    assert events == [
        CooperativeJoinedFederation(cooperative_id=coop.cooperative_id, effective_date=JOINED_ON)
    ]
    joined = fold_cooperative(coop, events)
    assert not joined.is_federation_member(JOINED_ON - timedelta(days=1))
    assert joined.is_federation_member(JOINED_ON)
    assert joined.is_federation_member(TODAY)


def test_an_unknown_cooperative_cannot_join() -> None:
    refused(
        CooperativeNotFound,
        join_federation,
        None,
        JoinFederation(effective_date=JOINED_ON),
        today=TODAY,
    )


def test_a_member_cooperative_cannot_join_again() -> None:
    coop = a_cooperative()

    refused(
        AlreadyInFederation,
        join_federation,
        coop,
        JoinFederation(effective_date=TODAY),
        today=TODAY,
    )


def test_joining_before_registration_is_refused() -> None:
    coop = a_registered_cooperative()
    before = JoinFederation(effective_date=REGISTERED_ON - timedelta(days=1))

    refused(DateOutOfOrder, join_federation, coop, before, today=TODAY)


def test_joining_after_today_is_refused() -> None:
    coop = a_registered_cooperative()
    tomorrow = JoinFederation(effective_date=TODAY + timedelta(days=1))

    refused(DateInFuture, join_federation, coop, tomorrow, today=TODAY)


def test_rejoining_before_the_day_the_cooperative_left_is_refused() -> None:
    coop = a_cooperative(left_on=LEFT_ON)
    before = JoinFederation(effective_date=LEFT_ON - timedelta(days=1))

    refused(DateOutOfOrder, join_federation, coop, before, today=TODAY)


def test_a_cooperative_that_left_may_rejoin_later() -> None:
    coop = a_cooperative(left_on=LEFT_ON)
    rejoined_on = date(2024, 7, 1)

    coop = fold_cooperative(
        coop, join_federation(coop, JoinFederation(effective_date=rejoined_on), today=TODAY)
    )

    assert coop.is_federation_member(JOINED_ON)
    assert not coop.is_federation_member(LEFT_ON)
    assert not coop.is_federation_member(rejoined_on - timedelta(days=1))
    assert coop.is_federation_member(rejoined_on)


# --- leaving the federation ----------------------------------------------------


def test_leaving_ends_membership_on_the_effective_date() -> None:
    coop = a_cooperative()
    command = LeaveFederation(effective_date=LEFT_ON, reason="  Dibubarkan oleh RAT  ")

    events = leave_federation(coop, command, today=TODAY)

    assert events == [
        CooperativeLeftFederation(
            cooperative_id=coop.cooperative_id, effective_date=LEFT_ON, reason="Dibubarkan oleh RAT"
        )
    ]
    left = fold_cooperative(coop, events)
    assert left.is_federation_member(LEFT_ON - timedelta(days=1))
    assert not left.is_federation_member(LEFT_ON)
    assert not left.is_federation_member(TODAY)


def test_an_unknown_cooperative_cannot_leave() -> None:
    command = LeaveFederation(effective_date=LEFT_ON, reason="Pindah federasi")

    refused(CooperativeNotFound, leave_federation, None, command, today=TODAY)


def test_a_cooperative_outside_the_federation_cannot_leave_it() -> None:
    command = LeaveFederation(effective_date=TODAY, reason="Pindah federasi")

    refused(
        CooperativeNotInFederation,
        leave_federation,
        a_registered_cooperative(),
        command,
        today=TODAY,
    )
    refused(
        CooperativeNotInFederation,
        leave_federation,
        a_cooperative(left_on=LEFT_ON),
        command,
        today=TODAY,
    )


def test_leaving_before_joining_is_refused() -> None:
    command = LeaveFederation(
        effective_date=JOINED_ON - timedelta(days=1), reason="Pindah federasi"
    )

    refused(DateOutOfOrder, leave_federation, a_cooperative(), command, today=TODAY)


def test_leaving_on_the_day_of_joining_is_allowed() -> None:
    command = LeaveFederation(effective_date=JOINED_ON, reason="Salah input")

    assert leave_federation(a_cooperative(), command, today=TODAY)


def test_leaving_after_today_is_refused() -> None:
    command = LeaveFederation(effective_date=TODAY + timedelta(days=1), reason="Pindah federasi")

    refused(DateInFuture, leave_federation, a_cooperative(), command, today=TODAY)


@pytest.mark.parametrize(
    ("reason", "error"), [(" ", RequiredFieldMissing), ("x" * 501, TextTooLong)]
)
def test_leaving_needs_a_reason_of_at_most_500_characters(
    reason: str, error: type[DomainError]
) -> None:
    command = LeaveFederation(effective_date=TODAY, reason=reason)

    refused(error, leave_federation, a_cooperative(), command, today=TODAY)


# --- replay --------------------------------------------------------------------


def test_replaying_a_stream_gives_the_state_and_an_empty_stream_none() -> None:
    coop = a_registered_cooperative()
    joined = join_federation(coop, JoinFederation(effective_date=JOINED_ON), today=TODAY)
    registered = register_cooperative(
        None, a_registration(), cooperative_id=coop.cooperative_id, today=TODAY
    )

    assert replay_cooperative([*registered, *joined]) == fold_cooperative(coop, joined)
    assert replay_cooperative([]) is None

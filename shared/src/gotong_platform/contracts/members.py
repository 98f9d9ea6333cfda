"""Published events of the members service (topic ``gotong.members.events``).

Personal data stays home (UU PDP 27/2022, handbook invariant 8): no NIK, no NIK
hash, no name, no exact birth date. ``member_id`` is an opaque id; gender,
village code and an age band are what the dinas and partners need.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from gotong_platform.contracts.base import EventContract, register

__all__ = [
    "AgeBand",
    "CooperativeJoinedFederationV1",
    "CooperativeLeftFederationV1",
    "CooperativeRegisteredV1",
    "MemberAdmittedV1",
    "MemberApplicationRejectedV1",
    "MemberAppliedV1",
    "MemberExitedV1",
    "MemberReinstatedV1",
    "MemberSuspendedV1",
    "age_band",
]

MEMBERS_TOPIC = "gotong.members.events"
CoopType = Literal["savings_and_loan", "multi_purpose", "consumer", "producer", "marketing"]
TimeZone = Literal["WIB", "WITA", "WIT"]
Gender = Literal["L", "P"]
AgeBand = Literal["17-25", "26-35", "36-45", "46-55", "56-65", "66+"]
ExitReason = Literal["resigned", "deceased", "expelled", "moved_away", "other"]


def age_band(birth_date: date, on: date) -> AgeBand:
    years = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    for upper, band in ((25, "17-25"), (35, "26-35"), (45, "36-45"), (55, "46-55"),
                        (65, "56-65")):
        if years <= upper:
            return band  # type: ignore[return-value]
    return "66+"


class _Members(EventContract):
    source: ClassVar[str] = "members"
    cooperative_id: str = Field(examples=["cooperative-0190f3c2-7a1b-7c3d-8e4f-5a6b7c8d9e0f"])


@register
class CooperativeRegisteredV1(_Members):
    event_type: ClassVar[str] = "CooperativeRegistered"
    name: str
    legal_registration_number: str
    coop_type: CoopType
    province_code: str = Field(pattern=r"^\d{2}$", examples=["53"])
    regency_code: str = Field(pattern=r"^\d{4}$", examples=["5312"])
    time_zone: TimeZone
    fiscal_year_start_month: int = Field(ge=1, le=12)
    loop: Literal["closed", "open"]
    registered_on: date


@register
class CooperativeJoinedFederationV1(_Members):
    event_type: ClassVar[str] = "CooperativeJoinedFederation"
    effective_date: date


@register
class CooperativeLeftFederationV1(_Members):
    event_type: ClassVar[str] = "CooperativeLeftFederation"
    effective_date: date
    reason: str


@register
class MemberAppliedV1(_Members):
    event_type: ClassVar[str] = "MemberApplied"
    member_id: str
    gender: Gender
    age_band: AgeBand
    village_code: str = Field(pattern=r"^\d{10}$")
    applied_on: date


@register
class MemberAdmittedV1(_Members):
    event_type: ClassVar[str] = "MemberAdmitted"
    member_id: str
    member_no: str
    gender: Gender
    village_code: str = Field(pattern=r"^\d{10}$")
    admitted_on: date


@register
class MemberApplicationRejectedV1(_Members):
    event_type: ClassVar[str] = "MemberApplicationRejected"
    member_id: str
    rejected_on: date


@register
class MemberSuspendedV1(_Members):
    event_type: ClassVar[str] = "MemberSuspended"
    member_id: str
    suspended_on: date


@register
class MemberReinstatedV1(_Members):
    event_type: ClassVar[str] = "MemberReinstated"
    member_id: str
    reinstated_on: date


@register
class MemberExitedV1(_Members):
    event_type: ClassVar[str] = "MemberExited"
    member_id: str
    exited_on: date
    reason: ExitReason

"""Domain events of the members service: facts, named in the past tense.

Two streams: ``cooperative-<uuid>`` (a cooperative and its federation membership)
and ``member-<uuid>`` (one anggota of one cooperative). The id fields hold the
stream id itself, as made by ``gotong_platform.ids.new_id``. Every event names its
cooperative (the tenant). The stored payload is ``gotong_platform.domain.event_payload``;
``members.domain.codec`` turns it back into an event.

These are internal events: ``MemberApplied`` carries ``nik_hash`` (for duplicate
checks), never the NIK. What is published to partners is a separate contract.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.domain import DomainEvent
from members.domain.values import CoopType, ExitReason, Gender, Loop, TimeZone

__all__ = [
    "CooperativeEvent",
    "CooperativeJoinedFederation",
    "CooperativeLeftFederation",
    "CooperativeRegistered",
    "MemberAdmitted",
    "MemberApplicationRejected",
    "MemberApplied",
    "MemberEvent",
    "MemberExited",
    "MemberReinstated",
    "MemberSuspended",
]

# --- cooperative stream --------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class CooperativeRegistered(DomainEvent):
    """A cooperative (koperasi) was registered with the platform."""

    event_type = "CooperativeRegistered"
    schema_version = 1

    cooperative_id: str
    name: str
    legal_registration_number: str  # nomor badan hukum
    coop_type: CoopType
    province_code: str
    regency_code: str
    time_zone: TimeZone
    fiscal_year_start_month: int
    loop: Loop
    registered_on: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class CooperativeJoinedFederation(DomainEvent):
    """The cooperative became a member of the federation from ``effective_date``."""

    event_type = "CooperativeJoinedFederation"
    schema_version = 1

    cooperative_id: str
    effective_date: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class CooperativeLeftFederation(DomainEvent):
    """The cooperative stopped being a member of the federation on ``effective_date``."""

    event_type = "CooperativeLeftFederation"
    schema_version = 1

    cooperative_id: str
    effective_date: date
    reason: str


# --- member stream -------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberApplied(DomainEvent):
    """A person applied to become a member (calon anggota) of a cooperative."""

    event_type = "MemberApplied"
    schema_version = 1

    member_id: str
    cooperative_id: str
    full_name: str
    nik_hash: str  # keyed hash of the NIK, computed outside the domain; never the NIK
    gender: Gender
    birth_date: date
    village_code: str
    occupation: str | None
    applied_on: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberAdmitted(DomainEvent):
    """The application was accepted: the person is now an anggota with a member number."""

    event_type = "MemberAdmitted"
    schema_version = 1

    member_id: str
    cooperative_id: str
    member_no: str
    admitted_on: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberApplicationRejected(DomainEvent):
    """The application was refused."""

    event_type = "MemberApplicationRejected"
    schema_version = 1

    member_id: str
    cooperative_id: str
    rejected_on: date
    reason: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberSuspended(DomainEvent):
    """The member's rights were put on hold."""

    event_type = "MemberSuspended"
    schema_version = 1

    member_id: str
    cooperative_id: str
    suspended_on: date
    reason: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberReinstated(DomainEvent):
    """A suspended member was made active again."""

    event_type = "MemberReinstated"
    schema_version = 1

    member_id: str
    cooperative_id: str
    reinstated_on: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberExited(DomainEvent):
    """The membership ended (resignation, death, expulsion, moving away)."""

    event_type = "MemberExited"
    schema_version = 1

    member_id: str
    cooperative_id: str
    exited_on: date
    reason: ExitReason
    note: str | None


CooperativeEvent = CooperativeRegistered | CooperativeJoinedFederation | CooperativeLeftFederation

MemberEvent = (
    MemberApplied
    | MemberAdmitted
    | MemberApplicationRejected
    | MemberSuspended
    | MemberReinstated
    | MemberExited
)

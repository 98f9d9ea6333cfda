"""Commands of the members domain: what a clerk (or a job) asks for, in the imperative.

Commands carry the form as typed; the deciders in ``cooperative`` and ``member`` clean
and check it. Ids and the business date are passed to the decider separately. A date
the form leaves out (None) is that business date: the cooperative's ``today``.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from members.domain.values import CoopType, ExitReason, Gender, Loop, TimeZone

__all__ = [
    "AdmitMember",
    "ApplyForMembership",
    "ExitMember",
    "JoinFederation",
    "LeaveFederation",
    "RegisterCooperative",
    "ReinstateMember",
    "RejectApplication",
    "SuspendMember",
]


# --- cooperative ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class RegisterCooperative:
    name: str
    legal_registration_number: str  # nomor badan hukum
    coop_type: CoopType
    province_code: str
    regency_code: str
    time_zone: TimeZone
    fiscal_year_start_month: int
    registered_on: date | None = None
    loop: Loop = Loop.CLOSED


@dataclasses.dataclass(frozen=True, kw_only=True)
class JoinFederation:
    effective_date: date | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class LeaveFederation:
    effective_date: date | None = None
    reason: str


# --- member --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class ApplyForMembership:
    cooperative_id: str
    full_name: str
    # Personal data (UU PDP): kept out of repr so a logged command does not leak it.
    nik: str = dataclasses.field(repr=False)
    gender: Gender
    birth_date: date
    village_code: str  # Kemendagri desa/kelurahan code, 10 digits
    applied_on: date | None = None
    occupation: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class AdmitMember:
    admitted_on: date | None = None
    member_no: str  # the cooperative's own number sequence, assigned by the caller


@dataclasses.dataclass(frozen=True, kw_only=True)
class RejectApplication:
    rejected_on: date | None = None
    reason: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class SuspendMember:
    suspended_on: date | None = None
    reason: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReinstateMember:
    reinstated_on: date | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class ExitMember:
    exited_on: date | None = None
    reason: ExitReason
    note: str | None = None

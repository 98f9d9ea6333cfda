"""API request and response models (separate from domain events and contracts)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from members.domain import Cooperative, Member

CoopTypeIn = Literal["savings_and_loan", "multi_purpose", "consumer", "producer", "marketing"]


class _In(BaseModel):
    # Unknown fields are refused: a client cannot slip in e.g. a status or a
    # member number (mass assignment).
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegisterCooperativeIn(_In):
    name: str = Field(max_length=200, examples=["Koperasi Tani Makmur Sumba"])
    legal_registration_number: str = Field(max_length=100,
                                           examples=["AHU-0001234.AH.01.26.TAHUN 2019"])
    coop_type: CoopTypeIn = Field(examples=["producer"])
    province_code: str = Field(examples=["53"], description="Kemendagri province code")
    regency_code: str = Field(examples=["5312"], description="Kemendagri regency code")
    time_zone: Literal["WIB", "WITA", "WIT"] = Field(examples=["WITA"])
    fiscal_year_start_month: int = Field(default=1, examples=[1])
    loop: Literal["closed", "open"] = Field(
        default="closed", description="closed: serves members only (the default)")
    registered_on: date | None = Field(default=None, description="defaults to today")


class FederationChangeIn(_In):
    effective_date: date | None = Field(default=None, description="defaults to today")
    reason: str | None = Field(default=None, max_length=500, examples=["merged"])


class CooperativeOut(BaseModel):
    cooperative_id: str
    name: str
    legal_registration_number: str
    coop_type: str
    province_code: str
    regency_code: str
    time_zone: str
    fiscal_year_start_month: int
    loop: str
    registered_on: date
    in_federation: bool
    joined_on: date | None
    left_on: date | None
    version: int

    @classmethod
    def of(cls, c: Cooperative, version: int) -> CooperativeOut:
        period = c.current_period
        return cls(
            cooperative_id=c.cooperative_id, name=c.name,
            legal_registration_number=c.legal_registration_number, coop_type=c.coop_type.value,
            province_code=c.province_code, regency_code=c.regency_code,
            time_zone=c.time_zone.value, fiscal_year_start_month=c.fiscal_year_start_month,
            loop=c.loop.value, registered_on=c.registered_on, in_federation=period is not None,
            joined_on=period.joined_on if period else None, left_on=c.last_left_on,
            version=version,
        )


class ApplyIn(_In):
    full_name: str = Field(max_length=200, examples=["Maria Ndapa"])
    nik: str = Field(description="16-digit NIK from the KTP; stored encrypted, never returned",
                     examples=["5312014503900001"])
    gender: Literal["L", "P"] = Field(examples=["P"])
    birth_date: date = Field(examples=["1990-03-05"])
    village_code: str = Field(description="10-digit Kemendagri village (desa) code",
                              examples=["5312010001"])
    occupation: str | None = Field(default=None, max_length=100, examples=["petani kopi"])
    applied_on: date | None = Field(default=None, description="defaults to today")


class AdmitIn(_In):
    admitted_on: date | None = None


class RejectIn(_In):
    reason: str = Field(max_length=500, examples=["incomplete documents"])
    rejected_on: date | None = None


class SuspendIn(_In):
    reason: str = Field(max_length=500, examples=["simpanan wajib unpaid for 6 months"])
    suspended_on: date | None = None


class ReinstateIn(_In):
    reinstated_on: date | None = None


class ExitIn(_In):
    reason: Literal["resigned", "deceased", "expelled", "moved_away", "other"]
    note: str | None = Field(default=None, max_length=500)
    exited_on: date | None = None


class MemberOut(BaseModel):
    """A member as the cooperative's staff see it. The NIK is never returned."""

    member_id: str
    cooperative_id: str
    member_no: str | None
    full_name: str | None = None
    status: str
    status_since: date
    gender: str
    village_code: str
    applied_on: date
    admitted_on: date | None
    version: int

    @classmethod
    def of(cls, m: Member, version: int, full_name: str | None = None) -> MemberOut:
        return cls(
            member_id=m.member_id, cooperative_id=m.cooperative_id, member_no=m.member_no,
            full_name=full_name, status=m.status.value, status_since=m.status_since,
            gender=m.gender.value, village_code=m.village_code, applied_on=m.applied_on,
            admitted_on=m.admitted_on, version=version,
        )


class MemberList(BaseModel):
    items: list[MemberOut]
    next_cursor: str | None = Field(default=None, description="pass as ?after= for more")


# --- a member's phone and her sign-in --------------------------------------------------


class PhoneIn(_In):
    phone: str = Field(max_length=40, examples=["0812 3456 7890"],
                       description="an Indonesian mobile number, in any usual form")


class PhoneOut(BaseModel):
    member_id: str
    phone_ends_with: str = Field(examples=["7890"], description="the number's last 4 digits")


class CodeRequestIn(_In):
    phone: str = Field(max_length=40, examples=["0812 3456 7890"])


class CodeRequestOut(BaseModel):
    """The same answer for every phone, known or not: the form reveals no member."""

    expires_in_s: int = Field(examples=[300])
    resend_after_s: int = Field(examples=[60])


class CodeExchangeIn(_In):
    phone: str = Field(max_length=40, examples=["0812 3456 7890"])
    code: str = Field(pattern=r"^[0-9]{6}$", examples=["042917"])


class MembershipOut(BaseModel):
    member_id: str
    cooperative_id: str
    cooperative_name: str
    member_no: str | None
    full_name: str
    status: Literal["admitted", "suspended", "exited"]
    token: str = Field(description="a bearer token of role member for this membership")
    expires_at: int = Field(description="when the token expires (Unix seconds)")


class SignInOut(BaseModel):
    memberships: list[MembershipOut]

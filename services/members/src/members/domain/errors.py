"""Why the members domain refuses a command: one class per broken rule.

The base class sets the HTTP kind (``InvalidInput`` → 422, ``RuleViolated`` → 409,
``NotFound`` → 404); ``code`` is the stable slug a client switches on; the detail
is a sentence for the clerk. A detail never contains a NIK: under UU PDP 27/2022
it is specific personal data, and error texts end up in logs and on screens.

The rules it shares with the other services (a required or too long text, dates in
order) are the platform's (``gotong_platform.checks``), re-exported here.
"""

from __future__ import annotations

from gotong_platform.calendar import BusinessDateOutOfRange
from gotong_platform.checks import DateOutOfOrder, RequiredFieldMissing, TextTooLong
from gotong_platform.domain import InvalidInput, NotFound, RuleViolated

__all__ = [
    "AlreadyInFederation",
    "ApplicantTooYoung",
    "ApplicationNotPending",
    "CooperativeAlreadyRegistered",
    "CooperativeNotFound",
    "CooperativeNotInFederation",
    "DateInFuture",
    "DateOutOfOrder",
    "DuplicateLegalRegistration",
    "DuplicateNik",
    "EventSequenceError",
    "InvalidBirthDate",
    "InvalidFiscalYearStartMonth",
    "InvalidNik",
    "InvalidProvinceCode",
    "InvalidRegencyCode",
    "InvalidVillageCode",
    "MemberAlreadyExists",
    "MemberNotActive",
    "MemberNotFound",
    "MemberNotSuspended",
    "NikBirthDateMismatch",
    "NikGenderMismatch",
    "NotAMember",
    "RequiredFieldMissing",
    "TextTooLong",
    "VillageOutsideRegency",
]


# --- the command's own values are wrong (422) ---------------------------------


# A business date after the cooperative's today, or before 1900: the platform's one rule
# for business dates (``gotong_platform.calendar.check_business_date``), one code for it.
DateInFuture = BusinessDateOutOfRange


class InvalidProvinceCode(InvalidInput):
    """A province code is not two digits between 11 and 94 (Kemendagri)."""

    code = "invalid-province-code"


class InvalidRegencyCode(InvalidInput):
    """A regency (kabupaten/kota) code is not four digits inside its province."""

    code = "invalid-regency-code"


class InvalidVillageCode(InvalidInput):
    """A village (desa/kelurahan) code is not ten digits."""

    code = "invalid-village-code"


class InvalidFiscalYearStartMonth(InvalidInput):
    """The fiscal year must start in a month 1..12."""

    code = "invalid-fiscal-year-start-month"


class InvalidNik(InvalidInput):
    """The NIK (16-digit KTP number) is malformed; the detail names the part."""

    code = "invalid-nik"


class NikGenderMismatch(InvalidInput):
    """The NIK encodes the other gender (women have 40 added to the day of birth)."""

    code = "nik-gender-mismatch"


class NikBirthDateMismatch(InvalidInput):
    """The birth date in the NIK differs from the stated birth date; the detail names the part."""

    code = "nik-birth-date-mismatch"


class InvalidBirthDate(InvalidInput):
    """The birth date lies after the application date."""

    code = "invalid-birth-date"


class ApplicantTooYoung(InvalidInput):
    """The applicant is younger than the minimum age on the application date."""

    code = "applicant-too-young"


# --- the current state forbids the command (409) -----------------------------


class CooperativeAlreadyRegistered(RuleViolated):
    """The cooperative is already registered."""

    code = "cooperative-already-registered"


class AlreadyInFederation(RuleViolated):
    """The cooperative is already a member of the federation."""

    code = "already-in-federation"


class CooperativeNotInFederation(RuleViolated):
    """The cooperative is not a member of the federation on the date that matters."""

    code = "cooperative-not-in-federation"


class VillageOutsideRegency(RuleViolated):
    """The member's village lies outside the cooperative's regency."""

    code = "village-outside-regency"


class MemberAlreadyExists(RuleViolated):
    """An application was already recorded under this member id."""

    code = "member-already-exists"


class ApplicationNotPending(RuleViolated):
    """Only a pending application can be admitted or rejected."""

    code = "application-not-pending"


class MemberNotActive(RuleViolated):
    """Only an active (admitted, not suspended) member can be suspended."""

    code = "member-not-active"


class MemberNotSuspended(RuleViolated):
    """Only a suspended member can be reinstated."""

    code = "member-not-suspended"


class NotAMember(RuleViolated):
    """Only an admitted or suspended member can leave the cooperative."""

    code = "not-a-member"


# Uniqueness across streams: no decider sees more than one stream, so these two are
# found by the store's unique indexes (and, for the legal number, a check before).


class DuplicateNik(RuleViolated):
    """Someone with this NIK already has an open application or membership here."""

    code = "duplicate-nik"


class DuplicateLegalRegistration(RuleViolated):
    """Another cooperative is registered under this legal registration number."""

    code = "duplicate-legal-registration"


# --- the thing named does not exist (404) -------------------------------------


class CooperativeNotFound(NotFound):
    """No cooperative is registered under this id."""

    code = "cooperative-not-found"


class MemberNotFound(NotFound):
    """No membership application is recorded under this id."""

    code = "member-not-found"


# --- not a clerk's mistake -----------------------------------------------------


class EventSequenceError(ValueError):
    """A stored stream cannot be folded (e.g. it does not start with its creation event).

    This is corrupt data or a programming error, never a refused command, so it
    is deliberately not a ``DomainError``: the edge must answer 500, not 4xx.
    """

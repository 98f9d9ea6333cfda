"""NIK (Nomor Induk Kependudukan): the 16-digit national id on the KTP.

Layout, digit positions counted from 1::

    PP RR DD dd mm yy SSSS
    |  |  |  |  |  |  sequence number, never 0000
    |  |  |  |  |  two-digit year of birth
    |  |  |  |  month of birth, 01..12
    |  |  |  day of birth, plus 40 for women (01..31 men, 41..71 women)
    |  |  district (kecamatan) of registration
    |  regency (kabupaten/kota) of registration
    province of registration, 11..96

The NIK is specific personal data under UU PDP 27/2022: this module checks it and
forgets it. Nothing here stores it, returns it whole, or writes it into an error.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from members.domain.errors import InvalidNik, NikBirthDateMismatch, NikGenderMismatch
from members.domain.region import PROVINCE_CODE_RANGE, is_province_code
from members.domain.values import Gender

__all__ = ["NikFacts", "check_nik_matches", "parse_nik"]

_FEMALE_DAY_OFFSET = 40


@dataclasses.dataclass(frozen=True, kw_only=True)
class NikFacts:
    """What a well-formed NIK says about its holder."""

    gender: Gender
    birth_day: int
    birth_month: int
    birth_year_2d: int  # the year modulo 100: the NIK does not say the century


def parse_nik(nik: str) -> NikFacts:
    """The facts a NIK encodes, or ``InvalidNik`` naming the malformed part."""
    if not (len(nik) == 16 and nik.isascii() and nik.isdigit()):
        raise InvalidNik("The NIK must be exactly 16 digits.")
    if not is_province_code(nik[0:2]):
        raise InvalidNik(
            "The province code in the NIK (digits 1-2) must be from "
            f"{PROVINCE_CODE_RANGE.start} to {PROVINCE_CODE_RANGE.stop - 1}."
        )
    day_field, month, year_2d = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    gender = Gender.PEREMPUAN if day_field > _FEMALE_DAY_OFFSET else Gender.LAKI_LAKI
    day = day_field - _FEMALE_DAY_OFFSET if gender is Gender.PEREMPUAN else day_field
    if not 1 <= day <= 31:
        raise InvalidNik(
            "The day of birth in the NIK (digits 7-8) must be 01-31 for men or 41-71 for women."
        )
    if not 1 <= month <= 12:
        raise InvalidNik("The month of birth in the NIK (digits 9-10) must be 01-12.")
    if nik[12:16] == "0000":
        raise InvalidNik("The sequence number in the NIK (digits 13-16) cannot be 0000.")
    return NikFacts(gender=gender, birth_day=day, birth_month=month, birth_year_2d=year_2d)


def check_nik_matches(nik: str, *, birth_date: date, gender: Gender) -> None:
    """Refuse a NIK that is malformed or disagrees with the stated gender or birth date.

    The checks name the part that disagrees, so the clerk knows whether the KTP was
    misread or the form was filled in wrongly.
    """
    facts = parse_nik(nik)
    if facts.gender is not gender:
        raise NikGenderMismatch(
            f"The NIK belongs to a {_GENDER_WORD[facts.gender]} (digits 7-8), but the "
            f"application says {_GENDER_WORD[gender]}."
        )
    if facts.birth_day != birth_date.day:
        raise NikBirthDateMismatch(
            "The day of birth in the NIK (digits 7-8) does not match the birth date."
        )
    if facts.birth_month != birth_date.month:
        raise NikBirthDateMismatch(
            "The month of birth in the NIK (digits 9-10) does not match the birth date."
        )
    if facts.birth_year_2d != birth_date.year % 100:
        raise NikBirthDateMismatch(
            "The year of birth in the NIK (digits 11-12) does not match the birth date."
        )


_GENDER_WORD = {Gender.LAKI_LAKI: "man", Gender.PEREMPUAN: "woman"}

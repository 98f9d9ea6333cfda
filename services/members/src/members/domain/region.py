"""Kemendagri region codes: province (2 digits), regency (4), village (10).

A code nests its parent as a prefix: regency 3204 (Kab. Bandung) lies in province 32
(Jawa Barat); village 3204102001 lies in regency 3204. Only the shape and nesting are
checked here; the full code list changes with every pemekaran and lives outside the
domain.
"""

from __future__ import annotations

from members.domain.errors import InvalidProvinceCode, InvalidRegencyCode, InvalidVillageCode

__all__ = [
    "PROVINCE_CODE_RANGE",
    "is_province_code",
    "province_code",
    "regency_code",
    "village_code",
]

# 11 (Aceh) .. 96: the 2022 Papua provinces took 93-96 (Papua Selatan 93, Papua Tengah 94,
# Papua Pegunungan 95, Papua Barat Daya 96); the villages we serve include theirs.
PROVINCE_CODE_RANGE = range(11, 97)


def _is_digits(value: str, length: int) -> bool:
    # str.isdigit() alone accepts non-ASCII digits such as "٣"; codes are ASCII only.
    return len(value) == length and value.isascii() and value.isdigit()


def is_province_code(value: str) -> bool:
    """Two ASCII digits within ``PROVINCE_CODE_RANGE``."""
    return _is_digits(value, 2) and int(value) in PROVINCE_CODE_RANGE


def province_code(value: str) -> str:
    """The province code, or ``InvalidProvinceCode``."""
    if not is_province_code(value):
        raise InvalidProvinceCode(
            f"The province code must be two digits from {PROVINCE_CODE_RANGE.start} to "
            f"{PROVINCE_CODE_RANGE.stop - 1}; got {value!r}."
        )
    return value


def regency_code(value: str, *, province: str) -> str:
    """The regency (kabupaten/kota) code, four digits starting with ``province``."""
    if not _is_digits(value, 4):
        raise InvalidRegencyCode(f"The regency code must be four digits; got {value!r}.")
    if not value.startswith(province):
        raise InvalidRegencyCode(
            f"The regency code {value} does not lie in province {province}: "
            f"it must start with {province}."
        )
    return value


def village_code(value: str) -> str:
    """The village (desa/kelurahan) code: ten digits (province, regency, district, village)."""
    if not _is_digits(value, 10):
        raise InvalidVillageCode(f"The village code must be ten digits; got {value!r}.")
    return value

"""The closed vocabularies of the members domain (stored by value in events)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CoopType", "ExitReason", "Gender", "Loop", "MemberStatus", "TimeZone"]


class CoopType(StrEnum):
    """Jenis koperasi: what the cooperative does for its members."""

    SAVINGS_AND_LOAN = "savings_and_loan"  # koperasi simpan pinjam (KSP)
    MULTI_PURPOSE = "multi_purpose"  # koperasi serba usaha (KSU)
    CONSUMER = "consumer"  # koperasi konsumen
    PRODUCER = "producer"  # koperasi produsen
    MARKETING = "marketing"  # koperasi pemasaran


class TimeZone(StrEnum):
    """The three Indonesian time zones; a cooperative's business date is kept in its own."""

    WIB = "WIB"  # Waktu Indonesia Barat, UTC+7
    WITA = "WITA"  # Waktu Indonesia Tengah, UTC+8
    WIT = "WIT"  # Waktu Indonesia Timur, UTC+9

    @property
    def iana_name(self) -> str:
        """The IANA zone to compute the business date with (``zoneinfo.ZoneInfo``)."""
        return _IANA[self]


_IANA = {
    TimeZone.WIB: "Asia/Jakarta",
    TimeZone.WITA: "Asia/Makassar",
    TimeZone.WIT: "Asia/Jayapura",
}


class Loop(StrEnum):
    """Whom the cooperative serves.

    Closed loop: members only (supervised by the Ministry of Cooperatives). Open loop:
    also non-members, which under UU P2SK puts savings and loan business under OJK.
    """

    CLOSED = "closed"
    OPEN = "open"


class Gender(StrEnum):
    """Jenis kelamin as written on the KTP; the dinas asks for member counts split by it."""

    LAKI_LAKI = "L"  # male
    PEREMPUAN = "P"  # female


class MemberStatus(StrEnum):
    """Where a member's (anggota's) life in the cooperative stands."""

    APPLIED = "applied"  # calon anggota: application pending
    ADMITTED = "admitted"  # anggota: an active member
    SUSPENDED = "suspended"  # member whose rights are on hold
    REJECTED = "rejected"  # application refused (final)
    EXITED = "exited"  # membership ended (final)


class ExitReason(StrEnum):
    """Why a membership ended."""

    RESIGNED = "resigned"  # mengundurkan diri
    DECEASED = "deceased"  # meninggal dunia
    EXPELLED = "expelled"  # diberhentikan
    MOVED_AWAY = "moved_away"  # pindah
    OTHER = "other"

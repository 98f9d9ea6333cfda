"""A member's own SHU share of one adopted year, and its explanation in plain Indonesian.

The member's page shows her jasa modal and jasa usaha beside what produced them: the
SHU the RAT adopted, the part of it that came from business with members (when the
policy distributes only that), each pool's share under the AD/ART, the pool in
rupiah, everyone's basis and hers. The figures are the approved calculation's, never
recomputed here: the amounts were split by largest remainder, so a member's amount may
differ by one rupiah from the formula written out, and the text says "dibulatkan".

``per_1000_idr`` is the pool per Rp 1.000 of basis, rounded half up: a rate a member
can check against her own savings or purchases ("setiap Rp 1.000 ... sekitar Rp 120").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date

from gotong_platform.money import BP_PER_UNIT, round_half_up_div
from reporting.domain.shu.values import JASA_MODAL, JASA_USAHA, Structure

__all__ = ["MONTHS", "AdoptedYear", "MemberShare", "PartView", "ShareView", "bulan_tahun",
           "member_share_view", "percent", "pool_share_bp", "rupiah", "tanggal"]

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
_SAVINGS = {"pokok": "simpanan pokok", "wajib": "simpanan wajib",
            "sukarela": "simpanan sukarela"}
_MEASURE = {"year_end_balance": "saldo pada akhir tahun buku",
            "average_monthly_balance": "rata-rata saldo akhir bulan dalam tahun buku",
            "months_prorated": "saldo akhir tahun, dihitung sebanding dengan bulan "
                               "keanggotaan"}
_TRANSACTIONS = {"member_purchases": "belanja di toko koperasi",
                 "produce_sold": "hasil panen yang dijual ke koperasi",
                 "loan_interest_paid": "jasa pinjaman yang dibayar"}


def rupiah(amount: int) -> str:
    """Rp 1.234.567 (Indonesian digit grouping); a negative amount keeps its sign."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


def percent(bp: int) -> str:
    """Basis points as Indonesian percent: 2000 -> 20%, 250 -> 2,5%, 1234 -> 12,34%."""
    whole, rest = divmod(bp, 100)
    return f"{whole}%" if rest == 0 else f"{whole},{rest:02d}".rstrip("0") + "%"


def tanggal(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def bulan_tahun(month: str) -> str:
    """``YYYY-MM`` as "Oktober 2026"."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " dan " + words[-1]


@dataclasses.dataclass(frozen=True, kw_only=True)
class AdoptedYear:
    """An approved calculation, as the query tables hold it (``policy``: its terms)."""

    calc_id: str
    fiscal_year: int
    period_start: date
    period_end: date
    rat_date: date
    shu_total_idr: int
    shu_member_sourced_idr: int
    pools_idr: Mapping[str, int]
    capital_basis_total_idr: int
    transaction_basis_total_idr: int
    member_count: int
    policy: Mapping[str, object]


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberShare:
    """Her row of the member table of that calculation."""

    capital_basis_idr: int
    transaction_basis_idr: int
    jasa_modal_idr: int
    jasa_usaha_idr: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class PartView:
    """Jasa modal or jasa usaha: the pool, its share of the SHU, the bases, her amount."""

    pool_idr: int
    share_of_shu_bp: int | None  # flat policy: the pool's share of the SHU
    member_share_bp: int | None  # nested: "SHU bagian anggota", then this part's split
    split_bp: int | None
    basis_total_idr: int
    your_basis_idr: int
    per_1000_idr: int | None  # the pool per Rp 1.000 of basis, half up (None: no basis)
    amount_idr: int
    basis: tuple[str, ...]  # savings types, or transaction kinds


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShareView:
    fiscal_year: int
    calc_id: str
    period_start: date
    period_end: date
    rat_date: date
    shu_total_idr: int
    shu_member_sourced_idr: int
    shu_non_member_idr: int
    member_sourced_only: bool
    included: bool  # she was among the members the calculation shared among
    member_count: int
    jasa_modal: PartView
    jasa_usaha: PartView
    total_idr: int
    explanation: tuple[str, ...]


def member_share_view(year: AdoptedYear, mine: MemberShare | None) -> ShareView:
    """Her share of ``year`` (``mine`` None: she was not among its members) and why."""
    policy = year.policy
    modal = _part(year, policy, JASA_MODAL, year.capital_basis_total_idr,
                  mine.capital_basis_idr if mine else 0, mine.jasa_modal_idr if mine else 0,
                  tuple(str(t) for t in _seq(policy.get("capital_savings_types"))))
    usaha = _part(year, policy, JASA_USAHA, year.transaction_basis_total_idr,
                  mine.transaction_basis_idr if mine else 0,
                  mine.jasa_usaha_idr if mine else 0,
                  tuple(str(t) for t in _seq(policy.get("transaction_basis"))))
    view = ShareView(
        fiscal_year=year.fiscal_year, calc_id=year.calc_id, period_start=year.period_start,
        period_end=year.period_end, rat_date=year.rat_date,
        shu_total_idr=year.shu_total_idr, shu_member_sourced_idr=year.shu_member_sourced_idr,
        shu_non_member_idr=year.shu_total_idr - year.shu_member_sourced_idr,
        member_sourced_only=bool(policy.get("member_sourced_only")), included=mine is not None,
        member_count=year.member_count, jasa_modal=modal, jasa_usaha=usaha,
        total_idr=modal.amount_idr + usaha.amount_idr, explanation=())
    return dataclasses.replace(view, explanation=tuple(_explain(view, policy)))


def _seq(value: object) -> Sequence[object]:
    return value if isinstance(value, list | tuple) else ()


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _part(year: AdoptedYear, policy: Mapping[str, object], pool: str, basis_total: int,
          your_basis: int, amount: int, basis: tuple[str, ...]) -> PartView:
    nested = policy.get("structure") == Structure.NESTED.value
    pools_bp = policy.get("pools_bp")
    flat_bp = pools_bp.get(pool, 0) if isinstance(pools_bp, Mapping) else 0
    split = policy.get(f"{pool}_split_bp")
    pool_idr = year.pools_idr.get(pool, 0)
    return PartView(
        pool_idr=pool_idr, share_of_shu_bp=None if nested else int(flat_bp),
        member_share_bp=_int_or_none(policy.get("member_share_bp")) if nested else None,
        split_bp=_int_or_none(split) if nested else None,
        basis_total_idr=basis_total, your_basis_idr=your_basis,
        per_1000_idr=(round_half_up_div(pool_idr * 1000, basis_total)
                      if basis_total > 0 else None),
        amount_idr=amount, basis=basis)


def _explain(v: ShareView, policy: Mapping[str, object]) -> list[str]:
    lines = [f"SHU tahun buku {v.fiscal_year} ({tanggal(v.period_start)} \N{EN DASH} "
             f"{tanggal(v.period_end)}) yang disahkan Rapat Anggota Tahunan (RAT) "
             f"{tanggal(v.rat_date)}: {rupiah(v.shu_total_idr)}."]
    base = "SHU"
    if v.member_sourced_only and v.shu_non_member_idr > 0:
        lines.append(
            f"Yang dibagikan kepada anggota hanya SHU dari usaha dengan anggota: "
            f"{rupiah(v.shu_member_sourced_idr)}. SHU dari usaha dengan bukan anggota, "
            f"{rupiah(v.shu_non_member_idr)}, masuk dana cadangan.")
        base = "SHU dari usaha dengan anggota"
    nested = policy.get("structure") == Structure.NESTED.value
    if nested and v.jasa_modal.member_share_bp is not None:
        lines.append(f"Menurut AD/ART, bagian anggota adalah "
                     f"{percent(v.jasa_modal.member_share_bp)} dari {base}; bagian itu "
                     f"dibagi untuk jasa modal {percent(v.jasa_modal.split_bp or 0)} dan "
                     f"jasa usaha {percent(v.jasa_usaha.split_bp or 0)}.")
    lines += _explain_part("Jasa modal", v.jasa_modal, base, v.included,
                           what="simpanan", basis=_capital_words(v.jasa_modal, policy))
    lines += _explain_part("Jasa usaha", v.jasa_usaha, base, v.included,
                           what="transaksi",
                           basis=_and([_TRANSACTIONS.get(k, k) for k in v.jasa_usaha.basis]
                                      or ["transaksi dengan koperasi"]))
    if not v.included:
        lines.append(f"Anda tidak termasuk {v.member_count} anggota yang menerima SHU tahun "
                     f"buku {v.fiscal_year} (misalnya karena belum menjadi anggota atau "
                     f"sudah keluar pada tahun itu), jadi SHU Anda untuk tahun ini Rp 0.")
    else:
        lines.append(f"SHU Anda tahun buku {v.fiscal_year}: jasa modal "
                     f"{rupiah(v.jasa_modal.amount_idr)} + jasa usaha "
                     f"{rupiah(v.jasa_usaha.amount_idr)} = {rupiah(v.total_idr)}.")
    return lines


def _capital_words(part: PartView, policy: Mapping[str, object]) -> str:
    types = _and([_SAVINGS.get(t, t) for t in part.basis] or ["simpanan"])
    measure = _MEASURE.get(str(policy.get("capital_measure")), "")
    return f"{types} ({measure})" if measure else types


def _explain_part(name: str, part: PartView, base: str, included: bool, *, what: str,
                  basis: str) -> list[str]:
    if part.share_of_shu_bp is not None:
        size = f"{name}: {percent(part.share_of_shu_bp)} dari {base}"
    else:
        size = f"{name}: bagian anggota \N{MULTIPLICATION SIGN} {percent(part.split_bp or 0)}"
    if part.basis_total_idr <= 0:
        return [f"{size}. Tidak ada anggota yang punya {what} yang dihitung, jadi dana "
                f"{name.lower()} masuk dana cadangan."]
    lines = [f"{size} = {rupiah(part.pool_idr)}, dibagi menurut {basis}: "
             f"{what} semua anggota {rupiah(part.basis_total_idr)}, sehingga setiap "
             f"Rp 1.000 {what} mendapat sekitar {rupiah(part.per_1000_idr or 0)}."]
    if included:
        lines.append(f"{what.capitalize()} Anda {rupiah(part.your_basis_idr)}: "
                     f"{rupiah(part.your_basis_idr)} ÷ {rupiah(part.basis_total_idr)} "
                     f"\N{MULTIPLICATION SIGN} {rupiah(part.pool_idr)} = {rupiah(part.amount_idr)} "
                     f"(dibulatkan ke rupiah).")
    return lines


def pool_share_bp(policy: Mapping[str, object], pool: str) -> int | None:
    """The share of ``pool`` in the SHU (or in the member-sourced SHU), in bp; None when
    a nested policy's share is not a whole basis point."""
    if policy.get("structure") == Structure.NESTED.value and pool in (JASA_MODAL, JASA_USAHA):
        share = _int_or_none(policy.get("member_share_bp")) or 0
        split = _int_or_none(policy.get(f"{pool}_split_bp")) or 0
        whole, rest = divmod(share * split, BP_PER_UNIT)
        return whole if rest == 0 else None
    pools_bp = policy.get("pools_bp")
    found = pools_bp.get(pool) if isinstance(pools_bp, Mapping) else None
    return found if isinstance(found, int) else None

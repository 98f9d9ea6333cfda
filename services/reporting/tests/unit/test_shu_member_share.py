"""A member's own SHU share and its explanation: the handbook's worked example (§5.5)."""

from __future__ import annotations

from datetime import date

import pytest

from reporting.domain.shu.member_share import (
    AdoptedYear,
    MemberShare,
    member_share_view,
    percent,
    pool_share_bp,
    rupiah,
)

pytestmark = pytest.mark.unit

POOLS_BP = {"cadangan": 4000, "jasa_modal": 2000, "jasa_usaha": 2500, "pengurus_pengawas": 500,
            "karyawan": 500, "pendidikan": 250, "sosial": 250}
FLAT = {"structure": "flat", "pools_bp": POOLS_BP, "reserve_pool": "cadangan",
        "member_share_bp": None, "jasa_modal_split_bp": None, "jasa_usaha_split_bp": None,
        "capital_savings_types": ["pokok", "wajib"], "capital_measure": "year_end_balance",
        "transaction_basis": ["member_purchases", "produce_sold"],
        "member_sourced_only": False, "include_exited_members": False}


def tani_makmur(**changes: object) -> AdoptedYear:
    year = {"calc_id": "shu-1", "fiscal_year": 2025, "period_start": date(2025, 1, 1),
            "period_end": date(2025, 12, 31), "rat_date": date(2026, 3, 14),
            "shu_total_idr": 120_000_000, "shu_member_sourced_idr": 120_000_000,
            "pools_idr": {p: 120_000_000 * bp // 10_000 for p, bp in POOLS_BP.items()},
            "capital_basis_total_idr": 200_000_000,
            "transaction_basis_total_idr": 1_500_000_000, "member_count": 3, "policy": FLAT}
    return AdoptedYear(**(year | changes))  # type: ignore[arg-type]


ANI = MemberShare(capital_basis_idr=2_000_000, transaction_basis_idr=30_000_000,
                  jasa_modal_idr=240_000, jasa_usaha_idr=600_000)


def test_anis_share_is_explained_with_the_pools_and_rates_that_produced_it() -> None:
    view = member_share_view(tani_makmur(), ANI)
    assert (view.jasa_modal.pool_idr, view.jasa_usaha.pool_idr) == (24_000_000, 30_000_000)
    assert (view.jasa_modal.share_of_shu_bp, view.jasa_usaha.share_of_shu_bp) == (2000, 2500)
    assert (view.jasa_modal.per_1000_idr, view.jasa_usaha.per_1000_idr) == (120, 20)
    assert view.total_idr == 840_000
    assert view.included
    text = "\n".join(view.explanation)
    assert "Rapat Anggota Tahunan (RAT) 14 Maret 2026: Rp 120.000.000." in text
    assert "Jasa modal: 20% dari SHU = Rp 24.000.000" in text
    assert "simpanan pokok dan simpanan wajib (saldo pada akhir tahun buku)" in text
    assert ("Rp 2.000.000 ÷ Rp 200.000.000 \N{MULTIPLICATION SIGN} Rp 24.000.000 = "
            "Rp 240.000") in text
    assert "Jasa usaha: 25% dari SHU = Rp 30.000.000" in text
    assert "setiap Rp 1.000 transaksi mendapat sekitar Rp 20" in text
    assert text.endswith("jasa modal Rp 240.000 + jasa usaha Rp 600.000 = Rp 840.000.")


def test_the_non_member_part_is_named_as_reserve_and_the_pools_are_of_the_member_part() -> None:
    year = tani_makmur(policy=FLAT | {"member_sourced_only": True},
                       shu_member_sourced_idr=60_000_000,
                       pools_idr={"jasa_modal": 12_000_000, "jasa_usaha": 15_000_000,
                                  "cadangan": 84_000_000, "pengurus_pengawas": 3_000_000,
                                  "karyawan": 3_000_000, "pendidikan": 1_500_000,
                                  "sosial": 1_500_000})
    view = member_share_view(year, ANI)
    assert view.shu_non_member_idr == 60_000_000
    text = "\n".join(view.explanation)
    assert "bukan anggota, Rp 60.000.000, masuk dana cadangan" in text
    assert "Jasa modal: 20% dari SHU dari usaha dengan anggota = Rp 12.000.000" in text


def test_a_member_outside_the_year_sees_zero_and_why() -> None:
    view = member_share_view(tani_makmur(), None)
    assert (view.included, view.total_idr, view.jasa_modal.amount_idr) == (False, 0, 0)
    assert "Anda tidak termasuk 3 anggota" in view.explanation[-1]
    assert not any("÷" in line for line in view.explanation)  # no formula with her basis


def test_a_nested_policy_is_explained_as_the_member_share_then_its_split() -> None:
    nested = FLAT | {"structure": "nested", "member_share_bp": 3000,
                     "jasa_modal_split_bp": 3000, "jasa_usaha_split_bp": 7000,
                     "pools_bp": {"cadangan": 5000, "pendidikan": 2000}}
    view = member_share_view(tani_makmur(policy=nested), ANI)
    assert (view.jasa_modal.member_share_bp, view.jasa_modal.split_bp) == (3000, 3000)
    assert view.jasa_modal.share_of_shu_bp is None
    assert "bagian anggota adalah 30% dari SHU" in " ".join(view.explanation)
    assert pool_share_bp(nested, "jasa_modal") == 900
    assert pool_share_bp(nested | {"member_share_bp": 3333}, "jasa_modal") is None


def test_a_pool_nobody_had_a_basis_for_is_said_to_go_to_the_reserve() -> None:
    view = member_share_view(tani_makmur(transaction_basis_total_idr=0), ANI)
    assert view.jasa_usaha.per_1000_idr is None
    assert any("masuk dana cadangan" in line and line.startswith("Jasa usaha")
               for line in view.explanation)


def test_indonesian_amounts_and_percentages() -> None:
    assert (rupiah(1_234_567), rupiah(0), rupiah(-5_000)) == ("Rp 1.234.567", "Rp 0",
                                                             "-Rp 5.000")
    assert (percent(2000), percent(250), percent(1234), percent(5)) == ("20%", "2,5%",
                                                                       "12,34%", "0,05%")

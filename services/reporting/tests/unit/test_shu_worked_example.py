"""The handbook's worked example (domain.md §5.5), to the rupiah.

Koperasi Tani Makmur, fiscal year 2025, SHU after tax Rp 120.000.000, flat policy.
S_tot = Rp 200.000.000 and V_tot = Rp 1.500.000.000 over all members: besides Ani,
Budi and Citra, 98 members with Rp 2.000.000 simpanan each (Rp 196.000.000); 97
of them bought Rp 15.000.000 and one Rp 2.500.000 (Rp 1.457.500.000).
"""

from __future__ import annotations

import pytest
from test_shu_builders import a_member, a_policy

from reporting.domain.shu import GrossSplit, MemberBasis, calculate_shu

pytestmark = pytest.mark.unit

SHU = 120_000_000
ANI = MemberBasis(member_id="member-ani", member_no="00001", capital_idr=2_000_000,
                  transaction_idr=30_000_000)
BUDI = MemberBasis(member_id="member-budi", member_no="00002", capital_idr=1_500_000,
                   transaction_idr=0)
CITRA = MemberBasis(member_id="member-citra", member_no="00003", capital_idr=500_000,
                    transaction_idr=12_500_000)
OTHERS = [a_member(n, capital=2_000_000, transactions=15_000_000 if n < 101 else 2_500_000)
          for n in range(4, 102)]
MEMBERS = [ANI, BUDI, CITRA, *OTHERS]
# The example distributes the whole SHU: every rupiah of business was with members.
ALL_MEMBER_BUSINESS = GrossSplit(member_gross_idr=1_500_000_000, total_gross_idr=1_500_000_000)


def test_the_bases_add_up_to_the_handbooks_totals() -> None:
    assert len(OTHERS) == 98
    assert sum(m.capital_idr for m in MEMBERS) == 200_000_000
    assert sum(m.transaction_idr for m in MEMBERS) == 1_500_000_000


def test_pools_are_the_handbooks_table() -> None:
    result = calculate_shu(a_policy(), SHU, MEMBERS, ALL_MEMBER_BUSINESS)
    assert result.pools_idr == {
        "cadangan": 48_000_000, "jasa_modal": 24_000_000, "jasa_usaha": 30_000_000,
        "pengurus_pengawas": 6_000_000, "karyawan": 6_000_000, "pendidikan": 3_000_000,
        "sosial": 3_000_000,
    }
    assert result.shu_member_sourced_idr == SHU
    assert result.capital_basis_total_idr == 200_000_000
    assert result.transaction_basis_total_idr == 1_500_000_000
    assert result.member_count == 101


def test_ani_budi_and_citra_receive_the_handbooks_amounts() -> None:
    result = calculate_shu(a_policy(), SHU, MEMBERS, ALL_MEMBER_BUSINESS)
    by_id = {a.member_id: a for a in result.allocations}
    ani, budi, citra = by_id["member-ani"], by_id["member-budi"], by_id["member-citra"]
    assert (ani.jasa_modal_idr, ani.jasa_usaha_idr, ani.total_idr) == (240_000, 600_000, 840_000)
    assert (budi.jasa_modal_idr, budi.jasa_usaha_idr, budi.total_idr) == (180_000, 0, 180_000)
    assert (citra.jasa_modal_idr, citra.jasa_usaha_idr, citra.total_idr) == (
        60_000, 250_000, 310_000)


def test_the_member_shares_add_up_to_the_two_member_pools() -> None:
    result = calculate_shu(a_policy(), SHU, MEMBERS, ALL_MEMBER_BUSINESS)
    assert sum(a.jasa_modal_idr for a in result.allocations) == 24_000_000
    assert sum(a.jasa_usaha_idr for a in result.allocations) == 30_000_000


def test_the_same_example_with_the_flag_off_needs_no_gross_figures() -> None:
    policy = a_policy(member_sourced_only=False)
    result = calculate_shu(policy, SHU, MEMBERS, GrossSplit(member_gross_idr=1,
                                                            total_gross_idr=3))
    assert result.shu_member_sourced_idr == SHU
    assert {a.member_id: a.total_idr for a in result.allocations}["member-ani"] == 840_000

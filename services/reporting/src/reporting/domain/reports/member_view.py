"""What a member sees of her cooperative's monthly report, and of its last adopted SHU.

The subset of the cooperative's own report a member may see: sums and ratios of the
whole cooperative (members, savings, loans outstanding and PAR30, shop omzet, produce
bought), never a row or a list that names or singles out another member (the report's
``cooperatives`` row, low-stock list, late uploads and adjustments stay with the staff).
The figures are the report's own, taken as they are: a member's page and the
pengurus's report of the same month agree to the rupiah.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["POOL_ORDER", "month_for_member", "rat_for_member"]

# after the reserve: the members' pools, then the funds (largest first)
POOL_ORDER = ("jasa_modal", "jasa_usaha")


def month_for_member(report: Mapping[str, Any]) -> dict[str, Any]:
    """The member's subset of a cooperative's monthly report."""
    members, savings = report["members"], report["savings"]["balances"]
    loans, business = report["loans"], report["business"]
    return {
        "month": report["period"]["month"], "start": report["period"]["start"],
        "end": report["period"]["as_of"], "figures_available": not report["unavailable"],
        "members": {"active": members["active"]["total"], "women": members["active"]["P"],
                    "men": members["active"]["L"], "admitted": members["admitted"],
                    "exited": members["exited"],
                    "participation_rate": members["participation_rate"]},
        "savings": {k: savings[k] for k in ("pokok_idr", "wajib_idr", "sukarela_idr",
                                            "total_idr")},
        "loans": {"outstanding_idr": loans["gross_loan_portfolio_idr"],
                  "active_loans": loans["active_loans"], "disbursed_idr": loans["disbursed_idr"],
                  "disbursed_count": loans["disbursed_count"], "par30": loans["par30"]},
        "business": {"shop_omzet_idr": business["shop_omzet"]["net_idr"],
                     "member_share_of_omzet": business["member_share_of_omzet"],
                     "produce_bought_idr": business["produce_bought"]["amount_idr"],
                     "produce_bought_kg": business["produce_bought"]["net_qty_kg"],
                     "volume_usaha_idr": business["volume_usaha"]["amount_idr"]},
    }


def rat_for_member(calc: Mapping[str, Any], share_bp: Mapping[str, int | None]
                   ) -> dict[str, Any]:
    """An approved calculation's totals and pools (never its member table)."""
    pools: Mapping[str, int] = calc["pools_idr"]
    reserve = str(calc["policy"].get("reserve_pool", "cadangan"))
    funds = sorted((p for p in pools if p != reserve and p not in POOL_ORDER),
                   key=lambda p: (-pools[p], p))
    order = [reserve, *(p for p in POOL_ORDER if p in pools), *funds]
    return {
        "fiscal_year": calc["fiscal_year"], "rat_date": calc["rat_date"],
        "shu_total_idr": calc["shu_total_idr"],
        "shu_member_sourced_idr": calc["shu_member_sourced_idr"],
        "member_count": calc["member_count"],
        "members_total_idr": sum(pools.get(p, 0) for p in POOL_ORDER),
        "reserve_pool": reserve,
        "pools": [{"pool": p, "amount_idr": pools[p], "share_bp": share_bp.get(p)}
                  for p in order],
    }

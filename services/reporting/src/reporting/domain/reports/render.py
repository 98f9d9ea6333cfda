"""The KPI sections of a report, rendered from (summed) figures; pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gotong_platform.money import round_half_up_div
from reporting.domain.reports.definitions import RATIOS, VOLUME_USAHA, RatioDef
from reporting.domain.reports.figures import CATEGORIES, CHANNELS, SAVINGS_TYPES, STOCK_FLOWS
from reporting.domain.reports.loan_quality import COLLECTIBILITY
from reporting.domain.reports.ratios import Ratio, bp_of

__all__ = ["kpis", "ratio_bp", "ratio_of"]

Amounts = Mapping[str, int]


def ratio_of(definition: RatioDef, a: Amounts) -> Ratio:
    return Ratio(sum(a[key] for key in definition.numerator), a[definition.denominator])


def ratio_bp(definition: RatioDef, a: Amounts) -> int | None:
    """``ratio_of(definition, a).bp`` without the ``Ratio`` (a federation's rows ask it
    of every cooperative, and a frozen dataclass costs more to make than the quotient)."""
    return bp_of(sum(a[key] for key in definition.numerator), a[definition.denominator])


def _members(a: Amounts) -> dict[str, Any]:
    return {
        "active": {"total": a["members.active"], "L": a["members.active_l"],
                   "P": a["members.active_p"], "unknown": a["members.active_unknown"]},
        "admitted": a["members.admitted"], "exited": a["members.exited"],
        "participants": a["members.participants"],
    }


def _business(a: Amounts) -> dict[str, Any]:
    return {
        "shop_omzet": {"gross_idr": a["sales.gross_idr"], "voided_idr": a["sales.voided_idr"],
                       "net_idr": a["sales.net_idr"], "on_credit_idr": a["sales.credit_idr"]},
        "member_idr": a["sales.member_idr"], "non_member_idr": a["sales.non_member_idr"],
        "retail_omzet_idr": a["sales.retail_idr"],
        "produce_marketing_omzet_idr": a["sales.produce_marketing_idr"],
        "by_channel": [{"channel": channel, "net_idr": a[f"sales.channel.{channel}_idr"]}
                       for channel in CHANNELS],
        "by_category": [
            {"category": cat, "member_idr": a[f"sales.{cat}.member_idr"],
             "non_member_idr": a[f"sales.{cat}.non_member_idr"],
             "total_idr": a[f"sales.{cat}.member_idr"] + a[f"sales.{cat}.non_member_idr"]}
            for cat in CATEGORIES],
        "produce_bought": {"amount_idr": a["produce.amount_idr"],
                           "net_qty_g": a["produce.net_qty_g"],
                           "net_qty_kg": round_half_up_div(a["produce.net_qty_g"], 1000),
                           "receipts": a["produce.receipts"],
                           "suppliers": a["produce.suppliers"]},
        "volume_usaha": {"amount_idr": a["volume_usaha_idr"],
                         "retail_omzet_idr": a["sales.retail_idr"],
                         "produce_marketing_omzet_idr": a["sales.produce_marketing_idr"],
                         "loans_disbursed_idr": a["loans.disbursed_idr"],
                         "definition": VOLUME_USAHA},
    }


def _savings(a: Amounts) -> dict[str, Any]:
    balances = {f"{kind}_idr": a[f"savings.{kind}_idr"] for kind in SAVINGS_TYPES}
    return {
        "balances": balances | {"total_idr": a["savings.total_idr"]},
        "deposits_idr": a["savings.deposits_idr"],
        "withdrawals_idr": a["savings.withdrawals_idr"], "refunds_idr": a["savings.refunds_idr"],
    }


def _loans(a: Amounts) -> dict[str, Any]:
    return {
        "gross_loan_portfolio_idr": a["loans.glp_idr"], "active_loans": a["loans.active"],
        "disbursed_idr": a["loans.disbursed_idr"], "disbursed_count": a["loans.disbursed_count"],
        "repaid_principal_idr": a["loans.repaid_principal_idr"],
        "interest_paid_idr": a["loans.interest_paid_idr"],
        "penalty_paid_idr": a["loans.penalty_paid_idr"],
        "written_off_idr": a["loans.written_off_idr"],
        "restructured_idr": a["loans.restructured_idr"],
        "par30_loans": a["loans.par30_count"],
        "overdue_principal_idr": a["loans.overdue_principal_idr"],
        "collectibility": [
            {"class": name, "min_days_past_due": low, "max_days_past_due": high,
             "loans": a[f"loans.{name}.count"],
             "outstanding_idr": a[f"loans.{name}.outstanding_idr"]}
            for name, low, high in COLLECTIBILITY],
    }


def _stock(a: Amounts) -> dict[str, Any]:
    return {
        "value_on_hand_idr": a["stock.value_idr"], "net_change_idr": a["stock.net_change_idr"],
        "spoilage_idr": a["stock.spoilage_idr"],
        "low_stock_products": a["stock.low_stock_products"],
        "movements": {f"{flow}_idr": a[f"stock.{flow}_idr"] for flow in STOCK_FLOWS},
    }


def kpis(a: Amounts) -> dict[str, dict[str, Any]]:
    """members, business, savings, loans and stock, each with its ratios."""
    sections = {"members": _members(a), "business": _business(a), "savings": _savings(a),
                "loans": _loans(a), "stock": _stock(a)}
    for definition in RATIOS:
        sections[definition.section][definition.name] = ratio_of(definition, a).as_dict()
    return sections

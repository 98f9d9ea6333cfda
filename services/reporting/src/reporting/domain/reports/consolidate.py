"""A group's figures from its cooperatives': sums, eliminations, spread, ranking,
growth and prior-period changes (freshness: ``freshness.py``). Pure."""

from __future__ import annotations

import operator
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from reporting.domain.regions import region_name
from reporting.domain.reports.cooperatives import CoopInfo
from reporting.domain.reports.definitions import GROWTH_METRICS, RATIOS
from reporting.domain.reports.figures import AMOUNT_KEYS, CoopFigures, sum_amounts
from reporting.domain.reports.ratios import growth_bp, ranking, spread
from reporting.domain.reports.render import ratio_bp

__all__ = ["COOP_ROW_COLUMNS", "changes", "coop_amounts", "coop_row", "group_amounts", "growth",
           "spread_of"]

Figures = Mapping[str, CoopFigures]

# (column, figure) of a cooperative's row in a group report
_ROW = (
    ("members_active", "members.active"), ("members_active_l", "members.active_l"),
    ("members_active_p", "members.active_p"), ("members_admitted", "members.admitted"),
    ("members_exited", "members.exited"), ("shop_omzet_idr", "sales.net_idr"),
    ("member_omzet_idr", "sales.member_idr"), ("non_member_omzet_idr", "sales.non_member_idr"),
    ("retail_omzet_idr", "sales.retail_idr"),
    ("produce_marketing_omzet_idr", "sales.produce_marketing_idr"),
    ("online_omzet_idr", "sales.channel.online_idr"),
    ("produce_bought_idr", "produce.amount_idr"), ("produce_bought_g", "produce.net_qty_g"),
    ("volume_usaha_idr", "volume_usaha_idr"), ("savings_pokok_idr", "savings.pokok_idr"),
    ("savings_wajib_idr", "savings.wajib_idr"), ("savings_sukarela_idr", "savings.sukarela_idr"),
    ("savings_total_idr", "savings.total_idr"), ("loans_disbursed_idr", "loans.disbursed_idr"),
    ("gross_loan_portfolio_idr", "loans.glp_idr"), ("par30_idr", "loans.par30_idr"),
    ("overdue_principal_idr", "loans.overdue_principal_idr"),
    ("stock_value_idr", "stock.value_idr"), ("spoilage_idr", "stock.spoilage_idr"),
    ("low_stock_products", "stock.low_stock_products"),
)
GROWTH_RANKED = "sales.net_idr"  # "which cooperatives grow": ranked by shop omzet growth


def group_amounts(figs: Figures, ids: Collection[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Summed figures with what moved inside the group eliminated, and the eliminations.

    Inside the group means between two of its cooperatives (handbook §4: "inter-koperasi
    transactions are eliminated from federation omzet"): stock transfers leave the
    transfer totals, and sales to another cooperative of the group leave every sales
    amount (omzet, by buyer and category, retail / produce marketing, volume usaha).
    A cooperative's own report (a group of one) keeps them.
    """
    amounts = sum_amounts(figs[i] for i in sorted(ids))
    members = set(ids)  # looked up per transfer and sale: never a list's ``in``
    sent = received = sold = 0
    for i in ids:
        for counterparty, (out_idr, in_idr) in figs[i].transfers.items():
            if counterparty in members:
                sent += out_idr
                received += in_idr
        for buyer, added in figs[i].sales_to.items():
            if buyer in members and buyer != i:
                for key, value in added.items():
                    amounts[key] -= value
                sold += added["sales.net_idr"]
    amounts["stock.transfer_out_idr"] -= sent
    amounts["stock.transfer_in_idr"] -= received
    return amounts, {"eliminations_idr": sent + sold, "transfers_out_idr": sent,
                     "transfers_in_idr": received, "inter_cooperative_sales_idr": sold}


def coop_amounts(f: CoopFigures, cooperative_id: str) -> dict[str, int]:
    """``group_amounts`` of a group of one, without adding up a group: a federation
    report makes one per cooperative and month. Only transfers between the cooperative's
    own warehouses (keyed by its own id) move inside a group of one; its sales to another
    cooperative stay."""
    amounts = dict(f.amounts)
    own = f.transfers.get(cooperative_id)
    if own is not None:
        amounts["stock.transfer_out_idr"] -= own[0]
        amounts["stock.transfer_in_idr"] -= own[1]
    return amounts


def growth(current: Mapping[str, int], previous: Mapping[str, int]) -> list[dict[str, Any]]:
    return [{"metric": m, "current": current[m], "previous": previous[m],
             "growth_bp": growth_bp(current[m], previous[m])} for m in GROWTH_METRICS]


def _growth_column(metric: str) -> str:
    return metric.replace(".", "_").removesuffix("_idr") + "_growth_bp"


# a row is made per cooperative of a federation: its columns are taken in C (itemgetter)
_ROW_COLUMNS = tuple(column for column, _ in _ROW)
_ROW_FIGURES = operator.itemgetter(*(figure for _, figure in _ROW))
_RATIO_COLUMNS = tuple(f"{d.name}_bp" for d in RATIOS)
_GROWTH_COLUMNS = tuple(_growth_column(m) for m in GROWTH_METRICS)
_GROWTH_FIGURES = operator.itemgetter(*GROWTH_METRICS)

COOP_ROW_COLUMNS: tuple[str, ...] = (
    "cooperative_id", "name", "coop_type", "province_code", "regency_code", "province_name",
    "regency_name",
    *(column for column, _ in _ROW), *(f"{d.name}_bp" for d in RATIOS),
    *(_growth_column(m) for m in GROWTH_METRICS), "last_recorded_at", "stale")


def coop_row(info: CoopInfo, now: Mapping[str, int], before: Mapping[str, int],
             freshness: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"cooperative_id": info.cooperative_id, "name": info.name,
                           "coop_type": info.coop_type, "province_code": info.province_code,
                           "regency_code": info.regency_code,
                           "province_name": region_name(info.province_code),
                           "regency_name": region_name(info.regency_code)}
    row |= zip(_ROW_COLUMNS, _ROW_FIGURES(now), strict=True)
    row |= zip(_RATIO_COLUMNS, (ratio_bp(d, now) for d in RATIOS), strict=True)
    row |= zip(_GROWTH_COLUMNS, map(growth_bp, _GROWTH_FIGURES(now), _GROWTH_FIGURES(before)),
               strict=True)
    row |= {"last_recorded_at": freshness["last_recorded_at"], "stale": freshness["stale"]}
    return row


def spread_of(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per ratio (and shop omzet growth): quartiles of the cooperatives' bp and a ranking."""
    names = {row["cooperative_id"]: row["name"] for row in rows}
    wanted = [(f"{d.name}_bp", d.name, d.higher_is_better) for d in RATIOS]
    wanted.append((_growth_column(GROWTH_RANKED), "shop_omzet_growth", True))
    result: dict[str, Any] = {}
    for column, name, higher_is_better in wanted:
        entries = [(row["cooperative_id"], row[column]) for row in rows
                   if row[column] is not None]
        ranked = ranking(entries, higher_is_better=higher_is_better)
        result[name] = spread([bp for _, bp in entries]) | {
            "higher_is_better": higher_is_better,
            "ranking": [r | {"name": names[r["cooperative_id"]]} for r in ranked]}
    return result


def changes(now: Mapping[str, int], then: Mapping[str, int]) -> list[dict[str, Any]]:
    """Figures that differ between the month as known at its end and as known now."""
    return [{"metric": key, "at_month_end": then[key], "now": now[key],
             "delta": now[key] - then[key]} for key in AMOUNT_KEYS if now[key] != then[key]]

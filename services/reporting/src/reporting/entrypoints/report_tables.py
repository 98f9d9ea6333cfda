"""Every table a monthly report shows, as rows, and as CSV (one table per file).

- ``summary``: every single figure of the report's KPI sections, one per line
  (``metric``, ``value``), ratios with their numerator and denominator, and how many
  cooperatives' figures were unavailable;
- ``cooperatives``: one row per cooperative (its KPIs, ratio bp, growth bp, freshness),
  then one per cooperative whose figures are unavailable (``figures_unavailable``
  true, its figures empty);
- ``unavailable``: the cooperatives left out of the report, and why;
- ``sales_by_category``, ``sales_by_channel``, ``savings_by_type``,
  ``loans_by_collectibility``, ``growth``, ``freshness``, ``low_stock``,
  ``late_uploads``, ``adjustments``;
- ``spread`` and ``ranking`` (region and federation reports).

Every cell goes through ``gotong_platform.csv_cells`` (no text opens as a formula).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Literal, get_args

from gotong_platform.csv_cells import write_csv
from reporting.domain.reports.consolidate import COOP_ROW_COLUMNS

__all__ = ["TABLES", "TableName", "table_csv", "table_rows", "to_csv"]

TableName = Literal["summary", "cooperatives", "sales_by_category", "sales_by_channel",
                    "savings_by_type",
                    "loans_by_collectibility", "growth", "freshness", "low_stock",
                    "late_uploads", "adjustments", "spread", "ranking", "unavailable"]

Rows = list[dict[str, Any]]
_SECTIONS = ("members", "business", "savings", "loans", "stock", "eliminations")


def _flatten(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _flatten(f"{prefix}.{key}", inner)
    elif not isinstance(value, list):
        yield prefix, value


def _summary(report: Mapping[str, Any]) -> Rows:
    return [{"metric": metric, "value": value}
            for section in _SECTIONS for metric, value in _flatten(section, report[section])
            ] + [{"metric": "unavailable.cooperatives", "value": len(report["unavailable"])}]


def _cooperatives(report: Mapping[str, Any]) -> Rows:
    computed = [row | {"figures_unavailable": False} for row in report["cooperatives"]]
    return computed + [{"cooperative_id": u["cooperative_id"], "name": u["name"],
                        "regency_code": u["regency_code"], "figures_unavailable": True}
                       for u in report["unavailable"]]


def _savings(report: Mapping[str, Any]) -> Rows:
    balances = report["savings"]["balances"]
    return [{"savings_type": key.removesuffix("_idr"), "balance_idr": value}
            for key, value in balances.items()]


def _spread(report: Mapping[str, Any]) -> Rows:
    return [{"ratio": name} | {k: v for k, v in entry.items() if k != "ranking"}
            for name, entry in report.get("spread", {}).items()]


def _ranking(report: Mapping[str, Any]) -> Rows:
    return [{"ratio": name} | row for name, entry in report.get("spread", {}).items()
            for row in entry["ranking"]]


_Extract = Callable[[Mapping[str, Any]], Rows]
_FRESHNESS = ("cooperative_id", "name", "last_recorded_at", "last_business_date",
              "days_since_last_event", "last_activity_date", "days_since_last_activity",
              "stale")
_LOW_STOCK = ("cooperative_id", "warehouse_id", "warehouse_name", "product_id", "sku",
              "product_name", "category", "base_unit", "on_hand", "value_idr")
_SPREAD = ("ratio", "n", "min", "p25", "median", "p75", "max", "higher_is_better")
# name: (rows of a report, the columns even when there are no rows)
TABLES: dict[str, tuple[_Extract, tuple[str, ...]]] = {
    "summary": (_summary, ("metric", "value")),
    "cooperatives": (_cooperatives, (*COOP_ROW_COLUMNS, "figures_unavailable")),
    "sales_by_category": (lambda r: list(r["business"]["by_category"]),
                          ("category", "member_idr", "non_member_idr", "total_idr")),
    "sales_by_channel": (lambda r: list(r["business"]["by_channel"]), ("channel", "net_idr")),
    "savings_by_type": (_savings, ("savings_type", "balance_idr")),
    "loans_by_collectibility": (lambda r: list(r["loans"]["collectibility"]),
                                ("class", "min_days_past_due", "max_days_past_due", "loans",
                                 "outstanding_idr")),
    "growth": (lambda r: list(r["growth"]["metrics"]),
               ("metric", "current", "previous", "growth_bp")),
    "freshness": (lambda r: list(r["freshness"]["cooperatives"]), _FRESHNESS),
    "low_stock": (lambda r: list(r["low_stock"]), _LOW_STOCK),
    "late_uploads": (lambda r: list(r["prior_period_adjustments"]["late_uploads"]),
                     ("cooperative_id", "fact", "count", "amount_idr")),
    "adjustments": (lambda r: list(r["prior_period_adjustments"]["changes"]),
                    ("metric", "at_month_end", "now", "delta")),
    "spread": (_spread, _SPREAD),
    "ranking": (_ranking, ("ratio", "rank", "cooperative_id", "name", "bp")),
    "unavailable": (lambda r: list(r["unavailable"]),
                    ("cooperative_id", "name", "regency_code", "reason", "step", "error",
                     "trace_id")),
}

if set(TABLES) != set(get_args(TableName)):
    raise RuntimeError("TableName and TABLES disagree")


def table_rows(report: Mapping[str, Any], table: str) -> Rows:
    """The rows of ``table``; KeyError for a table no report has."""
    return TABLES[table][0](report)


def table_csv(report: Mapping[str, Any], table: str) -> str:
    extract, columns = TABLES[table]
    return to_csv(extract(report), columns)


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] = ()) -> str:
    """RFC 4180 CSV (CRLF line ends) with a header; columns in first-seen order."""
    header = list(columns)
    for row in rows:
        header += [key for key in row if key not in header]
    return write_csv(header, ([row.get(column) for column in header] for row in rows))

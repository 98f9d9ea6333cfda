"""The figures of one cooperative for one period: summable integers and a few lists.

Every KPI of a group (region, federation) is computed from the sum of these
amounts over its cooperatives, so ratios come from summed numerators and
denominators. Keys are fixed (``AMOUNT_KEYS``) so every output has the same shape.

Amounts are Python ``int`` (unbounded): the fetches' SQL sums stay ``numeric`` (the
type ``sum`` over bigint gives) and are never cast back to bigint, which overflows at
about Rp 9.2 * 10^18; ``whole`` turns them into ``int`` exactly.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from reporting.domain.reports.loan_quality import COLLECTIBILITY

__all__ = [
    "AMOUNT_KEYS",
    "CATEGORIES",
    "CHANNELS",
    "DEFAULT_OPTIONS",
    "PRODUCE_MARKETING",
    "SAVINGS_TYPES",
    "SPOILAGE_REASONS",
    "STOCK_FLOWS",
    "CoopFigures",
    "ReportOptions",
    "sale_figures",
    "sum_amounts",
    "whole",
]

CATEGORIES = ("farm_produce", "handicraft", "staple_goods", "farm_inputs")
PRODUCE_MARKETING = ("farm_produce", "handicraft")  # omzet pemasaran hasil
# Where a sale was made: the shop's till, an order from an outside buyer (online), or a
# sale to another cooperative of the federation (produce trade, eliminated in groups
# holding both). A sale to a cooperative is produce trade whatever its channel.
CHANNELS = ("shop", "online", "produce_trade")
SAVINGS_TYPES = ("pokok", "wajib", "sukarela")
SPOILAGE_REASONS = ("damaged", "rotten", "expired", "lost")
STOCK_FLOWS = ("receipt", "produce", "issue", "return", "adjustment_in", "adjustment_out",
               "transfer_out", "transfer_in")

AMOUNT_KEYS: tuple[str, ...] = (
    "members.active", "members.active_l", "members.active_p", "members.active_unknown",
    "members.admitted", "members.exited", "members.participants",
    "sales.gross_idr", "sales.voided_idr", "sales.net_idr", "sales.member_idr",
    "sales.non_member_idr", "sales.retail_idr", "sales.produce_marketing_idr",
    "sales.credit_idr",
    *(f"sales.channel.{channel}_idr" for channel in CHANNELS),
    *(f"sales.{cat}.{buyer}_idr" for cat in CATEGORIES for buyer in ("member", "non_member")),
    "produce.amount_idr", "produce.net_qty_g", "produce.receipts", "produce.suppliers",
    "loans.disbursed_idr", "loans.disbursed_count", "loans.repaid_principal_idr",
    "loans.interest_paid_idr", "loans.penalty_paid_idr", "loans.written_off_idr",
    "loans.active", "loans.glp_idr", "loans.par30_idr", "loans.par30_count",
    "loans.restructured_idr", "loans.overdue_principal_idr",
    *(f"loans.{name}.{part}" for name, _, _ in COLLECTIBILITY
      for part in ("count", "outstanding_idr")),
    *(f"savings.{kind}_idr" for kind in SAVINGS_TYPES),
    "savings.total_idr", "savings.deposits_idr", "savings.withdrawals_idr",
    "savings.refunds_idr",
    "wajib.bills_due", "wajib.bills_paid_on_time",
    "stock.value_idr", "stock.net_change_idr", "stock.spoilage_idr", "stock.low_stock_products",
    *(f"stock.{flow}_idr" for flow in STOCK_FLOWS),
    "volume_usaha_idr",
)


@dataclasses.dataclass(frozen=True, slots=True)
class ReportOptions:
    """Report settings (``ReportingSettings`` fills them in the composition root)."""

    stale_after_days: int = 7
    low_stock_threshold: int = 0  # base units (g, pcs, ml): on hand at or below is "low"


DEFAULT_OPTIONS = ReportOptions()


@dataclasses.dataclass(slots=True)
class CoopFigures:
    amounts: dict[str, int] = dataclasses.field(
        default_factory=lambda: dict.fromkeys(AMOUNT_KEYS, 0))
    # stock transfers in the month by the other cooperative: [out_idr, in_idr]
    transfers: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    # sales to another cooperative in the month, by the buyer: what they added to each
    # amount (a group of both eliminates them)
    sales_to: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)
    low_stock: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    last_recorded_at: datetime | None = None
    last_business_date: date | None = None
    last_activity_date: date | None = None

    def add(self, key: str, value: int | Decimal) -> None:
        if key not in self.amounts:
            raise KeyError(f"unknown figure {key}")
        self.amounts[key] += whole(value)

    def copy(self) -> CoopFigures:
        """An independent copy (nothing mutable shared)."""
        return CoopFigures(
            amounts=dict(self.amounts),
            transfers={k: list(v) for k, v in self.transfers.items()},
            sales_to={k: dict(v) for k, v in self.sales_to.items()},
            low_stock=[dict(entry) for entry in self.low_stock],
            last_recorded_at=self.last_recorded_at, last_business_date=self.last_business_date,
            last_activity_date=self.last_activity_date)

    def derive(self) -> None:
        """Totals defined from the other figures (called once, after every fetch)."""
        a = self.amounts
        a["sales.net_idr"] = a["sales.gross_idr"] - a["sales.voided_idr"]
        a["savings.total_idr"] = sum(a[f"savings.{kind}_idr"] for kind in SAVINGS_TYPES)
        a["volume_usaha_idr"] = (a["sales.retail_idr"] + a["sales.produce_marketing_idr"]
                                 + a["loans.disbursed_idr"])


def whole(value: int | Decimal) -> int:
    """A SQL sum (``numeric``, read as ``Decimal``) or count as an exact ``int``."""
    if type(value) is int:
        return value
    number = int(value)
    if number != value:
        raise ValueError(f"a sum of whole rupiah or units is whole, not {value}")
    return number


_AMOUNTS_OF = operator.itemgetter(*AMOUNT_KEYS)


def _amounts_of(f: CoopFigures) -> tuple[int, ...]:
    if len(f.amounts) != len(AMOUNT_KEYS):  # a figure no report knows
        raise KeyError(f"unknown figures {sorted(set(f.amounts) - set(AMOUNT_KEYS))}")
    values: tuple[int, ...] = _AMOUNTS_OF(f.amounts)
    return values


def sum_amounts(figures: Iterable[CoopFigures]) -> dict[str, int]:
    """Every amount summed over ``figures``. Column by column in C (``zip``, ``sum``):
    a federation report adds up three sets of 1,000 cooperatives' ~130 amounts, which
    a loop over each cooperative's items spent a tenth of the request on."""
    columns = list(zip(*map(_amounts_of, figures), strict=True))
    if not columns:
        return dict.fromkeys(AMOUNT_KEYS, 0)
    return dict(zip(AMOUNT_KEYS, map(sum, columns), strict=True))


def sale_figures(category: str, buyer_type: str, gross: int, voided: int, credit: int,
                 channel: str = "produce_trade") -> dict[str, int]:
    """What sales of one category, buyer type and channel add to each amount of their
    seller (the totals ``CoopFigures.derive`` computes included). The default channel is
    a sale's to another cooperative (what a group eliminates)."""
    net = gross - voided
    omzet = "sales.produce_marketing_idr" if category in PRODUCE_MARKETING else "sales.retail_idr"
    return {"sales.gross_idr": gross, "sales.voided_idr": voided, "sales.credit_idr": credit,
            f"sales.{buyer_type}_idr": net, f"sales.{category}.{buyer_type}_idr": net,
            f"sales.channel.{channel}_idr": net,
            omzet: net, "sales.net_idr": net, "volume_usaha_idr": net}

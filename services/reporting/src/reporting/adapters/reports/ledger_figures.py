"""A cooperative's summable figures from its ledger sums (``ledger_reads``).

``LedgerSums`` holds, for one cooperative and one period, each ledger's flows (the
period's) and balances (at ``as_of``) per dims; ``subtract`` takes away what was
recorded after a moment; ``apply`` writes them into ``CoopFigures`` exactly as the
report's own queries add their rows (``fetch_business``, ``fetch_stock``,
``fetch_savings``, ``fetch_loans``): the same keys, the same sale figures per category
and buyer, transfers by the other cooperative.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from reporting.adapters.read_model.ledgers import (
    LOANS,
    PRODUCE,
    SALES,
    SALES_TO,
    SAVINGS,
    STOCK,
    TRANSFERS,
    Ledger,
)
from reporting.domain.reports.figures import CATEGORIES, CHANNELS, CoopFigures, sale_figures

__all__ = ["AMOUNT_LEDGERS", "LedgerSums"]

# the ledgers whose sums are figures (stock by warehouse and product: low stock)
AMOUNT_LEDGERS: tuple[Ledger, ...] = (SALES, SALES_TO, PRODUCE, STOCK, TRANSFERS, SAVINGS,
                                      LOANS)

_SALES_KEYS = {"gross": "sales.gross_idr", "voided": "sales.voided_idr",
               "credit": "sales.credit_idr", "member": "sales.member_idr",
               "non_member": "sales.non_member_idr", "retail": "sales.retail_idr",
               "produce_marketing": "sales.produce_marketing_idr",
               **{f"{cat}_{buyer}": f"sales.{cat}.{buyer}_idr" for cat in CATEGORIES
                  for buyer in ("member", "non_member")},
               **{channel: f"sales.channel.{channel}_idr" for channel in CHANNELS}}
_PRODUCE_KEYS = {"amount": "produce.amount_idr", "grams": "produce.net_qty_g",
                 "receipts": "produce.receipts"}
_STOCK_KEYS = {"value": "stock.net_change_idr", "receipt": "stock.receipt_idr",
               "produce": "stock.produce_idr", "issue": "stock.issue_idr",
               "returned": "stock.return_idr", "adjustment_in": "stock.adjustment_in_idr",
               "adjustment_out": "stock.adjustment_out_idr",
               "transfer_out": "stock.transfer_out_idr", "transfer_in": "stock.transfer_in_idr",
               "spoilage": "stock.spoilage_idr"}
_SAVINGS_FLOWS = {"deposits": "savings.deposits_idr", "withdrawals": "savings.withdrawals_idr",
                  "refunds": "savings.refunds_idr"}
_SAVINGS_BALANCES = {"pokok": "savings.pokok_idr", "wajib": "savings.wajib_idr",
                     "sukarela": "savings.sukarela_idr"}
_LOAN_KEYS = {"disbursed": "loans.disbursed_idr", "disbursements": "loans.disbursed_count",
              "principal": "loans.repaid_principal_idr", "interest": "loans.interest_paid_idr",
              "penalty": "loans.penalty_paid_idr", "written_off": "loans.written_off_idr"}


@dataclasses.dataclass
class LedgerSums:
    """One cooperative's ledger sums for one period: ledger -> dims -> [flows, balances]."""

    sums: dict[str, dict[tuple[Any, ...], list[list[int]]]] = dataclasses.field(
        default_factory=dict)
    # a sum that is no whole rupiah (a corrupted row): raised by ``apply``, so that only
    # this cooperative is left out of the report
    broken: ValueError | None = None

    def add(self, ledger: Ledger, dims: tuple[Any, ...], flows: Iterable[int | str],
            balances: Iterable[int | str]) -> None:
        """Add flows and balances (ints, or numeric text as the ledger reads return)."""
        try:
            whole_flows = [int(v) for v in flows]
            whole_balances = [int(v) for v in balances]
        except ValueError as exc:
            self.broken = exc
            return
        slot = self.sums.setdefault(ledger.name, {}).setdefault(
            dims, [[0] * len(ledger.measures), [0] * len(ledger.measures)])
        for i, v in enumerate(whole_flows):
            slot[0][i] += v
        for i, v in enumerate(whole_balances):
            slot[1][i] += v

    def subtract(self, ledger: Ledger, dims: tuple[Any, ...], values: Iterable[int | str],
                 in_period: bool) -> None:
        """Take away what facts recorded after a moment add (to the flows only when
        dated in the period; to the balances always)."""
        try:
            negated = [-int(v) for v in values]
        except ValueError as exc:
            self.broken = exc
            return
        self.add(ledger, dims, negated if in_period else [0] * len(negated), negated)

    def _of(self, ledger: Ledger) -> dict[tuple[Any, ...], list[list[int]]]:
        return self.sums.get(ledger.name, {})

    def apply(self, f: CoopFigures, cooperative_id: str) -> None:
        """Write the sums into ``f`` (before ``f.derive()``)."""
        if self.broken is not None:
            raise self.broken
        a = f.amounts
        for (flows, _) in self._of(SALES).values():
            values = dict(zip(SALES.measures, flows, strict=True))
            if values.pop("unknown"):
                raise KeyError("a sale line of a category or buyer type no report knows")
            for measure, key in _SALES_KEYS.items():
                a[key] += values[measure]
        for (buyer, category, buyer_type), (flows, _) in sorted(self._of(SALES_TO).items()):
            gross, voided, credit = flows
            added = sale_figures(category, buyer_type, gross, voided, credit)
            to_buyer = f.sales_to.setdefault(buyer, {})
            for key, value in added.items():
                to_buyer[key] = to_buyer.get(key, 0) + value
        for (flows, _) in self._of(PRODUCE).values():
            for measure, value in zip(PRODUCE.measures, flows, strict=True):
                a[_PRODUCE_KEYS[measure]] += value
        for (flows, balances) in self._of(STOCK).values():
            for measure, value in zip(STOCK.measures, flows, strict=True):
                a[_STOCK_KEYS[measure]] += value
            a["stock.value_idr"] += balances[STOCK.measures.index("value")]
        for (counterparty,), (flows, _) in sorted(self._of(TRANSFERS).items()):
            sides = f.transfers.setdefault(counterparty or cooperative_id, [0, 0])
            sides[0] += flows[0]
            sides[1] += flows[1]
        for (flows, balances) in self._of(SAVINGS).values():
            values = dict(zip(SAVINGS.measures, flows, strict=True))
            if balances[SAVINGS.measures.index("unknown")]:
                raise KeyError("a savings movement of a type no report knows")
            for measure, key in _SAVINGS_FLOWS.items():
                a[key] += values[measure]
            for measure, key in _SAVINGS_BALANCES.items():
                a[key] += balances[SAVINGS.measures.index(measure)]
        for (flows, _) in self._of(LOANS).values():
            for measure, value in zip(LOANS.measures, flows, strict=True):
                a[_LOAN_KEYS[measure]] += value

"""Moving-average valuation of one product in one warehouse, in integer rupiah.

The ledger keeps the quantity on hand and its total value; the average is never stored
as a fraction, only the pair it is made of.

- An inflow (receipt, return, transfer in, count found more) adds its quantity and its
  cost.
- An outflow of ``q`` from ``on_hand ≥ q`` costs ``round_half_up(value * q / on_hand)``.
  When ``q == on_hand`` that is exactly ``value``: the last unit takes what remains, so
  the value is 0 whenever the quantity is 0 and never below 0 while the quantity is not.
- Units beyond the stock (an offline sale of goods the ledger did not know about) cost
  the last known average: the value/quantity pair the last time anything was on hand
  (0 if nothing ever was). The quantity and the value then go below zero: both are
  provisional until stock comes in.
- The inflow that brings a negative quantity back to zero or above settles it: the
  units left after the shortfall is filled are valued at that inflow's own unit cost,
  and what the provisional cost of the oversold units missed is reported as the
  inflow's ``settlement_variance_idr`` (a cost-of-goods correction for the books).
"""

from __future__ import annotations

import dataclasses

from gotong_platform.money import round_half_up_div

__all__ = ["Valuation"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Valuation:
    qty: int = 0  # on hand, all lots; below zero after an oversell
    value_idr: int = 0
    basis_value_idr: int = 0  # the last known average is basis_value / basis_qty
    basis_qty: int = 0

    def average_cost(self, qty: int) -> int:
        """What ``qty`` units cost at the last known average (0 if none is known)."""
        if self.basis_qty == 0:
            return 0
        return round_half_up_div(self.basis_value_idr * qty, self.basis_qty)

    def take(self, qty: int) -> tuple[int, Valuation]:
        """The cost of ``qty`` units leaving, and the valuation after."""
        if self.qty >= qty:
            cost = round_half_up_div(self.value_idr * qty, self.qty)
        else:
            within = max(self.qty, 0)
            cost = (self.value_idr if within else 0) + self.average_cost(qty - within)
        return cost, self.removed(qty, cost)

    def put(self, qty: int, cost_idr: int) -> tuple[int, Valuation]:
        """The settlement variance of ``qty`` units coming in at ``cost_idr``, and the
        valuation after."""
        new_qty = self.qty + qty
        if self.qty >= 0 or new_qty < 0:
            return 0, self.added(qty, cost_idr, 0)
        settled_value = round_half_up_div(cost_idr * new_qty, qty)
        variance = self.value_idr + cost_idr - settled_value
        return variance, self.added(qty, cost_idr, variance)

    def removed(self, qty: int, cost_idr: int) -> Valuation:
        """After ``qty`` units left at ``cost_idr`` (as recorded in an event)."""
        return self._rebased(self.qty - qty, self.value_idr - cost_idr)

    def added(self, qty: int, cost_idr: int, variance_idr: int) -> Valuation:
        """After ``qty`` units came in at ``cost_idr`` with a recorded settlement variance."""
        return self._rebased(self.qty + qty, self.value_idr + cost_idr - variance_idr)

    def _rebased(self, qty: int, value_idr: int) -> Valuation:
        if qty > 0:
            return Valuation(qty=qty, value_idr=value_idr, basis_value_idr=value_idr, basis_qty=qty)
        return dataclasses.replace(self, qty=qty, value_idr=value_idr)

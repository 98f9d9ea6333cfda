"""A transfer on its way: what the sending ledger let go, line by product.

The sending ledger records ``StockTransferredOut``; the receiving warehouse takes in
exactly those lot lines at their cost (``receive_transfer``), so it needs them as sent.
"""

from __future__ import annotations

import dataclasses

from inventory.domain.stock_events import StockLine

__all__ = ["SentLine"]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SentLine:
    """One product of a transfer as sent (the sender's product id), and whether the
    receiving warehouse took it in already."""

    transfer_id: str
    product_id: str
    from_warehouse_id: str
    from_cooperative_id: str
    lines: tuple[StockLine, ...]
    received: bool

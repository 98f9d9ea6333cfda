"""The stock ledger of one product in one warehouse: its state and its deciders.

One aggregate per (warehouse, product); the caller names the stream. The ledger
exists implicitly (``new_ledger``) and is folded by ``evolve_stock``. The deciders
live in small modules by direction and are gathered here:

- in: ``receive_goods``, ``receive_produce``, ``receive_transfer`` (``stock_receipts``)
- out: ``issue_stock``, ``return_stock``, ``transfer_stock_out`` (``stock_issues``)
- corrections: ``adjust_stock``, ``count_stock`` (``stock_counts``)

Picking follows ``lots`` (FEFO / FIFO, expired last for sales); value follows
``valuation`` (moving average in integer rupiah, last unit takes the remainder).
"""

from __future__ import annotations

from inventory.domain.ledger import IssueRecord, StockLedger, evolve_stock, new_ledger, replay_stock
from inventory.domain.lots import Lot
from inventory.domain.stock_counts import adjust_stock, count_stock
from inventory.domain.stock_issues import issue_stock, return_stock, transfer_stock_out
from inventory.domain.stock_receipts import receive_goods, receive_produce, receive_transfer

__all__ = [
    "IssueRecord",
    "Lot",
    "StockLedger",
    "adjust_stock",
    "count_stock",
    "evolve_stock",
    "issue_stock",
    "new_ledger",
    "receive_goods",
    "receive_produce",
    "receive_transfer",
    "replay_stock",
    "return_stock",
    "transfer_stock_out",
]

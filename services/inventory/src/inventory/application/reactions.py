"""Reactions to the payments service's answer about a sale (``python -m inventory consumer``).

- ``SalePaymentRecorded`` completes the sale; nothing happens if it is already completed
  or voided (the domain's ``complete_sale`` returns no events then).
- ``SalePaymentRefused`` compensates: the sale is voided (``payment_failed``, with the
  payments service's reason code and detail, so the clerk sees why) and every stock issue
  of the sale is returned exactly (``StockReturned``). A refusal that arrives for a sale
  already COMPLETED is applied as a void too: the payments service has the last word on
  whether the sale was paid, and a void after completion is a transition the sale allows.
  Whatever order the two answers arrive in, the sale ends voided with its stock back.

The consumer (``entrypoints.consumer``) decodes the event and calls a reaction inside
the runner's transaction with the consumed position and event id, so the events written
here (event store + outbox) exist exactly once per consumed event. A repeated delivery
is skipped by the runner; a second refusal for a voided sale finds nothing left to do
(returned issues are skipped), so compensation is idempotent in itself too. Lost races
on a ledger are retried in a savepoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gotong_platform.contracts import payments as p
from gotong_platform.db import DbConnection
from gotong_platform.envelope import Envelope
from gotong_platform.provenance import Provenance
from inventory.application.clock import BusinessCalendar
from inventory.application.errors import CooperativeNotKnown
from inventory.application.ports import Products, Sales, StockLedgers
from inventory.application.retry import retry_on_conflict
from inventory.domain import (
    CompleteSale,
    ProductNotFound,
    ReturnStock,
    Sale,
    SaleNotFound,
    SaleStatus,
    VoidReason,
    VoidSale,
    complete_sale,
    return_stock,
    void_sale,
)

__all__ = ["PaymentReactions"]

_DETAIL_MAX = 500  # the domain's limit on a void's detail


@dataclass(frozen=True)
class PaymentReactions:
    """What inventory does with the payments service's answer about a sale. ``env``:
    the answer's envelope (its id is the payment's reference, its date the fallback
    business date); ``provenance``: the reaction's, which continues the answer's flow."""

    sales: Sales
    products: Products
    ledgers: StockLedgers
    calendar: BusinessCalendar

    async def payment_recorded(self, conn: DbConnection, fact: p.SalePaymentRecordedV1,
                               env: Envelope, provenance: Provenance) -> None:
        await retry_on_conflict(conn, lambda: self._complete(conn, fact, env, provenance))

    async def payment_refused(self, conn: DbConnection, fact: p.SalePaymentRefusedV1,
                              env: Envelope, provenance: Provenance) -> None:
        await retry_on_conflict(conn, lambda: self._compensate(conn, fact, env, provenance))

    async def _complete(self, conn: DbConnection, fact: p.SalePaymentRecordedV1,
                        env: Envelope, provenance: Provenance) -> None:
        sale, version = await self._sale(conn, fact.sale_id, fact.cooperative_id)
        today = await self._today(conn, sale.cooperative_id, env)
        events = complete_sale(sale, CompleteSale(payment_ref=str(env.event_id),
                                                  completed_on=env.business_date), today=today)
        if events:
            await self.sales.save(conn, sale, version, events, provenance=provenance)

    async def _compensate(self, conn: DbConnection, fact: p.SalePaymentRefusedV1,
                          env: Envelope, provenance: Provenance) -> None:
        sale, version = await self._sale(conn, fact.sale_id, fact.cooperative_id)
        today = await self._today(conn, sale.cooperative_id, env)
        if sale.status is not SaleStatus.VOIDED:
            detail = f"{fact.reason_code}: {fact.detail}"[:_DETAIL_MAX]
            events = void_sale(sale, VoidSale(reason_code=VoidReason.PAYMENT_FAILED,
                                              voided_on=today, detail=detail), today=today)
            sale, _ = await self.sales.save(conn, sale, version, events, provenance=provenance)
        await self._return_issues(conn, sale, today, provenance)

    async def _return_issues(self, conn: DbConnection, sale: Sale, today: date,
                             provenance: Provenance) -> None:
        # Ledgers in product order, as the sale took them (no deadlocks).
        for product_id, issue_id in await self.sales.issues(conn, sale.sale_id):
            ledger, version = await self.ledgers.load(conn, sale.warehouse_id, product_id,
                                                      (issue_id,))
            if issue_id in ledger.returned_issue_ids:
                continue  # put back by an earlier delivery
            product, _ = await self.products.load(conn, product_id)
            if product is None:
                raise ProductNotFound(f"Sale {sale.sale_id} names an unknown product.")
            events = return_stock(ledger, ReturnStock(issue_id=issue_id, business_date=today),
                                  today=today)
            await self.ledgers.save(conn, ledger, version, events, product=product,
                                    cooperative_id=sale.cooperative_id, provenance=provenance)

    async def _sale(self, conn: DbConnection, sale_id: str, cooperative_id: str
                    ) -> tuple[Sale, int]:
        sale, version = await self.sales.load(conn, sale_id)
        # An answer about a sale this service never recorded (or another cooperative's)
        # is refused: the runner retries it, then dead-letters it for someone to look at.
        if sale is None or sale.cooperative_id != cooperative_id:
            raise SaleNotFound(f"No sale {sale_id} of {cooperative_id} is recorded here.")
        return sale, version

    async def _today(self, conn: DbConnection, cooperative_id: str, env: Envelope) -> date:
        """The cooperative's business date; the answer's own date if the directory lags."""
        try:
            return await self.calendar.today(conn, cooperative_id)
        except CooperativeNotKnown:
            return env.business_date

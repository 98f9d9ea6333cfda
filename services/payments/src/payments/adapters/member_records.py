"""One member's own records, read for her statement: her streams and her payouts.

Her three savings streams and each of her loans' streams are read whole (a member's
streams are short: a few hundred events in years), decoded with the domain's codecs
and folded with its ``replay_*``: the statement shows what the commands decide on,
not a copy of it. Her payouts come from their query table.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from gotong_platform.db import DbConnection
from gotong_platform.eventstore import PostgresEventStore
from payments.adapters.events import from_stored
from payments.domain import (
    Loan,
    LoanEvent,
    SavingsEvent,
    SavingsType,
    loan_event_from_payload,
    replay_loan,
    savings_event_from_payload,
)

__all__ = ["MemberRecords", "MemberRecordsReader"]

_SAVINGS = from_stored(savings_event_from_payload)
_LOANS = from_stored(loan_event_from_payload)


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberRecords:
    savings: dict[SavingsType, list[SavingsEvent]]
    loans: list[tuple[Loan, list[LoanEvent]]]
    payouts: list[dict[str, Any]]


class MemberRecordsReader:
    def __init__(self, store: PostgresEventStore) -> None:
        self._store = store

    async def read(self, conn: DbConnection, cooperative_id: str, member_id: str,
                   payouts_from: date, payouts_to: date) -> MemberRecords:
        savings = {t: [_SAVINGS(r.envelope.event_type, r.payload,
                                schema_version=r.envelope.schema_version)
                       for r in await self._store.load(conn, f"savings-{member_id}-{t.value}")]
                   for t in SavingsType}
        loans = []
        for row in await conn.fetch(
                "SELECT loan_id FROM loans WHERE cooperative_id = $1 AND member_id = $2 "
                "ORDER BY applied_on, loan_id", cooperative_id, member_id):
            events = [_LOANS(r.envelope.event_type, r.payload,
                             schema_version=r.envelope.schema_version)
                      for r in await self._store.load(conn, row["loan_id"])]
            loan = replay_loan(events)
            if loan is not None and loan.cooperative_id == cooperative_id:
                loans.append((loan, events))
        payouts = [dict(r) for r in await conn.fetch(
            """SELECT receipt_id, business_date, product_id, net_qty_g, grade, gross_idr,
                      deductions, net_paid_idr
               FROM payouts WHERE cooperative_id = $1 AND member_id = $2
               AND business_date BETWEEN $3 AND $4 ORDER BY business_date, receipt_id""",
            cooperative_id, member_id, payouts_from, payouts_to)]
        # Only her own cooperative's accounts (a stream id names the member, not the tenant).
        mine = {t: [e for e in events if e.cooperative_id == cooperative_id]
                for t, events in savings.items()}
        return MemberRecords(savings=mine, loans=loans, payouts=payouts)

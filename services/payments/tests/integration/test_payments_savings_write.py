"""The set-wise savings write stores every event field exactly as it was given."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from payments_harness import Api

from gotong_platform.eventstore import NewEvent, PostgresEventStore
from payments.adapters.savings_repository import AccountWrite, SavingsRepository
from payments.domain import SavingsAccount, SavingsType

pytestmark = pytest.mark.integration


def an_event(n: int, **fields: object) -> NewEvent:
    values: dict[str, object] = {
        "event_id": uuid.uuid4(), "event_type": "SavingsDeposited", "schema_version": 1,
        "payload": {"n": n, "text": 'kas "ä" \\ \u3000', "nested": {"list": [1, 2.5, None]}},
        "public_payload": {"amount_idr": 10**15 + n, "note": "\u00e9"},
        "cooperative_id": "coop-w",
        "occurred_at": datetime(2026, 3, 2, 9, 15, 0, 123456,
                                tzinfo=timezone(timedelta(hours=8))),
        "business_date": date(2026, 3, 2), **fields}
    return NewEvent(**values)  # type: ignore[arg-type]


async def test_every_field_is_stored_as_given(api: Api) -> None:
    store = PostgresEventStore(source="payments", topic="gotong.payments.events")
    repo = SavingsRepository(store)
    events = [
        an_event(1, correlation_id=uuid.uuid4(), causation_id=uuid.uuid4(),
                 command_id="0193a6c2-7b1e", actor="user-1", traceparent="00-ab-cd-01",
                 tracestate="k=v,\"x\""),
        an_event(2, public_payload=None, occurred_at=datetime(2026, 3, 3, 1, 2, 3)),
        an_event(3, occurred_at=datetime(2026, 3, 4, tzinfo=UTC), payload={}),
    ]
    state = SavingsAccount(account_id="savings-m-w-sukarela", cooperative_id="coop-w",
                           member_id="m-w", savings_type=SavingsType.SUKARELA,
                           opened_on=date(2026, 1, 1), pokok_amount_idr=None, balance_idr=7)
    async with api.pool.acquire() as conn:
        await repo.write(conn, [AccountWrite(state=state, expected_version=0, events=events)])
    rows = await api.rows(
        "SELECT e.*, o.payload AS queued_payload, o.topic FROM events e "
        "LEFT JOIN outbox o USING (event_id) WHERE e.stream_id = $1 ORDER BY stream_version",
        state.account_id)
    assert [r["stream_version"] for r in rows] == [1, 2, 3]
    for row, e in zip(rows, events, strict=True):
        occurred = (e.occurred_at if e.occurred_at.tzinfo
                    else e.occurred_at.replace(tzinfo=UTC))
        assert (row["event_id"], row["event_type"], row["schema_version"],
                row["cooperative_id"], row["occurred_at"], row["business_date"],
                row["correlation_id"], row["causation_id"], row["command_id"], row["actor"],
                row["traceparent"], row["tracestate"], row["payload"],
                row["public_payload"]) == (
            e.event_id, e.event_type, e.schema_version, e.cooperative_id, occurred,
            e.business_date, e.correlation_id, e.causation_id, e.command_id, e.actor,
            e.traceparent, e.tracestate, e.payload, e.public_payload)
        # The outbox queues what the event store keeps as published (republish reads it).
        assert row["queued_payload"] == e.public_payload
        assert row["topic"] == ("gotong.payments.events" if e.public_payload else None)
    account = (await api.rows("SELECT balance_idr, version FROM savings_accounts "
                              "WHERE account_id = $1", state.account_id))[0]
    assert (account["balance_idr"], account["version"]) == (7, 3)

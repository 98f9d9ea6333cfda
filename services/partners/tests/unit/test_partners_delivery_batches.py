"""A delivery batch's outcome: where the position moves (``passed_to``), and what the
Kafka sender reports when a record of a batch is refused."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from aiokafka.errors import KafkaTimeoutError

from partners.adapters.kafka_sender import ACCEPTED, KafkaTopicSender
from partners.domain import Attempt, PendingEvent, SendOutcome, passed_to

pytestmark = pytest.mark.unit

OK = SendOutcome(status=204)
REFUSED = SendOutcome(status=500)


def pending(*positions: int) -> list[PendingEvent]:
    return [PendingEvent(position=p, webhook_id=uuid.uuid4(), body=b"{}",
                         event={"cooperativeid": "cooperative-1", "data": {"n": p}})
            for p in positions]


def attempts(events: list[PendingEvent], *outcomes: SendOutcome) -> list[Attempt]:
    return [Attempt(event=e, outcome=o) for e, o in zip(events, outcomes, strict=False)]


def test_every_event_accepted_passes_the_whole_batch_unselected_ones_included() -> None:
    batch = pending(4, 5, 6, 7)
    sent = [batch[0], batch[2]]  # 5 and 7 not selected
    assert passed_to(batch, sent, attempts(sent, OK, OK), start=3) == 7


def test_a_refusal_stops_before_the_refused_event_past_unselected_ones_before_it() -> None:
    batch = pending(4, 5, 6, 7, 8)
    sent = [batch[0], batch[2], batch[4]]  # 5 and 7 not selected
    assert passed_to(batch, sent, attempts(sent, OK, REFUSED), start=3) == 5
    assert passed_to(batch, sent, attempts(sent, REFUSED), start=3) == 3


def test_an_event_that_was_to_be_sent_and_was_not_attempted_is_not_passed() -> None:
    batch = pending(4, 5, 6)
    assert passed_to(batch, batch, attempts(batch, OK), start=3) == 4
    assert passed_to(batch, [], [], start=3) == 6  # nothing selected: all passed


class Producer:
    """Hands back one future per record; the record numbered ``failing`` (and those after
    it, as an idempotent producer fails them in its partition) is refused."""

    def __init__(self, failing: int | None) -> None:
        self.failing = failing
        self.records: list[dict[str, Any]] = []

    async def send(self, topic: str, **record: Any) -> asyncio.Future[Any]:
        self.records.append(record)
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self.failing is not None and len(self.records) > self.failing:
            done.set_exception(KafkaTimeoutError("no acknowledgement"))
        else:
            done.set_result(None)
        return done


async def test_the_kafka_batch_is_sent_whole_and_reported_up_to_the_first_refusal() -> None:
    producer = Producer(failing=2)
    sender = KafkaTopicSender(producer)  # type: ignore[arg-type]
    outcomes = await sender.send_many("partner.bank", [], pending(1, 2, 3, 4))
    assert len(producer.records) == 4  # all handed over before any acknowledgement
    assert [o.status for o in outcomes] == [ACCEPTED, ACCEPTED, None]
    assert "KafkaTimeoutError" in (outcomes[-1].error or "")
    whole = KafkaTopicSender(Producer(None))  # type: ignore[arg-type]
    done = await whole.send_many("partner.bank", [], pending(1, 2))
    assert [o.status for o in done] == [ACCEPTED, ACCEPTED]

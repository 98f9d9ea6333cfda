"""Writing one partner event to the partner's topic (the ``WebhookSender`` port for KAFKA
subscriptions), in CloudEvents' Kafka protocol binding, binary content mode.

The record's value is the event's ``data`` (the partner contract's JSON, exactly what the
pull feed and the webhooks carry); every other attribute is a ``ce_`` header
(``ce_specversion``, ``ce_id``, ``ce_source``, ``ce_type``, ``ce_time``, ``ce_dataschema``,
``ce_subject``, and the extensions ``ce_cooperativeid`` and ``ce_businessdate``; not the
pull feed's ``position``: Kafka has its own offsets), and ``content-type`` is the data's.
The key is the cooperative: a cooperative's events share a partition, so each of its
streams keeps its order (the internal stream ids are not the partner's to see). The
producer is idempotent with ``acks=all``: a send counts once the broker has it, and a
retried one is not doubled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from partners.domain import PendingEvent, SendOutcome

__all__ = ["KafkaTopicSender", "Producer", "binary_mode_record"]

# The producer the composition root hands over (only adapters name the Kafka client).
Producer = AIOKafkaProducer

# As the AsyncAPI document says (partners.entrypoints.asyncapi): the value, the record's
# content-type, and the pull feed's cursor.
_NOT_HEADERS = frozenset({"data", "datacontenttype", "position"})
# Kafka has no status: an accepted write is reported as HTTP's 201 in the delivery log.
ACCEPTED = 201


def binary_mode_record(event: Mapping[str, Any]) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """The key, value and headers of ``event`` (a structured-mode CloudEvent)."""
    headers = [("content-type", str(event.get("datacontenttype", "application/json")).encode())]
    headers += [(f"ce_{name}", str(value).encode()) for name, value in event.items()
                if name not in _NOT_HEADERS and value is not None]
    key = str(event["cooperativeid"]).encode()
    return key, orjson.dumps(event["data"]), headers


class KafkaTopicSender:
    """Sends to the topic named as the endpoint's ``url``; the secrets and HTTP headers of
    a webhook do not apply."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer

    async def send(self, url: str, secrets: Sequence[str], event: PendingEvent,
                   headers: Mapping[str, str] | None = None) -> SendOutcome:
        key, value, record_headers = binary_mode_record(event.event)
        try:
            await self._producer.send_and_wait(url, value=value, key=key,
                                               headers=record_headers)
        except KafkaError as exc:
            return _refused(exc)
        return SendOutcome(status=ACCEPTED)

    async def send_many(self, url: str, secrets: Sequence[str],
                        events: Sequence[PendingEvent],
                        headers: Mapping[str, str] | None = None) -> list[SendOutcome]:
        """Hand every record to the producer, then await the acknowledgements together (one
        round trip per produce request, not per event). The idempotent producer keeps a
        partition's order, and a failed record fails those after it in its partition; the
        outcomes stop at the first failure in ``events``' order, so the delivery moves no
        further than the last event acknowledged before it (those written after it are
        sent again: at least once)."""
        sent: list[asyncio.Future[Any]] = []
        refused: SendOutcome | None = None
        for event in events:
            key, value, record_headers = binary_mode_record(event.event)
            try:
                sent.append(await self._producer.send(url, value=value, key=key,
                                                      headers=record_headers))
            except KafkaError as exc:
                refused = _refused(exc)
                break
        answers = await asyncio.gather(*sent, return_exceptions=True)
        outcomes: list[SendOutcome] = []
        for answer in answers:
            if isinstance(answer, BaseException):
                if not isinstance(answer, KafkaError):
                    raise answer
                outcomes.append(_refused(answer))
                return outcomes
            outcomes.append(SendOutcome(status=ACCEPTED))
        if refused is not None:
            outcomes.append(refused)
        return outcomes


def _refused(exc: KafkaError) -> SendOutcome:
    return SendOutcome(status=None, error=f"{type(exc).__name__}: {exc}"[:500])

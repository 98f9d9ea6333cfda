"""How far behind a consumer is on each partition, in time.

Lag in events (high watermark minus position) says how much is left, not how late the
read model or the reactions are: ten events are nothing on a busy afternoon and a day's
delay on a quiet night. ``UnappliedRecords`` keeps the records a runner has received from
Kafka and not applied yet, so the Kafka timestamp of the oldest of them is known exactly;
``gotong_consumer_lag_seconds`` turns it into an age when Prometheus scrapes.

When the runner has applied everything it received while the broker holds more (the high
watermark is past its position), the next record was written after the last one applied,
so that one's timestamp stands in: an upper bound, tight while a backlog is drained (its
records follow one another closely). With nothing left to apply the answer is None: no lag.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence

from aiokafka import ConsumerRecord, TopicPartition

__all__ = ["UnappliedRecords"]


class UnappliedRecords:
    """The records received and not yet applied, per partition, and where each stands."""

    def __init__(self) -> None:
        # Batches in the order they were received, each with the index of its first
        # record not applied yet (a poison record is isolated within a batch).
        self._batches: dict[TopicPartition, deque[tuple[Sequence[ConsumerRecord[bytes, bytes]],
                                                        int]]] = {}
        self._position: dict[TopicPartition, int] = {}
        self._high: dict[TopicPartition, int] = {}
        self._last_applied: dict[TopicPartition, float] = {}

    def received(self, tp: TopicPartition, records: Sequence[ConsumerRecord[bytes, bytes]]
                 ) -> None:
        if records:
            self._batches.setdefault(tp, deque()).append((records, 0))

    def positioned(self, tp: TopicPartition, next_offset: int) -> None:
        """Where the consumer starts on ``tp`` (its stored position)."""
        self._position[tp] = next_offset

    def applied(self, tp: TopicPartition, next_offset: int) -> None:
        """Every record of ``tp`` before ``next_offset`` is applied (or dead-lettered)."""
        self._position[tp] = next_offset
        batches = self._batches.get(tp)
        while batches:
            records, start = batches[0]
            index = start
            while index < len(records) and records[index].offset < next_offset:
                index += 1
            if index > start:
                self._last_applied[tp] = records[index - 1].timestamp / 1000
            if index < len(records):
                batches[0] = (records, index)
                return
            batches.popleft()

    def high_watermark(self, tp: TopicPartition, high: int) -> None:
        self._high[tp] = high

    def forget(self, partitions: Iterable[TopicPartition]) -> None:
        """Partitions this consumer no longer holds (taken by another after a rebalance)."""
        for tp in partitions:
            for known in (self._batches, self._position, self._high, self._last_applied):
                known.pop(tp, None)

    def oldest_unapplied(self, tp: TopicPartition) -> float | None:
        """Kafka timestamp (seconds) of the oldest record of ``tp`` not applied yet."""
        batches = self._batches.get(tp)
        if batches:
            records, start = batches[0]
            return float(records[start].timestamp) / 1000
        if self._high.get(tp, 0) > self._position.get(tp, 0):
            return self._last_applied.get(tp)
        return None

    def __call__(self) -> Iterator[tuple[str, int, float | None]]:
        """(topic, partition, oldest unapplied timestamp) of every partition held."""
        for tp in sorted(self._position.keys() | self._batches.keys()):
            yield tp.topic, tp.partition, self.oldest_unapplied(tp)

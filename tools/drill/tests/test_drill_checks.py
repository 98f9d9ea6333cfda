"""The drill's verdict (``check_restored``) sees each way a restore can differ from T."""

from __future__ import annotations

import pytest

from gotong_drill.drill import check_restored

pytestmark = pytest.mark.unit

DUMP = b"1\tevent-a\t{}\n2\tevent-b\t{}\n"
READS = {"/cooperatives/c/loans": b'[{"loan_id":"l"}]', "/cooperatives/c/savings-policy": b"{}"}
AT_T = {"event-a", "event-b"}
AFTER_T = {"event-c"}


def verdict(dump: bytes = DUMP, ids: set[str] = AT_T,
            reads: dict[str, bytes] = READS) -> list[str]:
    return check_restored(DUMP, dump, AFTER_T, ids, READS, reads)


def test_the_service_as_it_was_at_t_passes() -> None:
    assert verdict() == []


def test_a_changed_byte_in_an_event_fails() -> None:
    (problem,) = verdict(dump=DUMP.replace(b"event-b\t{}", b"event-b\t{ }"))
    assert "first difference at row 2" in problem


def test_a_lost_event_fails() -> None:
    (problem,) = verdict(dump=DUMP.split(b"\n")[0] + b"\n")
    assert "1 rows, 2 expected" in problem


def test_an_event_after_t_coming_back_fails() -> None:
    problems = verdict(dump=DUMP + b"3\tevent-c\t{}\n", ids=AT_T | AFTER_T)
    assert len(problems) == 2
    assert "1 events recorded after T are back, e.g. event-c" in problems[1]


def test_a_read_answering_differently_or_not_at_all_fails() -> None:
    changed = {**READS, "/cooperatives/c/loans": b'[{"loan_id":"m"}]'}
    assert len(verdict(reads=changed)) == 1
    missing = {"/cooperatives/c/loans": READS["/cooperatives/c/loans"]}
    assert "savings-policy answers differently" in verdict(reads=missing)[0]

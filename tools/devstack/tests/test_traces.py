"""``make trace``: a v3 answer of Jaeger read into spans and printed as the tree of who caused
what (the end-to-end trace test reads a real Jaeger's answer with the same code)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from gotong_devstack.traces import find_url, main, render_trace, spans_of, summarise

pytestmark = pytest.mark.unit

TRACE = "0af7651916cd43dd8448eb211c80319c"
T0 = 1_795_000_000_000_000_000  # ns


def span(span_id: str, parent: str, name: str, kind: Any, start_ms: float, took_ms: float,
         **attributes: str) -> dict[str, Any]:
    return {"traceId": TRACE, "spanId": span_id, "parentSpanId": parent, "name": name,
            "kind": kind, "startTimeUnixNano": str(T0 + int(start_ms * 1e6)),
            "endTimeUnixNano": str(T0 + int((start_ms + took_ms) * 1e6)),
            "attributes": [{"key": k.replace("_", "."), "value": {"stringValue": v}}
                           for k, v in attributes.items()]}


def process(service: str, *spans: dict[str, Any]) -> dict[str, Any]:
    return {"resource": {"attributes": [
                {"key": "service.name", "value": {"stringValue": service}},
                {"key": "process.pid", "value": {"intValue": "4242"}}]},
            "scopeSpans": [{"scope": {"name": "t"}, "spans": list(spans)}]}


# As Jaeger's /api/v3/traces/<id> answers: one resourceSpans per process, the kind as
# OTLP's number (2 server, 3 client, 4 producer, 5 consumer), int64 as strings. The
# processes come in no particular order; so do the spans.
ANSWER = {"result": {"resourceSpans": [
    process("payments-consumer",
            span("c2", "c1", "INSERT", 3, 42.0, 1.0, db_system="postgresql"),
            span("c1", "p1", "consume SaleRecorded", 5, 40.0, 5.0)),
    process("inventory-api",
            span("a2", "a1", "POST /sales http send", 1, 9.0, 0.1),
            span("a1", "caller", "POST /cooperatives/{cooperative_id}/sales", 2, 0.0, 10.0,
                 http_route="/cooperatives/{cooperative_id}/sales"),
            span("q1", "a1", "INSERT", 3, 2.0, 1.5, db_system="postgresql")),
    process("inventory-relay", span("p1", "a1", "publish SaleRecorded", "SPAN_KIND_PRODUCER",
                                    30.0, 0.5)),
]}}


def test_the_answer_is_read_into_spans_of_their_processes() -> None:
    spans = {s.span_id: s for s in spans_of(ANSWER)}
    assert len(spans) == 6
    request = spans["a1"]
    assert (request.service, request.kind, request.parent_id) == ("inventory-api", "server",
                                                                  "caller")
    assert request.trace_id == TRACE
    assert request.attributes["http.route"] == "/cooperatives/{cooperative_id}/sales"
    assert spans["p1"].kind == "producer"  # a kind's name is read as well as its number
    assert spans["c1"].kind == "consumer"
    assert [s.span_id for s in spans.values() if s.is_query] == ["c2", "q1"]
    assert spans["c1"].end_ns - spans["c1"].start_ns == 5_000_000
    assert spans_of({}) == []  # Jaeger's 404 has no result


def test_the_tree_puts_each_span_under_its_cause_in_time_order() -> None:
    lines = render_trace(spans_of(ANSWER))
    assert lines == [
        "  at (ms) took (ms)  process kind name",
        "      0.0      10.0  inventory-api server POST /cooperatives/{cooperative_id}/sales",
        "      2.0       1.5    inventory-api client INSERT",
        "     30.0       0.5    inventory-relay producer publish SaleRecorded",
        "     40.0       5.0      payments-consumer consumer consume SaleRecorded",
        "     42.0       1.0        payments-consumer client INSERT",
    ]
    # The ASGI events of the request are left out unless asked for.
    everything = render_trace(spans_of(ANSWER), everything=True)
    assert "      9.0       0.1    inventory-api internal POST /sales http send" in everything
    assert render_trace([]) == []


def test_a_span_whose_parent_never_arrived_is_a_root_of_its_own() -> None:
    lost = spans_of({"result": {"resourceSpans": [
        process("inventory-api", span("a1", "caller", "POST /sales", 2, 0.0, 10.0)),
        process("payments-consumer", span("c1", "gone", "consume SaleRecorded", 5, 40.0, 5.0)),
    ]}})
    assert render_trace(lost) == [
        "  at (ms) took (ms)  process kind name",
        "      0.0      10.0  inventory-api server POST /sales",
        "     40.0       5.0  payments-consumer consumer consume SaleRecorded",
    ]


def test_a_summary_names_the_trace_by_its_first_root() -> None:
    summary = summarise(TRACE, spans_of(ANSWER))
    assert summary.root == "inventory-api POST /cooperatives/{cooperative_id}/sales"
    assert (summary.spans, summary.services, summary.duration_ms) == (6, 3, 45.0)
    assert summary.started == datetime.fromtimestamp(T0 / 1e9, UTC)


def test_the_search_asks_for_a_service_in_a_window_in_utc() -> None:
    wita = datetime.fromisoformat("2026-11-18T10:00:00+08:00")
    url = urlsplit(find_url("inventory-api", wita, wita.replace(hour=11), 20))
    assert url.path == "/api/v3/traces"
    assert parse_qs(url.query) == {
        "query.service_name": ["inventory-api"],
        "query.start_time_min": ["2026-11-18T02:00:00Z"],
        "query.start_time_max": ["2026-11-18T03:00:00Z"], "query.num_traces": ["20"]}


def test_no_jaeger_is_exit_status_2_with_what_to_run(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    # Port 9 (discard) on the loopback: nothing listens there.
    assert main([TRACE, "--url", "http://127.0.0.1:9"]) == 2
    assert "make jaeger" in capsys.readouterr().err

"""`make trace`: a trace of the local Jaeger (`make jaeger`) in the terminal.

    python -m gotong_devstack.traces             the latest traces that began in an API
    python -m gotong_devstack.traces TRACE_ID    one trace as a tree of its spans

The Jaeger that `make jaeger` builds from the Go module proxy answers its query API but
serves a placeholder page where the UI would be: Jaeger's UI is built with npm from its own
repository and embedded only in Jaeger's release binaries, which the project cannot fetch.
This prints what the UI's trace view shows: each span under the one that caused it, with its
process (`OTEL_SERVICE_NAME`: inventory-api, inventory-relay, ...), kind, name, start
offset and duration. It reads `/api/v3/traces` (OTLP's JSON) at `--url`, by default
http://127.0.0.1:$GOTONG_JAEGER_UI_PORT (16686, as tools/jaeger/jaeger.yaml has it).

Exit codes: 0 done; 1 no such trace, or no trace in the window; 2 Jaeger not answering.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["Span", "find_url", "main", "render_trace", "spans_of", "summarise"]

# OTLP's SpanKind, as the v3 API writes it (a number; a name is read too).
_KINDS = {0: "unspecified", 1: "internal", 2: "server", 3: "client", 4: "producer",
          5: "consumer"}
# The spans of one HTTP exchange that the FastAPI instrumentation adds under the server
# span ("... http receive", "... http send"): noise in a terminal, kept with --all.
_ASGI_EVENTS = (" http receive", " http send")


@dataclass(frozen=True)
class Span:
    """One span as a test or a person reads it."""

    trace_id: str
    service: str  # the process's service.name
    kind: str  # server, client, producer, consumer, internal
    name: str
    span_id: str
    parent_id: str  # "" for a root
    start_ns: int
    end_ns: int
    attributes: dict[str, Any]

    @property
    def is_query(self) -> bool:
        """A database client span (asyncpg's instrumentation)."""
        return self.kind == "client" and (
            "db.system" in self.attributes or "db.system.name" in self.attributes)

    def __str__(self) -> str:
        return f"{self.service} {self.kind} {self.name!r} {self.span_id}<-{self.parent_id}"


def _value(value: dict[str, Any]) -> Any:
    """An OTLP AnyValue as Python (the scalars that spans carry here)."""
    for key in ("stringValue", "boolValue", "doubleValue"):
        if key in value:
            return value[key]
    if "intValue" in value:
        return int(value["intValue"])  # JSON carries int64 as a string
    return value


def _kind(raw: Any) -> str:
    if isinstance(raw, int):
        return _KINDS.get(raw, str(raw))
    return str(raw or "SPAN_KIND_UNSPECIFIED").removeprefix("SPAN_KIND_").lower()


def _attributes(items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {item["key"]: _value(item.get("value", {})) for item in items}


def spans_of(document: dict[str, Any]) -> list[Span]:
    """The spans of a v3 API answer (``{"result": {"resourceSpans": [...]}}``)."""
    spans = []
    for resource in document.get("result", {}).get("resourceSpans", []):
        service = str(_attributes(resource.get("resource", {}).get("attributes", []))
                      .get("service.name", ""))
        for scope in resource.get("scopeSpans", []):
            for span in scope.get("spans", []):
                spans.append(Span(
                    trace_id=span.get("traceId", ""), service=service,
                    kind=_kind(span.get("kind")), name=span.get("name", ""),
                    span_id=span.get("spanId", ""), parent_id=span.get("parentSpanId", ""),
                    start_ns=int(span.get("startTimeUnixNano", 0)),
                    end_ns=int(span.get("endTimeUnixNano", 0)),
                    attributes=_attributes(span.get("attributes", []))))
    return spans


def _roots(spans: Sequence[Span]) -> list[Span]:
    """The spans whose parent is not in the trace (a caller's span, or none), earliest
    first."""
    ids = {s.span_id for s in spans}
    return sorted((s for s in spans if s.parent_id not in ids), key=lambda s: s.start_ns)


def render_trace(spans: Sequence[Span], *, everything: bool = False) -> list[str]:
    """The trace as lines under a header: when each span began (ms after the trace's
    first), how long it took (ms), then the span, indented under its parent (children by
    start time). The ASGI events under a server span are left out unless ``everything``."""
    shown = [s for s in spans if everything or not s.name.endswith(_ASGI_EVENTS)]
    if not shown:
        return []
    children: dict[str, list[Span]] = {}
    for span in shown:
        children.setdefault(span.parent_id, []).append(span)
    start = min(s.start_ns for s in shown)
    lines = [f"{'at (ms)':>9} {'took (ms)':>9}  process kind name"]

    def walk(span: Span, depth: int) -> None:
        offset = (span.start_ns - start) / 1e6
        took = (span.end_ns - span.start_ns) / 1e6
        lines.append(f"{offset:9.1f} {took:9.1f}  {'  ' * depth}"
                     f"{span.service} {span.kind} {span.name}")
        for child in sorted(children.get(span.span_id, []), key=lambda s: s.start_ns):
            walk(child, depth + 1)

    for root in _roots(shown):
        walk(root, 0)
    return lines


@dataclass(frozen=True)
class TraceSummary:
    trace_id: str
    started: datetime
    root: str  # the first root span's process and name
    spans: int
    services: int
    duration_ms: float


def summarise(trace_id: str, spans: Sequence[Span]) -> TraceSummary:
    roots = _roots(spans)
    first = roots[0] if roots else min(spans, key=lambda s: s.start_ns)
    start, end = min(s.start_ns for s in spans), max(s.end_ns for s in spans)
    return TraceSummary(trace_id, datetime.fromtimestamp(start / 1e9, UTC),
                        f"{first.service} {first.name}", len(spans),
                        len({s.service for s in spans}), (end - start) / 1e6)


def find_url(service: str, start_min: datetime, start_max: datetime, limit: int) -> str:
    """The v3 query for the traces with a span of ``service`` begun in the window."""
    query = urllib.parse.urlencode({
        "query.service_name": service,
        "query.start_time_min": start_min.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "query.start_time_max": start_max.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "query.num_traces": str(limit)})
    return f"/api/v3/traces?{query}"


class JaegerUnreachable(Exception):
    pass


def _get(base: str, path: str) -> dict[str, Any] | None:
    """The JSON at ``path``, or None for Jaeger's 404 (no such trace, nothing found)."""
    try:
        with urllib.request.urlopen(base + path, timeout=10.0) as response:  # noqa: S310
            answer: dict[str, Any] = json.load(response)
            return answer
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise JaegerUnreachable(f"{base}{path}: HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise JaegerUnreachable(f"{base}: {exc}") from exc


def _show_trace(base: str, trace_id: str, everything: bool) -> int:
    document = _get(base, f"/api/v3/traces/{trace_id}")
    spans = spans_of(document or {})
    if not spans:
        print(f"Jaeger at {base} has no trace {trace_id}", file=sys.stderr)
        return 1
    summary = summarise(trace_id, spans)
    print(f"trace {trace_id}: {summary.spans} spans in {summary.services} processes, "
          f"{summary.duration_ms:.1f} ms")
    print("\n".join(render_trace(spans, everything=everything)))
    return 0


def _list_traces(base: str, hours: float, limit: int) -> int:
    services = (_get(base, "/api/v3/services") or {}).get("services", [])
    apis = [s for s in services if str(s).endswith("-api")] or services
    now = datetime.now(UTC)  # an operator's window on the local Jaeger, not a business date
    found: dict[str, list[Span]] = {}
    for service in apis:
        document = _get(base, find_url(service, now - timedelta(hours=hours), now, limit))
        for span in spans_of(document or {}):
            found.setdefault(span.trace_id, []).append(span)
    if not found:
        print(f"no trace began in an API in the last {hours:g} h "
              f"(services known to Jaeger: {', '.join(services) or 'none'})", file=sys.stderr)
        return 1
    summaries = sorted((summarise(t, spans) for t, spans in found.items()),
                       key=lambda s: s.started, reverse=True)[:limit]
    for s in summaries:
        print(f"{s.started:%H:%M:%S}Z {s.trace_id} {s.spans:4d} spans {s.services} "
              f"process{'es' if s.services > 1 else ''} {s.duration_ms:8.1f} ms  {s.root}")
    print(f"\none of them as a tree: make trace ID={summaries[0].trace_id}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    port = os.environ.get("GOTONG_JAEGER_UI_PORT", "16686")
    parser = argparse.ArgumentParser(prog="python -m gotong_devstack.traces",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("trace_id", nargs="?", help="a trace id (32 hex digits) to show")
    parser.add_argument("--url", default=f"http://127.0.0.1:{port}", help="Jaeger's query URL")
    parser.add_argument("--all", action="store_true", dest="everything",
                        help="show the ASGI receive/send spans under each request too")
    parser.add_argument("--hours", type=float, default=1.0, help="how far back to list")
    parser.add_argument("--limit", type=int, default=20, help="how many traces to list")
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")
    try:
        if args.trace_id:
            return _show_trace(base, args.trace_id.strip().lower(), args.everything)
        return _list_traces(base, args.hours, max(args.limit, 1))
    except JaegerUnreachable as exc:
        print(f"Jaeger is not answering ({exc}): start it with `make jaeger`", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

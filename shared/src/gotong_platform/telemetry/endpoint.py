"""The HTTP endpoint of a relay or consumer process: ``/metrics``, ``/health``, ``/ready``.

``/health`` answers 200 while the process's event loop runs (a liveness probe);
``/ready`` answers 200 while it is connected and working, 503 during an outage it is
riding out (``supervise``), so an operator and a probe see the difference between "down"
and "waiting for PostgreSQL". A few lines of asyncio instead of prometheus_client's
thread server, which serves metrics on every path and could not say either.
"""

from __future__ import annotations

import asyncio
import contextlib

import orjson
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gotong_platform.supervise import ProcessHealth
from gotong_platform.telemetry.metrics import PlatformMetrics

__all__ = ["serve_process_endpoint"]


async def serve_process_endpoint(
    host: str, port: int, metrics: PlatformMetrics, health: ProcessHealth
) -> asyncio.Server:
    """Listen on ``host:port`` until the returned server is closed."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = await asyncio.wait_for(reader.readline(), timeout=5)
            while (await asyncio.wait_for(reader.readline(), timeout=5)).strip():
                pass  # headers: nothing here needs them
            parts = request_line.decode("latin-1").split()
            path = parts[1].split("?", 1)[0] if len(parts) >= 2 else ""
            status, content_type, body = _route(path, metrics, health)
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body)
            await writer.drain()
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    return await asyncio.start_server(answer, host, port)


def _route(path: str, metrics: PlatformMetrics, health: ProcessHealth
           ) -> tuple[str, str, bytes]:
    if path == "/metrics":
        return "200 OK", CONTENT_TYPE_LATEST, generate_latest(metrics.registry)
    if path == "/health":
        return "200 OK", "application/json", b'{"status":"ok"}'
    if path == "/ready":
        body = orjson.dumps({"status": "ok" if health.ready else "outage",
                             "process": health.process, "outages": health.outages,
                             "last_outage": health.last_outage})
        return ("200 OK" if health.ready else "503 Service Unavailable", "application/json",
                body)
    return "404 Not Found", "application/json", b'{"status":"not found"}'

"""A real Jaeger v2 for a test, and the trace it has stored read back as spans.

``jaeger`` runs the binary that ``make jaeger-build`` puts in ``.tools/bin`` (``make test``
builds it first) with the repository's ``tools/jaeger/jaeger.yaml``, every port of it a
free one on the loopback; traces are kept in memory and go with the process. A machine
without the binary, or a Jaeger that does not come up, FAILS the test: it is never skipped.

``Jaeger.trace`` reads ``/api/v3/traces/<id>`` (OTLP's JSON) into ``Span``s: service name,
kind, name, ids and attributes, as a test asserts on them (``gotong_devstack.traces``, which
prints a trace for ``make trace``, reads them).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gotong_devstack.traces import Span, spans_of

__all__ = ["Jaeger", "Span", "free_port", "jaeger", "log_tail"]

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / ".tools" / "bin" / "jaeger"
CONFIG = ROOT / "tools" / "jaeger" / "jaeger.yaml"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    """A port nobody listens on now (the kernel's choice, released for the child)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass(frozen=True)
class Jaeger:
    """A running Jaeger: where to send spans and where to ask for them."""

    otlp_endpoint: str  # OTLP/HTTP, as OTEL_EXPORTER_OTLP_ENDPOINT takes it
    query_url: str  # the UI and its HTTP API
    log: Path

    async def trace(self, trace_id: str) -> list[Span]:
        """The spans Jaeger holds of ``trace_id`` so far (none: an empty list)."""
        async with httpx.AsyncClient(base_url=self.query_url, timeout=10.0) as client:
            response = await client.get(f"/api/v3/traces/{trace_id}")
        if response.status_code == 404:
            return []
        assert response.status_code == 200, response.text
        return spans_of(response.json())


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


@contextlib.contextmanager
def running_jaeger(log: Path) -> Iterator[Jaeger]:
    """Jaeger on free loopback ports until the block ends (then SIGTERM, SIGKILL)."""
    if not os.access(BINARY, os.X_OK):
        pytest.fail(f"Jaeger is not built ({BINARY.relative_to(ROOT)} is missing): "
                    "run 'make jaeger-build' (Go from the module proxy; 'make test' does it)")
    ports = {name: free_port() for name in ("OTLP_HTTP", "OTLP_GRPC", "UI", "QUERY_GRPC")}
    env = {**os.environ, **{f"GOTONG_JAEGER_{name}_PORT": str(port)
                            for name, port in ports.items()}}
    with log.open("wb") as output:
        child = subprocess.Popen(  # noqa: S603 - the project's own binary and config
            [str(BINARY), "--config", str(CONFIG)], env=env, stdin=subprocess.DEVNULL,
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        jaeger = Jaeger(f"http://127.0.0.1:{ports['OTLP_HTTP']}",
                        f"http://127.0.0.1:{ports['UI']}", log)
        deadline = time.monotonic() + START_TIMEOUT
        while not (_answers(f"{jaeger.query_url}/api/v3/services")
                   and _accepts(ports["OTLP_HTTP"])):
            if child.poll() is not None:
                pytest.fail(f"Jaeger exited with {child.returncode}:\n{log_tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"Jaeger did not answer within {START_TIMEOUT:.0f} s:\n"
                            f"{log_tail(log)}")
            time.sleep(0.2)
        yield jaeger
    finally:
        stop(child)


def _accepts(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1.0):
        return True
    return False


def stop(child: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after ``STOP_TIMEOUT``; reaped either way."""
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@pytest.fixture
def jaeger(tmp_path: Path) -> Iterator[Jaeger]:
    with running_jaeger(tmp_path / "jaeger.log") as running:
        yield running

"""Relays and consumers ride out an outage by themselves.

When PostgreSQL restarts or the broker goes away, a relay or consumer used to exit and
wait for something outside to start it again (``make run`` supervises nothing, and a
pod's restart back-off grows to minutes). ``keep_running`` runs the process's work
again after an outage (``gotong_platform.outages``) with a jittered exponential
back-off, and keeps ``ProcessHealth`` (and the ``gotong_process_ready`` gauge) true to
what is happening, which ``/ready`` of the process endpoint reports. An error that is
not an outage is a fault: it is raised, and the process exits loudly.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
from collections.abc import Awaitable, Callable

from gotong_platform.outages import is_outage
from gotong_platform.telemetry.metrics import PlatformMetrics

__all__ = ["ProcessHealth", "keep_running"]

log = logging.getLogger(__name__)

# Work that ran this long before failing was healthy: the back-off starts again small.
_HEALTHY_RUN_S = 60.0


@dataclasses.dataclass
class ProcessHealth:
    """What a relay or consumer says of itself on ``/ready``."""

    process: str
    ready: bool = False
    outages: int = 0
    last_outage: str | None = None
    metrics: PlatformMetrics | None = None

    def mark(self, ready: bool) -> None:
        self.ready = ready
        if self.metrics is not None:
            self.metrics.process_ready.labels(self.process).set(1 if ready else 0)


async def keep_running(
    work: Callable[[], Awaitable[None]], *, health: ProcessHealth, stopping: asyncio.Event,
    initial_backoff_s: float = 0.5, max_backoff_s: float = 30.0,
) -> None:
    """Await ``work()`` until it returns or ``stopping`` is set; after an outage, again."""
    loop = asyncio.get_running_loop()
    backoff = initial_backoff_s
    while not stopping.is_set():
        started = loop.time()
        try:
            await work()
            return
        except Exception as exc:
            if not is_outage(exc):
                health.mark(False)
                raise
            health.mark(False)
            health.outages += 1
            health.last_outage = type(exc).__name__
            if health.metrics is not None:
                health.metrics.process_outages.labels(health.process).inc()
            if loop.time() - started >= _HEALTHY_RUN_S:
                backoff = initial_backoff_s
            pause = random.uniform(backoff / 2, backoff)  # noqa: S311 - spacing, not a secret
            log.warning("%s lost its database or broker; reconnecting in %.1f s",
                        health.process, pause,
                        extra={"fields": {"process": health.process, "error": repr(exc),
                                          "outages": health.outages}})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=pause)
            backoff = min(backoff * 2, max_backoff_s)

"""Serving a service API: ``python -m <service> api [--workers N]``.

One uvicorn process runs one event loop on one core, and the benchmark shows an
API process CPU-bound well before PostgreSQL is. On a host of its own, N worker
processes (sharing the port) use N cores. In Kubernetes the manifests keep one
worker per pod and scale pods instead, so each process has its own CPU limit.

Each worker imports the service and calls a no-argument app factory that reads
its settings from the environment; migrations on start take an advisory lock,
so workers starting together take turns. ``/metrics`` reads the outbox backlog
at scrape time, so any worker answers it the same.
"""

from __future__ import annotations

import gc

__all__ = ["serve_api", "tune_gc_for_requests"]

# The cyclic garbage collector's first threshold in an API process (CPython's default
# is 700 allocations). A request allocates thousands of short-lived objects (an offline
# batch of 500 facts, hundreds of thousands) that reference counting frees anyway; with
# the default, the collector ran every few hundred of them and walked the young objects
# each time: 38 % of the payments API's CPU per synced fact in a profile (85 -> 52 us).
_GC_THRESHOLD_0 = 100_000


def tune_gc_for_requests() -> None:
    """Call once the app is built, in each worker: start-up objects are frozen out of
    the collector's walks, and young collections run 1/140 as often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(_GC_THRESHOLD_0, *gc.get_threshold()[1:])


def serve_api(factory: str, *, host: str, port: int, workers: int = 1) -> None:
    """Serve ``factory`` (``"module:function"``, a no-argument app factory)."""
    import importlib

    import uvicorn

    if workers < 1:
        raise ValueError("--workers must be at least 1")
    if workers == 1:
        # Built here, so a settings error stops the command with its own message.
        module, _, name = factory.partition(":")
        app = getattr(importlib.import_module(module), name)()
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
        return
    uvicorn.run(factory, factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=False)

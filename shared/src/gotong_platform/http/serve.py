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

__all__ = ["serve_api"]


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

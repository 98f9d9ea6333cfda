"""What-if: a service API with ONE bench-side change, to price an optimisation.

    python -m gotong_bench.whatif_api payments|inventory --port N [--tracing MODE] [--workers W]

Runs the service's own ``create_app`` with its own settings (the same environment
variables as ``python -m <service> api``), changed only inside this process:

* ``--tracing recording``: every span recorded and the full FastAPI instrumentation,
  as the services ran before tracing learned to record only when an exporter receives
  the spans (the profiles showed the instrumentation and a recording SDK span per
  request costing 10-14 % of the API's CPU). This is also the cost of running with an
  OTLP exporter and every trace sampled.
* ``--workers W`` runs W uvicorn worker processes instead of one.

Nothing under ``services/`` or ``shared/`` changes; this measures what a change would
buy (or bought), so docs/performance.md carries a number.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any

__all__ = ["inventory_app", "main", "payments_app"]


def _set_tracing(mode: str) -> None:
    if mode != "recording":
        return
    from gotong_platform.telemetry import tracing

    # Open the sampling gate without adding a processor: spans are recorded and
    # ended as before, then go nowhere (exactly the old behaviour without an exporter).
    tracing._GATE.open()


def _app(service: str) -> Any:
    import os

    main = importlib.import_module(f"{service}.main")
    settings = importlib.import_module(f"{service}.settings")
    settings_class = {"payments": "PaymentsSettings", "inventory": "InventorySettings"}[service]
    # Before create_app: its instrument_http picks the full FastAPI instrumentation
    # when spans are exported, as every app did before tracing was export-gated.
    _set_tracing(os.environ.get("GOTONG_BENCH_TRACING", "shipped"))
    return main.create_app(getattr(settings, settings_class)())


def payments_app() -> Any:
    return _app("payments")


def inventory_app() -> Any:
    return _app("inventory")


def main() -> None:
    import os

    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m gotong_bench.whatif_api")
    parser.add_argument("service", choices=["payments", "inventory"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tracing", choices=["shipped", "recording"], default="shipped")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    os.environ["GOTONG_BENCH_TRACING"] = args.tracing  # the workers read it at start-up
    uvicorn.run(f"gotong_bench.whatif_api:{args.service}_app", factory=True, host="127.0.0.1",
                port=args.port, workers=args.workers, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()

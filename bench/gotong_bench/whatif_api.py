"""What-if: a service API with ONE bench-side change, to price an optimisation.

    python -m gotong_bench.whatif_api payments|inventory --port N [--hints MODE] [--workers W]

Runs the service's own ``create_app`` with its own settings (the same environment
variables as ``python -m <service> api``), changed only inside this process:

* ``--hints cached|per-event``: how the domain codecs get the type hints of an event
  class. The profiles showed ``typing.get_type_hints`` re-evaluating every annotation
  string of every event of every stream load. ``cached`` caches the hints per class;
  ``per-event`` evaluates them for every event. Whichever the code under test ships,
  the bench runs the other one next to it, so the figure is the before/after of that
  one change (``hints_style()`` tells which is shipped).
* ``--workers W`` runs W uvicorn worker processes instead of one.

Nothing under ``services/`` or ``shared/`` changes; this measures what a change would
buy, so the recommendation in docs/performance.md carries a number.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import importlib
import typing
from typing import Any

__all__ = ["hints_style", "inventory_app", "main", "payments_app"]

_original_get_type_hints = typing.get_type_hints


def hints_style() -> str:
    """``cached`` when the shipped codecs cache type hints per class, else ``per-event``."""
    try:
        shared = importlib.import_module("gotong_platform.codec")
    except ImportError:
        return "per-event"
    fields = getattr(shared, "_init_fields", None)
    payments_codec = importlib.import_module("payments.domain.codec")
    uses_shared = getattr(payments_codec, "event_from_payload", None) is getattr(
        shared, "event_from_payload", object())
    return "cached" if uses_shared and hasattr(fields, "cache_info") else "per-event"


@functools.cache
def _hints_of(cls: type) -> dict[str, Any]:
    return _original_get_type_hints(cls)


def _get_type_hints(obj: Any, globalns: Any = None, localns: Any = None,
                    include_extras: bool = False) -> dict[str, Any]:
    """``typing.get_type_hints``, cached for the one call shape the codecs use."""
    if (globalns is None and localns is None and not include_extras
            and isinstance(obj, type) and dataclasses.is_dataclass(obj)):
        return _hints_of(obj)
    return _original_get_type_hints(obj, globalns, localns, include_extras)


def _set_hints(mode: str) -> None:
    if mode == "shipped" or mode == hints_style():
        return
    if mode == "cached":  # the older per-service codecs call typing.get_type_hints per event
        typing.get_type_hints = _get_type_hints
        return
    # per-event: undo the shared codec's cache (functools.cache keeps the original).
    shared = importlib.import_module("gotong_platform.codec")
    vars(shared)["_init_fields"] = shared._init_fields.__wrapped__


def _app(service: str) -> Any:
    import os

    _set_hints(os.environ.get("GOTONG_BENCH_HINTS", "shipped"))
    main = importlib.import_module(f"{service}.main")
    settings = importlib.import_module(f"{service}.settings")
    settings_class = {"payments": "PaymentsSettings", "inventory": "InventorySettings"}[service]
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
    parser.add_argument("--hints", choices=["shipped", "cached", "per-event"], default="shipped")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    os.environ["GOTONG_BENCH_HINTS"] = args.hints  # the workers read it when they import
    uvicorn.run(f"gotong_bench.whatif_api:{args.service}_app", factory=True, host="127.0.0.1",
                port=args.port, workers=args.workers, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()

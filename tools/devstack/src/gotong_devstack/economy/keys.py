"""The economy's Idempotency-Keys and client ids: stable across runs, versioned with the demo."""

from __future__ import annotations

from gotong_devstack.demo import DEMO_VERSION


def economy_key(*parts: object) -> str:
    """An Idempotency-Key or client id of the economy: `demo-v1-<parts>`."""
    return "-".join(["demo", DEMO_VERSION, *(str(p) for p in parts)])

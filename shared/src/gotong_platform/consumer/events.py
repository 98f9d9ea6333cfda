"""The event a consumer hands its handler: a record's envelope and data, and where it was."""

from __future__ import annotations

import dataclasses
from typing import Any

from gotong_platform.envelope import Envelope

__all__ = ["ConsumedEvent"]


@dataclasses.dataclass(frozen=True, slots=True)
class ConsumedEvent:
    """One decoded record: its envelope, its data, and its topic, partition and offset."""

    envelope: Envelope
    data: dict[str, Any]
    topic: str
    partition: int
    offset: int

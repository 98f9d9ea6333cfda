"""A warehouse (gudang, cold storage or gerai) that holds stock, as a decider."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from gotong_platform.domain import replay
from inventory.domain import checks
from inventory.domain.commands import RegisterWarehouse
from inventory.domain.errors import (
    EventSequenceError,
    WarehouseAlreadyRegistered,
    WarehouseCapacityNotPositive,
)
from inventory.domain.events import WarehouseEvent, WarehouseRegistered
from inventory.domain.values import WarehouseKind

__all__ = ["Warehouse", "evolve_warehouse", "register_warehouse", "replay_warehouse"]

NAME_MAX = 200


@dataclasses.dataclass(frozen=True, kw_only=True)
class Warehouse:
    warehouse_id: str
    cooperative_id: str
    name: str
    kind: WarehouseKind
    capacity_kg: int | None


def register_warehouse(
    state: Warehouse | None, command: RegisterWarehouse, *, warehouse_id: str
) -> list[WarehouseEvent]:
    """Register a place that holds stock under ``warehouse_id`` (the stream id)."""
    if state is not None:
        raise WarehouseAlreadyRegistered("A warehouse is already registered under this id.")
    name = checks.required_text(command.name, what="The warehouse name", max_length=NAME_MAX)
    if command.capacity_kg is not None and command.capacity_kg <= 0:
        raise WarehouseCapacityNotPositive(
            f"The capacity must be above 0 kg when given; it is {command.capacity_kg} kg."
        )
    return [
        WarehouseRegistered(
            warehouse_id=warehouse_id,
            cooperative_id=command.cooperative_id,
            name=name,
            kind=command.kind,
            capacity_kg=command.capacity_kg,
        )
    ]


def evolve_warehouse(state: Warehouse | None, event: WarehouseEvent) -> Warehouse:
    """The state after ``event``."""
    if state is not None:
        raise EventSequenceError("WarehouseRegistered in an existing stream")
    return Warehouse(
        warehouse_id=event.warehouse_id,
        cooperative_id=event.cooperative_id,
        name=event.name,
        kind=event.kind,
        capacity_kg=event.capacity_kg,
    )


def replay_warehouse(events: Iterable[WarehouseEvent]) -> Warehouse | None:
    """Fold a stream into its state; ``None`` for an empty stream."""
    return replay(evolve_warehouse, events)

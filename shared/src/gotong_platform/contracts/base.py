"""The base of every published event contract.

A contract is the *data* of a CloudEvent on Kafka (the envelope travels in the
headers). Contracts are frozen, and ignore unknown fields so that a consumer
keeps working when a producer adds a field (additive change within a version).
A breaking change is a new class with ``schema_version`` + 1 and a new type
name on the wire (``...v2``); the old one stays until nobody publishes it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

__all__ = ["REGISTRY", "EventContract", "contract_for", "register"]


class EventContract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    source: ClassVar[str]
    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1

    @classmethod
    def schema_name(cls) -> str:
        return f"{cls.source}.{cls.event_type}.v{cls.schema_version}"


REGISTRY: dict[tuple[str, str, int], type[EventContract]] = {}


def register(cls: type[EventContract]) -> type[EventContract]:
    """Class decorator: make a contract findable by (source, type, version)."""
    key = (cls.source, cls.event_type, cls.schema_version)
    if key in REGISTRY:
        raise ValueError(f"contract {cls.schema_name()} registered twice")
    REGISTRY[key] = cls
    return cls


def contract_for(source: str, event_type: str, schema_version: int) -> type[EventContract] | None:
    return REGISTRY.get((source, event_type, schema_version))


def parse(source: str, event_type: str, schema_version: int, data: dict[str, Any]) -> EventContract:
    """Validate ``data`` against its contract; raises KeyError for an unknown one."""
    cls = REGISTRY[(source, event_type, schema_version)]
    return cls.model_validate(data)

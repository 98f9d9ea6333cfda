"""Stored payload (``gotong_platform.domain.event_payload``) → SHU domain events.

The decoding is ``gotong_platform.codec``: each field, the nested policy and result
included, is rebuilt from the classes' own annotations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gotong_platform.codec import (
    UnknownEventType,
    dataclass_from_payload,
    event_from_payload,
    registry,
)
from reporting.domain.shu.events import (
    CalculationEvent,
    MemberShuAllocated,
    ShuCalculationApproved,
    ShuCalculationDrafted,
    ShuPolicyAdopted,
)
from reporting.domain.shu.policy import ShuPolicy

__all__ = [
    "UnknownEventType",
    "calculation_event_from_payload",
    "policy_event_from_payload",
    "policy_from_payload",
]

_POLICY_EVENTS: Mapping[str, type[ShuPolicyAdopted]] = registry(ShuPolicyAdopted)

_CALCULATION_EVENTS: Mapping[str, type[CalculationEvent]] = registry(
    ShuCalculationDrafted, ShuCalculationApproved, MemberShuAllocated
)


def policy_from_payload(p: Mapping[str, Any]) -> ShuPolicy:
    return dataclass_from_payload(ShuPolicy, p)


def policy_event_from_payload(event_type: str, payload: Mapping[str, Any], *,
                              schema_version: int = 1) -> ShuPolicyAdopted:
    return event_from_payload(_POLICY_EVENTS, event_type, payload, schema_version=schema_version)


def calculation_event_from_payload(event_type: str, payload: Mapping[str, Any], *,
                                   schema_version: int = 1) -> CalculationEvent:
    return event_from_payload(_CALCULATION_EVENTS, event_type, payload,
                              schema_version=schema_version)

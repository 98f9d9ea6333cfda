"""The names payments events are stored and published under.

One quirk: the domain names a loan application ``LoanApplicationSubmitted`` but the
published contract calls it ``LoanApplied``, and the relay publishes an event under
its stored type. It is stored under the contract's name, and loading translates
back, so partners find the contract and the domain keeps its name.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from gotong_platform.eventstore import EventDecoder

__all__ = ["domain_type", "from_stored", "stored_type"]

_Event = TypeVar("_Event")

_STORED_AS: Mapping[str, str] = MappingProxyType(
    {"LoanApplicationSubmitted": "LoanApplied"})
_DOMAIN_TYPE: Mapping[str, str] = MappingProxyType({v: k for k, v in _STORED_AS.items()})


def stored_type(event_type: str) -> str:
    """The name a domain event is stored (and published) under."""
    return _STORED_AS.get(event_type, event_type)


def domain_type(stored: str) -> str:
    """The domain's name of an event stored under ``stored``."""
    return _DOMAIN_TYPE.get(stored, stored)


def from_stored(decode: EventDecoder[_Event]) -> EventDecoder[_Event]:
    """``decode`` (a domain's ``*_event_from_payload``) for events as they are stored:
    under their stored type."""

    def decoded(event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
                ) -> _Event:
        return decode(domain_type(event_type), payload, schema_version=schema_version)

    return decoded

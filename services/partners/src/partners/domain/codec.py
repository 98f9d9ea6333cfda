"""Stored payload → domain event, so the application layer can load a stream.

The decoding is ``gotong_platform.codec``'s; the registries are built from each stream's
union of event types.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gotong_platform.codec import UnknownEventType, event_from_payload, registry_of
from partners.domain.events import ConsentEvent, PartnerEvent, SubscriptionEvent

__all__ = [
    "CONSENT_EVENTS",
    "PARTNER_EVENTS",
    "SUBSCRIPTION_EVENTS",
    "UnknownEventType",
    "consent_event_from_payload",
    "partner_event_from_payload",
    "subscription_event_from_payload",
]

PARTNER_EVENTS: Mapping[str, type[PartnerEvent]] = registry_of(PartnerEvent)
CONSENT_EVENTS: Mapping[str, type[ConsentEvent]] = registry_of(ConsentEvent)
SUBSCRIPTION_EVENTS: Mapping[str, type[SubscriptionEvent]] = registry_of(SubscriptionEvent)


def partner_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> PartnerEvent:
    """Rebuild a partner-stream event from its stored type name and JSON payload."""
    return event_from_payload(PARTNER_EVENTS, event_type, payload, schema_version=schema_version)


def consent_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> ConsentEvent:
    """Rebuild a consent-stream event from its stored type name and JSON payload."""
    return event_from_payload(CONSENT_EVENTS, event_type, payload, schema_version=schema_version)


def subscription_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> SubscriptionEvent:
    """Rebuild a subscription-stream event from its stored type name and JSON payload."""
    return event_from_payload(SUBSCRIPTION_EVENTS, event_type, payload,
                              schema_version=schema_version)

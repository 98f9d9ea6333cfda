"""A partner's subscription (CloudEvents Subscriptions API), as a decider, and what it
selects.

Consents and subscriptions compose as a conjunction: the consents of the cooperatives
decide what a partner *may* receive (its feed), its subscriptions decide what of that it
*wants* and how. An event reaches a subscription when it is in the partner's feed (a
consent in force covers it) and the subscription's ``source``, ``types`` and ``filters``
all select it; a subscription can never widen what the consents allow.

Protocols: ``HTTP`` pushes to the subscription's https ``sink``, signed as Standard
Webhooks says (one endpoint, secret and delivery position per subscription);
``GOTONG-PULL`` (this gateway's own protocol name, as the spec allows) is read from the
pull feed, ``GET /partner/feed?subscription=<id>``, and takes no sink (the answer shows
the feed's URL as its sink). ``KAFKA`` writes to the partner's own topic
(``partners.domain.kafka``): its sink is that topic's name, which the gateway assigns (a
request may leave it out or name it, never another topic). Every other protocol is
refused.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, assert_never

from gotong_platform.domain import replay
from partners.domain.errors import (
    DeliveryNotDisabled,
    EventSequenceError,
    InvalidProtocolSettings,
    InvalidWebhookUrl,
    PartnerNotFound,
    SinkNotAllowed,
    SubscriptionNotFound,
    SubscriptionProtocolChange,
    TooManySubscriptions,
    UnknownCloudEventType,
    UnknownConfigKey,
    UnknownEventSource,
    UnsupportedProtocol,
)
from partners.domain.events import (
    SubscriptionCreated,
    SubscriptionDeleted,
    SubscriptionEvent,
    SubscriptionReEnabled,
    SubscriptionUpdated,
)
from partners.domain.filters import Selector, filter_json, parse_filters
from partners.domain.kafka import partner_kafka_access
from partners.domain.partner import Partner
from partners.domain.webhook import sink_url

__all__ = [
    "MAX_SUBSCRIPTIONS",
    "MAX_TYPES",
    "Catalogue",
    "DeliveryProtocol",
    "Subscription",
    "SubscriptionRequest",
    "create_subscription",
    "default_webhook_id",
    "delete_subscription",
    "evolve_subscription",
    "reenable_subscription",
    "replay_subscription",
    "set_default_webhook",
    "update_subscription",
]

MAX_SUBSCRIPTIONS = 20  # per partner
MAX_TYPES = 50
MAX_HEADERS = 10
HEADER_VALUE_MAX = 500
TYPE_MAX = 200
_HEADER_NAME = re.compile(r"[A-Za-z0-9-]{1,64}")
# The request's own headers, and credentials (a subscription is shown back in full; the
# requests are signed instead).
_RESERVED_HEADERS = re.compile(
    r"(content-.*|host|connection|transfer-encoding|te|upgrade|webhook-.*|authorization|"
    r"proxy-.*|cookie)", re.IGNORECASE)


class DeliveryProtocol(StrEnum):
    """How a subscription's events reach the partner (the spec's ``protocol``)."""

    HTTP = "HTTP"  # pushed to the sink: Standard Webhooks
    PULL = "GOTONG-PULL"  # read by the partner from the pull feed
    KAFKA = "KAFKA"  # written to the partner's own topic, read with its own Kafka user


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Catalogue:
    """What a subscription may name: the CloudEvents types and source the gateway emits,
    and whether a plain-http sink is allowed (development only)."""

    types: frozenset[str]
    source: str
    allow_http: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True)
class SubscriptionRequest:
    """A subscription as the partner sends it (the spec's object, less its ``id``)."""

    protocol: str
    sink: str | None = None
    source: str | None = None
    types: tuple[str, ...] = ()
    filters: tuple[Any, ...] = ()
    config: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    protocolsettings: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Subscription:
    subscription_id: str
    partner_id: str
    protocol: DeliveryProtocol
    sink: str | None
    selector: Selector
    http_headers: Mapping[str, str]
    created_at: datetime
    created_by: str
    updated_at: datetime
    default_webhook: bool = False
    deleted_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.deleted_at is None


def default_webhook_id(partner_id: str) -> str:
    """The id of the subscription ``POST /partner/webhook`` manages: the partner's own
    uuid, so the gateway finds it without a lookup and the older per-partner endpoints
    map onto it."""
    return "subscription-" + partner_id.removeprefix("partner-")


@dataclasses.dataclass(frozen=True, slots=True)
class _Checked:
    protocol: DeliveryProtocol
    sink: str | None
    source: str | None
    types: tuple[str, ...]
    filters: tuple[dict[str, Any], ...]
    headers: dict[str, str]


def _check(request: SubscriptionRequest, catalogue: Catalogue, partner_id: str) -> _Checked:
    """The request cleaned, or the first rule it breaks."""
    protocol = _protocol(request.protocol)
    if request.config:
        names = ", ".join(sorted(str(k)[:40] for k in request.config))
        raise UnknownConfigKey(f"The gateway defines no config keys; {names} cannot be set.")
    source = request.source
    if source is not None and source != catalogue.source:
        raise UnknownEventSource(f"Every event of the gateway has the source "
                                 f"{catalogue.source!r}; leave source out or name that.")
    if len(request.types) > MAX_TYPES:
        raise UnknownCloudEventType(f"At most {MAX_TYPES} types.")
    unknown = sorted({t[:TYPE_MAX] for t in request.types if t not in catalogue.types})
    if unknown:
        raise UnknownCloudEventType(
            f"The gateway emits no events of type {', '.join(unknown)}; it emits "
            f"{', '.join(sorted(catalogue.types))}.")
    types = tuple(sorted(set(request.types)))
    filters = tuple(filter_json(f) for f in parse_filters(request.filters))
    if protocol is DeliveryProtocol.PULL:
        if request.sink is not None:
            raise SinkNotAllowed("A GOTONG-PULL subscription is read from the pull feed "
                                 "(GET /partner/feed?subscription=<id>); leave sink out.")
        if request.protocolsettings:
            raise InvalidProtocolSettings("GOTONG-PULL takes no protocolsettings.")
        return _Checked(protocol, None, source, types, filters, {})
    if protocol is DeliveryProtocol.KAFKA:
        topic = partner_kafka_access(partner_id).topic
        if request.sink is not None and request.sink != topic:
            raise SinkNotAllowed(f"A KAFKA subscription writes to your own topic, {topic}; "
                                 "leave sink out or name that topic.")
        if request.protocolsettings:
            raise InvalidProtocolSettings(
                "KAFKA takes no protocolsettings: the topic is the sink, and each record is "
                "keyed by its cooperative.")
        return _Checked(protocol, topic, source, types, filters, {})
    if request.sink is None:
        raise InvalidWebhookUrl("An HTTP subscription needs a sink: the https URL the "
                                "events are posted to.")
    sink = sink_url(request.sink, allow_http=catalogue.allow_http)
    return _Checked(protocol, sink, source, types, filters,
                    _http_headers(request.protocolsettings))


def _protocol(name: str) -> DeliveryProtocol:
    try:
        return DeliveryProtocol(name)
    except ValueError:
        pass
    raise UnsupportedProtocol(f"Unknown or unsupported protocol {name[:40]!r}; the gateway "
                              "delivers by HTTP, KAFKA and GOTONG-PULL (case sensitive).")


def _http_headers(settings: Mapping[str, Any]) -> dict[str, str]:
    unknown = sorted(str(k)[:40] for k in settings if k not in ("method", "headers"))
    if unknown:
        raise InvalidProtocolSettings(f"HTTP takes the settings method and headers; not "
                                      f"{', '.join(unknown)}.")
    if settings.get("method", "POST") != "POST":
        raise InvalidProtocolSettings("Events are posted: method may only be POST.")
    headers = settings.get("headers") or {}
    if not isinstance(headers, dict) or len(headers) > MAX_HEADERS:
        raise InvalidProtocolSettings(f"headers: an object of at most {MAX_HEADERS} names "
                                      "and strings.")
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name) or _RESERVED_HEADERS.fullmatch(name):
            raise InvalidProtocolSettings(
                f"headers: {name[:64]!r} cannot be set (letters, digits and '-' only; not the "
                "request's own headers, webhook-*, or credentials: the requests are signed).")
        if (not isinstance(value, str) or len(value) > HEADER_VALUE_MAX
                or not value.isprintable()):
            raise InvalidProtocolSettings(
                f"headers.{name}: printable text of at most {HEADER_VALUE_MAX} characters.")
    return {name.lower(): value for name, value in sorted(headers.items())}


# --- deciders ------------------------------------------------------------------


def create_subscription(
    partner: Partner | None, active: int, request: SubscriptionRequest, catalogue: Catalogue,
    *, subscription_id: str, now: datetime, actor: str,
) -> list[SubscriptionEvent]:
    """``partner`` subscribes; ``active`` is how many subscriptions it has already."""
    if partner is None:
        raise PartnerNotFound("No partner is registered under your token's subject.")
    checked = _check(request, catalogue, partner.partner_id)
    if active >= MAX_SUBSCRIPTIONS:
        raise TooManySubscriptions(f"A partner may have at most {MAX_SUBSCRIPTIONS} "
                                   "subscriptions; delete one first.")
    return [_created(subscription_id, partner.partner_id, checked, now, actor)]


def _created(subscription_id: str, partner_id: str, c: _Checked, now: datetime, actor: str,
             *, default_webhook: bool = False) -> SubscriptionCreated:
    return SubscriptionCreated(
        subscription_id=subscription_id, partner_id=partner_id, protocol=c.protocol.value,
        sink=c.sink, source=c.source, types=c.types, filters=c.filters,
        http_headers=c.headers, created_at=now, created_by=actor,
        default_webhook=default_webhook)


def _updated(state: Subscription, c: _Checked, now: datetime, actor: str
             ) -> SubscriptionUpdated:
    return SubscriptionUpdated(
        subscription_id=state.subscription_id, partner_id=state.partner_id, sink=c.sink,
        source=c.source, types=c.types, filters=c.filters, http_headers=c.headers,
        updated_at=now, updated_by=actor)


def update_subscription(
    state: Subscription | None, request: SubscriptionRequest, catalogue: Catalogue, *,
    partner_id: str, now: datetime, actor: str,
) -> list[SubscriptionEvent]:
    """The partner replaces its subscription (everything but its protocol)."""
    _own(state, partner_id)
    assert state is not None
    checked = _check(request, catalogue, state.partner_id)
    if checked.protocol is not state.protocol:
        raise SubscriptionProtocolChange(
            f"This subscription delivers by {state.protocol.value}; to receive by "
            f"{checked.protocol.value}, create another subscription (and delete this one).")
    return [_updated(state, checked, now, actor)]


def delete_subscription(state: Subscription | None, *, partner_id: str, now: datetime,
                        actor: str) -> list[SubscriptionEvent]:
    _own(state, partner_id)
    assert state is not None
    return [SubscriptionDeleted(subscription_id=state.subscription_id,
                                partner_id=state.partner_id, deleted_at=now, deleted_by=actor)]


def set_default_webhook(
    partner: Partner | None, state: Subscription | None, url: str, catalogue: Catalogue, *,
    now: datetime, actor: str,
) -> list[SubscriptionEvent]:
    """``POST /partner/webhook``: the partner's default HTTP subscription pushes to
    ``url``; created (every type, no filter) when it has none, else only its sink moves,
    keeping the types and filters set since (``PUT /partner/subscriptions/{id}``)."""
    if partner is None:
        raise PartnerNotFound("No partner is registered under your token's subject.")
    sink = sink_url(url, allow_http=catalogue.allow_http)
    if state is None or not state.active:
        checked = _Checked(DeliveryProtocol.HTTP, sink, None, (), (), {})
        return [_created(default_webhook_id(partner.partner_id), partner.partner_id, checked,
                         now, actor, default_webhook=True)]
    if state.sink == sink:
        return []
    kept = _Checked(state.protocol, sink, state.selector.source, state.selector.types,
                    tuple(filter_json(f) for f in state.selector.filters),
                    dict(state.http_headers))
    return [_updated(state, kept, now, actor)]


def reenable_subscription(state: Subscription | None, *, disabled: bool | None,
                          now: datetime, actor: str) -> list[SubscriptionEvent]:
    """The federation office re-enables a pushed subscription the dispatcher disabled
    (``disabled``: whether its endpoint is; None when it has none, a pull subscription)."""
    if state is None or not state.active or disabled is None:
        raise SubscriptionNotFound("No pushed subscription has this id.")
    if not disabled:
        raise DeliveryNotDisabled("This subscription's delivery is not disabled.")
    return [SubscriptionReEnabled(subscription_id=state.subscription_id,
                                  partner_id=state.partner_id, reenabled_at=now,
                                  reenabled_by=actor)]


def _own(state: Subscription | None, partner_id: str) -> None:
    if state is None or not state.active or state.partner_id != partner_id:
        raise SubscriptionNotFound("You have no subscription with this id.")


# --- evolution -----------------------------------------------------------------


def _selector(source: str | None, types: tuple[str, ...],
              filters: tuple[dict[str, Any], ...]) -> Selector:
    return Selector(source=source, types=types, filters=parse_filters(filters))


def evolve_subscription(state: Subscription | None, event: SubscriptionEvent
                        ) -> Subscription:
    """The state after ``event``. A deleted subscription may be created again only as the
    default webhook (its id is the partner's)."""
    match event:
        case SubscriptionCreated():
            if state is not None and state.active:
                raise EventSequenceError("SubscriptionCreated in an active subscription")
            return Subscription(
                subscription_id=event.subscription_id, partner_id=event.partner_id,
                protocol=DeliveryProtocol(event.protocol), sink=event.sink,
                selector=_selector(event.source, event.types, event.filters),
                http_headers=event.http_headers, created_at=event.created_at,
                created_by=event.created_by, updated_at=event.created_at,
                default_webhook=event.default_webhook)
        case SubscriptionUpdated():
            if state is None:
                raise EventSequenceError("SubscriptionUpdated before SubscriptionCreated")
            return dataclasses.replace(
                state, sink=event.sink,
                selector=_selector(event.source, event.types, event.filters),
                http_headers=event.http_headers, updated_at=event.updated_at)
        case SubscriptionDeleted():
            if state is None:
                raise EventSequenceError("SubscriptionDeleted before SubscriptionCreated")
            return dataclasses.replace(state, deleted_at=event.deleted_at,
                                       updated_at=event.deleted_at)
        case SubscriptionReEnabled():
            if state is None:
                raise EventSequenceError("SubscriptionReEnabled before SubscriptionCreated")
            return state  # its endpoint's state: the stream records who and when
        case _:
            assert_never(event)


def replay_subscription(events: Iterable[SubscriptionEvent]) -> Subscription | None:
    """Fold a stream into its state; ``None`` for an empty stream."""
    return replay(evolve_subscription, events)

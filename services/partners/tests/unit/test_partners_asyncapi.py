"""The AsyncAPI document says what the gateway really sends.

The document is generated (``partners.entrypoints.asyncapi``), but its webhook headers
and its CloudEvent attributes are claims about other code: the sender's request and
``cloud_event``'s JSON. These tests hold each claim to that code's actual output.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from gotong_platform.calendar import FixedClock
from gotong_platform.contracts.partner_feed import (
    PARTNER_CONTRACTS,
    SavingsMovementV1,
    partner_schema,
    schema_url,
)
from partners.adapters.queries import cloud_event
from partners.adapters.webhook_sender import HttpWebhookSender
from partners.domain import PendingEvent
from partners.entrypoints.asyncapi import document

pytestmark = pytest.mark.unit

AT = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
# What httpx adds to every request by itself: not the gateway's to document.
TRANSPORT_HEADERS = {"host", "accept", "accept-encoding", "connection", "user-agent",
                     "content-length"}
SECRETS = ("whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_" + "c2Vjb25kc2VjcmV0c2Vjb25k")


def schemas() -> dict[str, Any]:
    components: dict[str, Any] = document()["components"]["schemas"]
    return components


def feed_row(cls: Any) -> dict[str, Any]:
    """A row of the partner feed, as ``FEED_PAGE`` selects it."""
    return {"position": 7, "event_id": uuid.UUID(int=1), "type": cls.ce_type(),
            "dataschema": schema_url("https://partners.gotong.example", cls),
            "cooperative_id": "cooperative-1", "business_date": date(2026, 11, 18), "time": AT,
            "data": {"cooperative_id": "cooperative-1", "business_date": "2026-11-18",
                     "member_ref": "a" * 32, "savings_type": "wajib", "movement": "deposit",
                     "amount_idr": 25_000}}


async def test_the_webhook_headers_are_the_ones_the_sender_sends() -> None:
    sent: list[httpx.Request] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    async with httpx.AsyncClient(transport=httpx.MockTransport(endpoint)) as client:
        sender = HttpWebhookSender(client, FixedClock(AT))
        event = PendingEvent(position=7, webhook_id=uuid.UUID(int=1), body=b'{"id": "x"}')
        outcome = await sender.send("https://bank.example/hook", SECRETS, event)

    assert outcome.status == 204
    (request,) = sent
    header_schema = schemas()["WebhookHeaders"]
    gateway_headers = {k: v for k, v in request.headers.items() if k not in TRANSPORT_HEADERS}
    assert set(gateway_headers) == set(header_schema["properties"])
    assert set(header_schema["required"]) == set(gateway_headers)
    # During a rotation both signatures travel: the documented pattern admits them.
    assert len(gateway_headers["webhook-signature"].split(" ")) == 2
    Draft202012Validator(header_schema, format_checker=FormatChecker()).validate(gateway_headers)


@pytest.mark.parametrize("cls", PARTNER_CONTRACTS.values(), ids=lambda c: c.category)
def test_the_structured_event_has_exactly_the_attributes_the_feed_sends(cls: Any) -> None:
    event = cloud_event(feed_row(cls))  # type: ignore[arg-type]
    documented = schemas()[f"CloudEvent.{cls.schema_name()}"]
    assert set(event) == set(documented["properties"]) == set(documented["required"])
    assert documented["properties"]["type"]["const"] == event["type"]


def test_a_pulled_or_pushed_event_validates_against_its_documented_schema() -> None:
    event = cloud_event(feed_row(SavingsMovementV1))  # type: ignore[arg-type]
    documented = dict(schemas()[f"CloudEvent.{SavingsMovementV1.schema_name()}"])
    documented["properties"] = {**documented["properties"],
                                 "data": partner_schema(SavingsMovementV1)}
    Draft202012Validator(documented, format_checker=FormatChecker()).validate(event)
    wrong = {**event, "dataschema": schema_url("https://x.example", PARTNER_CONTRACTS["loans"])}
    assert not Draft202012Validator(documented).is_valid(wrong)


@pytest.mark.parametrize("cls", PARTNER_CONTRACTS.values(), ids=lambda c: c.category)
def test_the_kafka_headers_are_the_same_attributes_in_binary_mode(cls: Any) -> None:
    name = cls.schema_name()
    attributes = set(schemas()[f"CloudEvent.{name}"]["properties"])
    headers = set(schemas()[f"KafkaHeaders.{name}"]["properties"])
    assert headers == ({f"ce_{a}" for a in attributes - {"data", "position", "datacontenttype"}}
                       | {"content-type"})
    assert "ce_actorid" not in headers  # no staff subject ever reaches a partner

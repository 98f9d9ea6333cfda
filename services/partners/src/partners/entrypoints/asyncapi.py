"""The AsyncAPI 3.0 document of every partner channel, generated from the code.

``python -m partners.entrypoints.asyncapi [PATH]`` (``make asyncapi``) writes it, by
default to ``docs/asyncapi/partners.asyncapi.json``; a test holds the committed file
equal to what this module builds, and ``make test`` validates it with the official
AsyncAPI parser (``tools/asyncapi/``).

Nothing here is written twice: each message's data is the committed JSON Schema of its
partner contract (``shared/contracts/partner-schemas/``, the one the gateway serves at
its ``$id``, with the pydantic models' descriptions), referenced, not copied; the pull
feed's query and page come from its route's OpenAPI and ``FeedItemOut``; the CloudEvent
attributes are ``FeedItemOut``'s, which ``adapters.queries.cloud_event`` fills for the
pull feed and the webhooks alike. The webhook headers are the ones
``adapters.webhook_sender`` sends: a test compares them with a real request.
"""

from __future__ import annotations

import json
import posixpath
import sys
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from gotong_platform.contracts.partner_feed import (
    PARTNER_CONTRACTS,
    PARTNER_EVENT_SOURCE,
    SCHEMAS_PATH,
    PartnerContract,
)
from partners.entrypoints import feed_routes
from partners.entrypoints.schemas import FeedItemOut

__all__ = ["DOCUMENT", "KAFKA_TOPIC", "SCHEMAS_DIR", "document", "main", "render"]

ASYNCAPI_VERSION = "3.0.0"
DOCUMENT = Path("docs/asyncapi/partners.asyncapi.json")
SCHEMAS_DIR = Path("shared/contracts/partner-schemas")
# The partner's topic: the prefix the KafkaUser ACLs of deploy/k8s already grant a partner
# (``gotong.partner.<partner id>.``), and the platform's ``.events`` suffix.
KAFKA_TOPIC = "gotong.partner.{partnerId}.events"
FEED_PATH = "/partner/feed"
HTTP_BINDING = "0.3.0"
# What ``adapters.webhook_sender`` posts (routes reach the adapters only through
# ``queries``, so it is not imported; a test compares it with a real request).
WEBHOOK_CONTENT_TYPE = "application/cloudevents+json"
# In the CloudEvents Kafka binding, datacontenttype travels as the record's content-type;
# the feed position is the pull feed's (Kafka has its own offsets).
_NOT_KAFKA_HEADERS = frozenset({"data", "datacontenttype", "position"})

_INFO = f"""\
How a partner system (a bank or lender, a buyer, the government's cooperative office)
receives the data that cooperatives consented to share with it. Every event is a
**CloudEvent** whose `data` is one **partner contract**, one per consent category: a
minimised record with pseudonymous references (`member_ref`, `loan_ref`, ...) that are
stable for one partner and cannot be joined with another partner's; no names, NIK, staff
or internal ids. Each contract is a JSON Schema (2020-12) that the gateway serves at its
`$id`, `<gateway>{SCHEMAS_PATH}/<name>.json`, which every event's `dataschema` names.

A partner receives exactly what the consents it holds cover, from their grant (or their
`from_date` when history is included) until their revocation, through:

- **pull**: `GET {FEED_PATH}` (operation `readPartnerFeed`), a cursor over the partner's feed;
- **signed webhooks**: the same events pushed to the partner's endpoint, signed as Standard
  Webhooks 1.0 says (operation `pushToPartnerWebhook`);
- **Kafka**: a topic per partner (operation `publishToPartnerTopic`), written for its
  `KAFKA` subscriptions and read with its own SCRAM user.

Subscriptions (the CloudEvents Subscriptions API, `/partner/subscriptions`) narrow what
each way delivers, never widen it: an `HTTP` subscription's webhook and a `GOTONG-PULL`
subscription's pull (`?subscription=<id>`) carry the events its `types` and `filters`
select among those the consents cover.

The guide: docs/partners.md in the repository. This document is generated
(`make asyncapi`) from the contracts and the gateway's code; do not edit it by hand."""


def _strip_titles(schema: Any) -> Any:
    """``schema`` without pydantic's generated ``title``s ("Specversion", ...): noise here."""
    if isinstance(schema, dict):
        return {k: _strip_titles(v) for k, v in schema.items() if k != "title"}
    if isinstance(schema, list):
        return [_strip_titles(v) for v in schema]
    return schema


def _feed_openapi() -> dict[str, Any]:
    app = FastAPI()
    app.include_router(feed_routes.router)
    return app.openapi()


def _feed_query() -> dict[str, Any]:
    """The pull feed's query parameters, as its route declares them."""
    get = _feed_openapi()["paths"][FEED_PATH]["get"]
    properties = {p["name"]: _strip_titles(p["schema"]) for p in get["parameters"]
                  if p["in"] == "query"}
    return {"type": "object", "properties": properties, "additionalProperties": False}


def _name(cls: type[PartnerContract]) -> str:
    return cls.schema_name()


def _dataschema(cls: type[PartnerContract]) -> dict[str, Any]:
    path = f"{SCHEMAS_PATH}/{_name(cls)}.json"
    return {"type": "string", "format": "uri",
            "pattern": "/" + path.lstrip("/").replace(".", r"\.") + "$",
            "description": f"the $id of the data's JSON Schema: the gateway's public base URL "
                           f"and {path}",
            "examples": [f"https://partners.gotong.example{path}"]}


def _structured_event(cls: type[PartnerContract]) -> dict[str, Any]:
    """The CloudEvent in structured JSON mode that carries ``cls``, with its feed position:
    ``FeedItemOut`` with the contract's own type, schema and data."""
    schema: dict[str, Any] = _strip_titles(FeedItemOut.model_json_schema())
    props = schema["properties"]
    props["source"] = {**props["source"], "const": PARTNER_EVENT_SOURCE}
    props["type"] = {"type": "string", "const": cls.ce_type(),
                     "description": props["type"]["description"]}
    props["dataschema"] = _dataschema(cls)
    props["data"] = {"$ref": f"#/components/schemas/{_name(cls)}"}
    schema["description"] = (f"{(FeedItemOut.__doc__ or '').strip()} Its data: "
                             f"{(cls.__doc__ or '').strip()}")
    return schema


def _kafka_headers(cls: type[PartnerContract]) -> dict[str, Any]:
    """The same attributes in CloudEvents Kafka binary mode: ``ce_`` headers."""
    event = _structured_event(cls)
    headers = {f"ce_{name}": {**spec, "type": "string"}
               for name, spec in event["properties"].items() if name not in _NOT_KAFKA_HEADERS}
    headers["content-type"] = {"type": "string", "const": "application/json",
                               "description": "the CloudEvents datacontenttype"}
    return {"type": "object", "properties": headers, "required": sorted(headers)}


def _webhook_headers() -> dict[str, Any]:
    headers = {
        "content-type": {"type": "string", "const": WEBHOOK_CONTENT_TYPE,
                         "description": "the body is one CloudEvent in structured JSON mode"},
        "webhook-id": {
            "type": "string", "format": "uuid",
            "description": "the event's id: the same on every retry, so drop a duplicate by it"},
        "webhook-timestamp": {
            "type": "string", "pattern": "^[0-9]+$",
            "description": "Unix seconds of this attempt; refuse one more than five minutes "
                           "from your clock (replay protection)"},
        "webhook-signature": {
            "type": "string", "pattern": r"^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$",
            "description": "`v1,` and the base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>"
                           ".<body>`, keyed with the base64-decoded part of the `whsec_` secret "
                           "after the prefix; during a secret rotation two such signatures, "
                           "space-separated (one per secret): accept the request if one "
                           "verifies"},
    }
    return {"type": "object", "properties": headers, "required": sorted(headers)}


def _components(schemas_ref: str) -> dict[str, Any]:
    contracts = list(PARTNER_CONTRACTS.values())
    schemas: dict[str, Any] = {}
    for cls in contracts:
        schemas[_name(cls)] = {"$ref": posixpath.join(schemas_ref, f"{_name(cls)}.json")}
    for cls in contracts:
        schemas[f"CloudEvent.{_name(cls)}"] = _structured_event(cls)
        schemas[f"KafkaHeaders.{_name(cls)}"] = _kafka_headers(cls)
    page: dict[str, Any] = _strip_titles(_feed_openapi()["components"]["schemas"]["FeedPage"])
    page["properties"]["items"] = {
        "type": "array", "description": "the partner's events after `after`, oldest first",
        "items": {"oneOf": [{"$ref": f"#/components/schemas/CloudEvent.{_name(cls)}"}
                            for cls in contracts]}}
    page["description"] = "A page of the partner's feed."
    schemas["FeedPage"] = page
    schemas["WebhookHeaders"] = _webhook_headers()

    messages: dict[str, Any] = {
        "FeedRequest": {
            "name": "FeedRequest", "title": "Read the feed",
            "summary": "GET /partner/feed?after=<the last position read>&limit=<1..500>",
            "description": "No body: the query (the operation's HTTP binding) says where to "
                           "start. The bearer token's subject names the partner, so a partner "
                           "reads only its own feed."},
        "FeedPage": {
            "name": "FeedPage", "title": "A page of the feed", "contentType": "application/json",
            "summary": "The events after `after`, and `next_after`, the cursor of the next page",
            "description": "Positions only grow and become visible in order, so nothing is "
                           "skipped. An event of a consent revoked since it was appended is no "
                           "longer served.",
            "payload": {"$ref": "#/components/schemas/FeedPage"},
            "bindings": {"http": {"statusCode": 200, "bindingVersion": HTTP_BINDING}}},
    }
    for cls in contracts:
        name = _name(cls)
        summary = (cls.__doc__ or "").strip()
        messages[f"webhook.{name}"] = {
            "name": f"webhook.{name}", "title": f"{cls.event_type} (webhook)",
            "summary": summary, "contentType": WEBHOOK_CONTENT_TYPE,
            "description": f"Consent category `{cls.category}`. The body is the pull feed's "
                           f"item for the same event, byte for byte the same JSON.",
            "headers": {"$ref": "#/components/schemas/WebhookHeaders"},
            "payload": {"$ref": f"#/components/schemas/CloudEvent.{name}"}}
        messages[f"kafka.{name}"] = {
            "name": f"kafka.{name}", "title": f"{cls.event_type} (Kafka)",
            "summary": summary, "contentType": "application/json",
            "description": f"Consent category `{cls.category}`. CloudEvents binary mode: the "
                           f"attributes as `ce_` headers, the record's value is the data.",
            "headers": {"$ref": f"#/components/schemas/KafkaHeaders.{name}"},
            "payload": {"$ref": f"#/components/schemas/{name}"}}

    security = {
        "partnerToken": {
            "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
            "description": "A token with role `partner` whose subject is the partner's "
                           "`partner_id` (given when the federation office registers it)."},
        "partnerSignature": {
            "type": "httpApiKey", "name": "X-SIGNATURE", "in": "header",
            "description": "A signed request in the style of Bank Indonesia's SNAP, instead "
                           "of the token: `X-TIMESTAMP`, `X-PARTNER-ID`, `X-EXTERNAL-ID` "
                           "and `X-SIGNATURE`, SHA256withRSA or SHA256withECDSA (P-256) over "
                           "`METHOD:path:hex(sha256(minified body)):timestamp`, verified with "
                           "the public key the federation office registered for the partner "
                           "(docs/partners.md, 'Signed requests (SNAP)')."},
        "partnerScram": {
            "type": "scramSha512",
            "description": "The partner's Kafka user, named as its partner id "
                           "(SASL/SCRAM-SHA-512 over TLS). Its ACLs allow reading only "
                           "`gotong.partner.<partner id>.events`, in consumer groups "
                           "`<partner id>.*`."},
    }
    return {"schemas": schemas, "messages": messages, "securitySchemes": security}


def _servers() -> dict[str, Any]:
    token = [{"$ref": "#/components/securitySchemes/partnerToken"},
             {"$ref": "#/components/securitySchemes/partnerSignature"}]
    return {
        "gateway": {
            "host": "{gatewayHost}", "protocol": "https",
            "title": "The partner gateway",
            "description": "Its public base URL is GOTONG_PARTNERS_PUBLIC_BASE_URL; the pull "
                           "feed, the webhook settings and the schemas are there.",
            "variables": {"gatewayHost": {"default": "partners.gotong.example",
                                          "description": "the gateway's public host"}},
            "security": token},
        "gateway-local": {
            "host": "127.0.0.1:8005", "protocol": "http",
            "title": "The partner gateway under make run",
            "security": token},
        "partnerEndpoint": {
            "host": "{endpointHost}", "protocol": "https",
            "title": "The partner's webhook endpoint",
            "description": "The URL the partner set with POST /partner/webhook: https (plain "
                           "http only in development).",
            "variables": {"endpointHost": {"default": "bank.example",
                                           "description": "the host of the partner's URL"}}},
        "kafka": {
            "host": "{bootstrap}", "protocol": "kafka-secure",
            "title": "The platform's Kafka cluster",
            "description": "The listener for partners: `external` (port 9094, TLS) from "
                           "outside the cluster, `tls` (port 9093) inside it; the address is "
                           "in the answer of a KAFKA subscription.",
            "variables": {"bootstrap": {"default": "kafka.partners.gotong.example:9094",
                                        "description": "a bootstrap server"}},
            "security": [{"$ref": "#/components/securitySchemes/partnerScram"}]},
    }


def _refs(channel: str, names: list[str]) -> list[dict[str, str]]:
    return [{"$ref": f"#/channels/{channel}/messages/{n}"} for n in names]


def document(schemas_ref: str = "../../shared/contracts/partner-schemas") -> dict[str, Any]:
    """The AsyncAPI document; ``schemas_ref`` is where the partner contracts' committed
    schemas are, relative to the document (a JSON Reference base)."""
    names = [_name(cls) for cls in PARTNER_CONTRACTS.values()]
    webhook = [f"webhook.{n}" for n in names]
    kafka = [f"kafka.{n}" for n in names]
    message = "#/components/messages/"
    channels = {
        "partnerFeed": {
            "address": FEED_PATH, "title": "Pull feed",
            "description": "The partner's events, by position, page by page: for partners "
                           "that can run neither a Kafka client nor a public endpoint.",
            "servers": [{"$ref": "#/servers/gateway"}, {"$ref": "#/servers/gateway-local"}],
            "messages": {m: {"$ref": message + m} for m in ("FeedRequest", "FeedPage")}},
        "partnerWebhook": {
            "address": None, "title": "Signed webhook",
            "description": "The partner's own URL: POST /partner/webhook, or an HTTP "
                           "subscription's sink (POST /partner/subscriptions). The gateway "
                           "posts every event of the partner's feed the subscription selects "
                           "to it, one at a time, in feed "
                           "order; a refused or failed delivery is retried after 1 s, 2 s, 4 s, "
                           "... up to once an hour with the next events waiting, and the "
                           "endpoint is disabled after three days of failures. Any 2xx "
                           "accepts an event. GET /partner/webhook shows the delivery log.",
            "servers": [{"$ref": "#/servers/partnerEndpoint"}],
            "messages": {m: {"$ref": message + m} for m in webhook}},
        "partnerTopic": {
            "address": KAFKA_TOPIC, "title": "Kafka topic per partner",
            "description": "Written for the partner's KAFKA subscriptions (POST "
                           "/partner/subscriptions): every event of its feed a subscription "
                           "selects, in feed order, at least once, in CloudEvents binary mode "
                           "(the data as the value, the attributes as `ce_` headers), keyed "
                           "by the cooperative id (a cooperative's events keep their order). "
                           "A revoked consent's events are no longer written. Read with the "
                           "partner's own SCRAM user, in consumer groups `<partner id>.*`; "
                           "the broker refuses it every other topic and group.",
            "parameters": {"partnerId": {
                "description": "the partner's `partner_id`, the subject of its tokens"}},
            "servers": [{"$ref": "#/servers/kafka"}],
            "messages": {m: {"$ref": message + m} for m in kafka}},
    }
    operations = {
        "readPartnerFeed": {
            "action": "receive", "channel": {"$ref": "#/channels/partnerFeed"},
            "title": "A partner reads its feed",
            "summary": "GET /partner/feed: the events after a position",
            "description": "Keep the last position processed and ask for `after=<it>`; "
                           "`next_after` of the page is that position.",
            "security": [{"$ref": "#/components/securitySchemes/partnerToken"},
                         {"$ref": "#/components/securitySchemes/partnerSignature"}],
            "bindings": {"http": {"method": "GET", "query": _feed_query(),
                                  "bindingVersion": HTTP_BINDING}},
            "messages": _refs("partnerFeed", ["FeedRequest"]),
            "reply": {"channel": {"$ref": "#/channels/partnerFeed"},
                      "messages": _refs("partnerFeed", ["FeedPage"])}},
        "pushToPartnerWebhook": {
            "action": "send", "channel": {"$ref": "#/channels/partnerWebhook"},
            "title": "The gateway posts an event to the partner's webhook",
            "summary": "At least once, in feed order, signed (Standard Webhooks 1.0)",
            "bindings": {"http": {"method": "POST", "bindingVersion": HTTP_BINDING}},
            "messages": _refs("partnerWebhook", webhook)},
        "publishToPartnerTopic": {
            "action": "send", "channel": {"$ref": "#/channels/partnerTopic"},
            "title": "The gateway writes an event to the partner's topic",
            "summary": "At least once, in feed order, keyed by cooperative",
            "messages": _refs("partnerTopic", kafka)},
    }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": "urn:gotong:partners",
        "info": {"title": "Gotong partner gateway", "version": "1.0.0",
                 "description": _INFO,
                 "tags": [{"name": category} for category in PARTNER_CONTRACTS]},
        "defaultContentType": "application/json",
        "servers": _servers(),
        "channels": channels,
        "operations": operations,
        "components": _components(schemas_ref),
    }


def render(doc: dict[str, Any]) -> str:
    """The document as committed: JSON, two-space indents, a final newline."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DOCUMENT
    out.parent.mkdir(parents=True, exist_ok=True)
    # The contracts' schemas, relative to where the document is (run from the repository).
    ref = posixpath.relpath(SCHEMAS_DIR.resolve().as_posix(), out.parent.resolve().as_posix())
    out.write_text(render(document(ref)))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

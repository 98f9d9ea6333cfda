"""API request and response models (separate from domain events and partner contracts)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gotong_platform.contracts.partner_feed import PARTNER_CONTRACTS, PARTNER_EVENT_SOURCE
from partners.domain import (
    MAX_FILTERS,
    MAX_TYPES,
    PEM_MAX,
    Category,
    Consent,
    DeliveryProtocol,
    Partner,
    Subscription,
    WebhookEndpoint,
    filter_json,
)

CATEGORIES = ", ".join(c.value for c in Category)
# The CloudEvents types the gateway emits: one per partner contract.
PARTNER_TYPES = frozenset(cls.ce_type() for cls in PARTNER_CONTRACTS.values())


class _In(BaseModel):
    # Unknown fields are refused: a client cannot slip in e.g. a grant time or an actor.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ContactIn(_In):
    name: str = Field(max_length=200, examples=["Dewi Lestari"])
    email: str | None = Field(default=None, max_length=200, examples=["dewi@bank.example"])
    phone: str | None = Field(default=None, max_length=200, examples=["+62 812 0000 0000"])
    role: str | None = Field(default=None, max_length=200, examples=["account officer"])


class RegisterPartnerIn(_In):
    name: str = Field(max_length=200, examples=["Bank Pembangunan Daerah NTT"])
    kind: Literal["bank", "buyer", "government", "other"] = Field(examples=["bank"])
    contacts: list[ContactIn] = Field(default_factory=list, max_length=10)


class ContactOut(BaseModel):
    name: str
    email: str | None = None
    phone: str | None = None
    role: str | None = None


class PartnerOut(BaseModel):
    """A partner. Its contacts are shown to the federation office only."""

    partner_id: str = Field(description="the subject of the partner's tokens")
    name: str
    kind: str
    contacts: list[ContactOut] | None = None
    registered_at: datetime
    registered_by: str | None = None
    version: int

    @classmethod
    def of(cls, p: Partner, version: int) -> PartnerOut:
        return cls(partner_id=p.partner_id, name=p.name, kind=p.kind.value,
                   contacts=[ContactOut(name=c.name, email=c.email, phone=c.phone, role=c.role)
                             for c in p.contacts],
                   registered_at=p.registered_at, registered_by=p.registered_by,
                   version=version)


class SigningKeyIn(_In):
    public_key_pem: str = Field(
        max_length=PEM_MAX,
        description="the partner's public key for its signed (SNAP) requests, PEM "
                    "(-----BEGIN PUBLIC KEY-----): RSA of 2048 to 4096 bits, or ECDSA P-256",
        examples=["-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE...\n"
                  "-----END PUBLIC KEY-----\n"])


class SigningKeyOut(BaseModel):
    """A partner's public key: it verifies signatures made from ``registered_at`` until
    ``valid_until`` (open-ended when null)."""

    key_id: str
    algorithm: str = Field(description="SHA256withRSA or SHA256withECDSA")
    bits: int
    fingerprint: str = Field(description="lowercase hex SHA-256 of the DER public key")
    public_key_pem: str
    registered_at: datetime
    registered_by: str
    valid_until: datetime | None = None


class SigningKeyRegisteredOut(BaseModel):
    """The key registered, and the key it replaced, which verifies until the overlap ends."""

    partner_id: str
    key: SigningKeyOut
    replaced_key_id: str | None = None
    replaced_valid_until: datetime | None = None
    version: int

    @classmethod
    def of(cls, p: Partner, version: int) -> SigningKeyRegisteredOut:
        new = p.signing_keys[-1]
        replaced = next((k for k in reversed(p.signing_keys[:-1])
                         if k.valid_until is not None and k.valid_until > new.registered_at),
                        None)
        return cls(partner_id=p.partner_id, key=SigningKeyOut(
            key_id=new.key_id, algorithm=new.algorithm.value, bits=new.bits,
            fingerprint=new.fingerprint, public_key_pem=new.public_key_pem,
            registered_at=new.registered_at, registered_by=new.registered_by),
            replaced_key_id=replaced.key_id if replaced else None,
            replaced_valid_until=replaced.valid_until if replaced else None, version=version)


class GrantConsentIn(_In):
    partner_id: str = Field(max_length=100,
                            examples=["partner-0190f3c2-0000-7000-8000-000000000000"])
    categories: list[str] = Field(
        max_length=20, description=f"at least one of: {CATEGORIES}", examples=[["savings"]])
    from_date: date = Field(description="the first business date the partner may receive",
                            examples=["2026-01-01"])
    include_history: bool = Field(
        default=False, description="also facts recorded before the consent was granted")
    until_date: date | None = Field(
        default=None, description="the last business date covered (open-ended when left out)")


class RevokeConsentIn(_In):
    reason: str | None = Field(default=None, max_length=500, examples=["loan repaid"])


class ConsentOut(BaseModel):
    consent_id: str
    partner_id: str
    cooperative_id: str
    categories: list[str]
    from_date: date
    include_history: bool
    until_date: date | None
    granted_at: datetime
    granted_by: str
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None = None
    version: int

    @classmethod
    def of(cls, c: Consent, version: int) -> ConsentOut:
        return cls(consent_id=c.consent_id, partner_id=c.partner_id,
                   cooperative_id=c.cooperative_id,
                   categories=[category.value for category in c.categories],
                   from_date=c.from_date, include_history=c.include_history,
                   until_date=c.until_date, granted_at=c.granted_at, granted_by=c.granted_by,
                   revoked_at=c.revoked_at, revoked_by=c.revoked_by,
                   revoke_reason=c.revoke_reason, version=version)


class FeedItemOut(BaseModel):
    """One partner event: a CloudEvent in structured JSON mode, with its feed position."""

    specversion: Literal["1.0"] = Field(description="the CloudEvents version")
    id: str = Field(description="the partner event's id (its own for each partner); the "
                                "same on every redelivery, so a duplicate can be dropped by it")
    source: str = Field(description="always /gotong/partners: the partner gateway")
    type: str = Field(description="the partner contract of `data`: a new version is a new type",
                      examples=["gotong.partner.savings.SavingsMovement.v1"])
    time: datetime = Field(description="when the fact occurred")
    dataschema: str = Field(description="the URL of the data's JSON Schema (its $id)")
    datacontenttype: Literal["application/json"] = Field(description="`data` is JSON")
    subject: str = Field(description="the cooperative the fact belongs to")
    cooperativeid: str = Field(description="the cooperative the fact belongs to (extension)")
    businessdate: date = Field(
        description="the day the fact takes effect in the cooperative's books (extension)")
    position: int = Field(description="pass the last one read as ?after= for the next page")
    data: dict[str, Any] = Field(description="the partner contract named by `dataschema`")


class FeedPage(BaseModel):
    items: list[FeedItemOut]
    next_after: int = Field(description="the cursor of the next page (?after=)")


class ProfileMonthOut(BaseModel):
    month: str = Field(description="YYYY-MM")
    revision: int | None = Field(description="the month's latest revision")
    omzet_idr: int = Field(description="shop omzet of the month, integer rupiah")
    savings_balance_idr: int = Field(description="all savings at the month's end")
    loans_outstanding_idr: int = Field(description="loan principal owed at the month's end")
    par30_bp: int | None = Field(description="portfolio at risk over 30 days, basis points; "
                                             "null when nothing is outstanding")
    active_members: int = Field(description="admitted members at the month's end")
    known_at: datetime | None = Field(description="the figures count what was recorded by then")


class ProfileFreshness(BaseModel):
    latest_month: str | None = Field(description="the newest month shown")
    known_at: datetime | None = Field(description="when its figures were computed")
    last_recorded_at: datetime | None = Field(
        description="the cooperative's last event the platform had recorded by then")
    last_activity_date: date | None = Field(
        description="its last business day with a sale, produce delivery, deposit or "
                    "repayment, up to that month's end")


class CooperativeProfile(BaseModel):
    cooperative_id: str
    months_requested: int
    from_month: str | None = Field(description="the window's first month (null: none shown)")
    to_month: str | None = Field(description="the newest month your consents cover")
    months: list[ProfileMonthOut] = Field(
        description="oldest first; a month of the window never published is missing")
    freshness: ProfileFreshness
    consent_ids: list[str] = Field(description="your consents in force that let you read it")


class WebhookIn(_In):
    url: str = Field(max_length=2000, examples=["https://bank.example/gotong/events"],
                     description="https (plain http only in development)")
    from_position: int | None = Field(
        default=None, ge=0, le=2**62,
        description="push the events after this feed position (a replay); left out: where "
                    "the delivery stood, or from the start for a new endpoint")


class WebhookSetOut(BaseModel):
    url: str
    secret: str = Field(description="whsec_...: the signing secret, shown this once")
    enabled: bool
    delivered_position: int


class WebhookSecretOut(BaseModel):
    secret: str = Field(description="whsec_...: the new signing secret, shown this once")
    previous_valid_until: datetime = Field(
        description="until then every request is signed with the old secret too")

    @classmethod
    def of(cls, rotated: WebhookEndpoint) -> WebhookSecretOut:
        """The answer to a rotation (the default webhook's or a subscription's)."""
        if rotated.previous_until is None:  # the store always sets it on a rotation
            raise RuntimeError("a rotated endpoint has no overlap")
        return cls(secret=rotated.secret, previous_valid_until=rotated.previous_until)


class WebhookAttemptOut(BaseModel):
    position: int
    webhook_id: str
    attempted_at: datetime
    status: int | None = Field(description="the endpoint's HTTP status; none: no answer")
    error: str | None


class WebhookOut(BaseModel):
    url: str
    enabled: bool = Field(description="false once it failed for three days; set it again")
    delivered_position: int
    failures: int = Field(description="consecutive failed attempts at the next event")
    failing_since: datetime | None
    next_attempt_at: datetime | None
    last_error: str | None
    updated_at: datetime
    attempts: list[WebhookAttemptOut]


class SubscriptionIn(_In):
    """A subscription as the CloudEvents Subscriptions API writes it (``id`` is the
    gateway's: ignored on create, and on update it must be the path's when given)."""

    id: str | None = Field(default=None, max_length=100,
                           description="ignored on create; on update, the path's id")
    source: str | None = Field(default=None, max_length=200,
                               description=f"only {PARTNER_EVENT_SOURCE} (every event's)")
    types: list[str] = Field(
        default_factory=list, max_length=MAX_TYPES,
        description="CloudEvents types to receive (all when empty): "
                    + ", ".join(sorted(PARTNER_TYPES)),
        examples=[["gotong.partner.savings.SavingsMovement.v1"]])
    config: dict[str, Any] = Field(default_factory=dict, max_length=10,
                                   description="no keys are defined yet: leave it empty")
    filters: list[Any] = Field(
        default_factory=list, max_length=MAX_FILTERS,
        description="every one must pass: {exact|prefix|suffix: {attribute: string}}, "
                    "{all|any: [filters]}, {not: filter}; 'sql' is not supported",
        examples=[[{"prefix": {"businessdate": "2026-03"}}]])
    sink: str | None = Field(default=None, max_length=2000,
                             description="HTTP: the https URL events are posted to; "
                                         "KAFKA: none or your own topic "
                                         "(gotong.partner.<partner id>.events); "
                                         "GOTONG-PULL: none (the pull feed)")
    protocol: str = Field(max_length=40, description="HTTP, KAFKA or GOTONG-PULL",
                          examples=["HTTP"])
    protocolsettings: dict[str, Any] = Field(
        default_factory=dict, max_length=10,
        description="HTTP: method (POST only) and headers (at most 10, no credentials)")


class SubscriptionDeliveryOut(BaseModel):
    """Where an HTTP subscription's webhook delivery stands."""

    enabled: bool = Field(description="false once it failed for three days; update it")
    delivered_position: int
    failures: int
    next_attempt_at: datetime | None
    last_error: str | None


class SubscriptionOut(BaseModel):
    id: str
    source: str | None
    types: list[str]
    config: dict[str, Any]
    filters: list[dict[str, Any]]
    sink: str = Field(description="HTTP: the partner's URL; KAFKA: the partner's topic; "
                                  "GOTONG-PULL: the feed's URL")
    protocol: str
    protocolsettings: dict[str, Any]
    default_webhook: bool = Field(description="the subscription POST /partner/webhook sets")
    created_at: datetime
    created_by: str
    updated_at: datetime
    version: int
    delivery: SubscriptionDeliveryOut | None = Field(
        default=None, description="HTTP and KAFKA: where the delivery stands")

    @classmethod
    def of(cls, sub: Subscription, version: int, base_url: str,
           delivery: SubscriptionDeliveryOut | None = None) -> SubscriptionOut:
        return cls.model_validate(subscription_json(
            {"subscription_id": sub.subscription_id, "protocol": sub.protocol.value,
             "sink": sub.sink, "source": sub.selector.source,
             "types": list(sub.selector.types),
             "filters": [filter_json(f) for f in sub.selector.filters],
             "http_headers": dict(sub.http_headers), "default_webhook": sub.default_webhook,
             "created_at": sub.created_at, "created_by": sub.created_by,
             "updated_at": sub.updated_at, "version": version,
             "enabled": delivery.enabled if delivery else None,
             "delivered_position": delivery.delivered_position if delivery else None,
             "failures": delivery.failures if delivery else None,
             "next_attempt_at": None, "last_error": None}, base_url))


class KafkaAccessOut(BaseModel):
    """How a partner reads its KAFKA subscriptions (docs/partners.md, "Kafka")."""

    bootstrap: str = Field(description="the brokers' addresses (SASL/SCRAM-SHA-512)")
    security_protocol: str = Field(examples=["SASL_SSL"])
    sasl_mechanism: str = Field(examples=["SCRAM-SHA-512"])
    topic: str = Field(description="your topic: every KAFKA subscription writes to it")
    username: str = Field(description="your Kafka user (your partner id)")
    password: str | None = Field(
        description="shown this once, when the gateway creates your user; none when it "
                    "exists already or when the federation office issues it")
    group_prefix: str = Field(description="your consumer groups' names must start with it")


class SubscriptionCreatedOut(SubscriptionOut):
    secret: str | None = Field(
        description="HTTP: whsec_..., the signing secret, shown this once; KAFKA, "
                    "GOTONG-PULL: none")
    kafka: KafkaAccessOut | None = Field(default=None, description="KAFKA only")


def subscription_json(row: dict[str, Any], base_url: str) -> dict[str, Any]:
    """A ``subscriptions`` row (with its endpoint's columns) as ``SubscriptionOut``."""
    http = row["protocol"] == DeliveryProtocol.HTTP.value
    pushed = http or row["protocol"] == DeliveryProtocol.KAFKA.value
    sink = row["sink"] if pushed else (f"{base_url.rstrip('/')}/partner/feed?subscription="
                                       f"{row['subscription_id']}")
    delivery = None
    if pushed and row.get("enabled") is not None:
        delivery = {k: row[k] for k in ("enabled", "delivered_position", "failures",
                                        "next_attempt_at", "last_error")}
    return {"id": row["subscription_id"], "source": row["source"], "types": row["types"],
            "config": {}, "filters": row["filters"], "sink": sink, "protocol": row["protocol"],
            "protocolsettings": ({"method": "POST", "headers": row["http_headers"]} if http
                                 else {}),
            "default_webhook": row["default_webhook"], "created_at": row["created_at"],
            "created_by": row["created_by"], "updated_at": row["updated_at"],
            "version": row["version"], "delivery": delivery}
